#!/usr/bin/env bash
# Time pki against the openssl recipe for the same work, side by side in one run, with
# hyperfine, and print medians and the ratio openssl/pki (higher is better for pki).
#
#   bash bench/compare.sh           # the full comparison (a few minutes, plus one extra
#                                   # build of pki with aws-lc's jitter entropy, ~2 min once)
#   bash bench/compare.sh --quick   # one pass of each, to check the script still works
#
# Needs: hyperfine, openssl, /usr/bin/time (GNU), jq, bc, a Rust toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
[ "${1:-}" = "--quick" ] && quick=1
source bench/common.sh
need bench/compare.sh hyperfine openssl jq bc
[ -x /usr/bin/time ] || { echo "bench/compare.sh needs GNU time (apt-get install time)"; exit 1; }

build_pki
# The same pki with aws-lc's default CPU-jitter entropy, for the "known trap" row.
JITTER=""
if [ $quick = 0 ]; then
  AWS_LC_SYS_NO_JITTER_ENTROPY=0 cargo build --release --quiet --target-dir target/bench-jitter
  JITTER=$(AWS_LC_SYS_NO_JITTER_ENTROPY=0 cargo build --release --quiet --target-dir target/bench-jitter --message-format=json | exe)
fi
# Work under target/, not /tmp: both tools create files in the same directories, and on the
# VM where this was written /tmp creates a file 15-50x slower than the project's disk
# (130-450 us against 9 us), which would measure the directory rather than the tools.
mkdir -p target/bench
W=$(mktemp -d -p "$PWD/target/bench")
export TMPDIR="$W"
trap 'rm -rf "$W"' EXIT
cd "$W"

echo "$(date -u +%F) $(uname -srm), $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
link=$(ldd "$PKI" 2>&1 | grep -q "statically linked" && echo "statically linked" || echo "dynamically linked or unknown")
echo "openssl: $(openssl version), pki: $("$PKI" --version | head -1) ($link)"
echo

# The exec floor: a trivial Rust binary, built in release mode as rustc builds by default
# (dynamically linked). Its static twin shows what exec alone costs without the loader.
printf 'fn main() {}\n' > noop.rs
rustc -O -o noop noop.rs
rustc -O -C target-feature=+crt-static -o noop-static noop.rs
NOOP="$W/noop"

if [ $quick = 1 ]; then HF=(hyperfine -N --runs 2 --warmup 0 --style none); else HF=(hyperfine -N --warmup 3 --min-runs 15 --style none); fi
# hyperfine warns about outliers on stderr; keep that out of the table unless a run fails.
hf() { "${HF[@]}" "$@" >/dev/null 2>"$W/hf.err" || { cat "$W/hf.err" >&2; exit 1; }; }

# openssl's config for the leaves (the extfile a careful user writes).
cat > ext.cnf <<'CNF'
[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign, digitalSignature
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF

# Each timed script works in a fresh directory under $W and leaves it there: removing files
# is not the work being measured (and on a disk mounted with `discard` it is not cheap).
cat > ossl-ecdsa.sh <<'SH'
set -e; d=$(mktemp -d); cd "$d"
openssl ecparam -name prime256v1 -genkey -noout -out ca-key.pem
openssl req -x509 -new -key ca-key.pem -subj "/CN=Bench Root" -days 3650 -config "$EXT" -extensions ca -out ca.pem
openssl ecparam -name prime256v1 -genkey -noout -out srv-key.pem
openssl req -new -key srv-key.pem -subj /CN=localhost -config "$EXT" -out srv.csr
openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 397 -extfile "$EXT" -extensions server -out srv.pem 2>/dev/null
openssl ecparam -name prime256v1 -genkey -noout -out cli-key.pem
openssl req -new -key cli-key.pem -subj /CN=alice -config "$EXT" -out cli.csr
openssl x509 -req -in cli.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 397 -extfile "$EXT" -extensions client -out cli.pem 2>/dev/null
SH
sed -e 's/openssl ecparam -name prime256v1 -genkey -noout -out ca-key.pem/openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out ca-key.pem/' \
    -e 's/openssl ecparam -name prime256v1 -genkey -noout -out \(srv\|cli\)-key.pem/openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out \1-key.pem/' ossl-ecdsa.sh > ossl-rsa.sh
export EXT="$W/ext.cnf"

cat > pki-flow.sh <<SH
set -e; d=\$(mktemp -d); cd "\$d"
"$PKI" --ca-dir ca ca init -q --key-type \$1
"$PKI" --ca-dir ca issue server --san localhost,127.0.0.1 -q --key-type \$2
"$PKI" --ca-dir ca issue client --cn alice -q --key-type \$2
SH

# The same script with the trivial binary in place of pki: the workflow's floor.
sed "s|\"$PKI\" .*|\"$NOOP\"|" pki-flow.sh > noop-flow.sh

median() { jq -r ".results[$1].median" "$2"; }
row() { # label, json, index of openssl, index of pki
  local o p; o=$(median "$3" "$2"); p=$(median "$4" "$2")
  printf '| %s | %.2f ms | %.2f ms | %.1fx |\n' "$1" "$(echo "$o*1000" | bc -l)" "$(echo "$p*1000" | bc -l)" "$(echo "$o/$p" | bc -l)"
}

echo "| work | openssl | pki | openssl/pki |"
echo "| --- | ---: | ---: | ---: |"

hf --export-json flow-ec.json "bash ossl-ecdsa.sh" "bash pki-flow.sh ecdsa-p256 ecdsa-p256" "bash noop-flow.sh"
row "CA + server + client, ECDSA P-256" flow-ec.json 0 1

hf --export-json flow-rsa.json "bash ossl-rsa.sh" "bash pki-flow.sh rsa-4096 rsa-2048"
row "CA (RSA-4096) + server + client (RSA-2048)" flow-rsa.json 0 1

"$PKI" --ca-dir ca ca init -q
hf --export-json issue.json --prepare "rm -f s.pem s-key.pem s-chain.pem" \
  "$PKI --ca-dir ca issue server --san localhost --name s -q" "$NOOP"
p=$(median 0 issue.json); n=$(median 1 issue.json)
printf '| one `pki issue server` vs exec of a trivial binary | %.2f ms (noop) | %.2f ms | %.2fx the floor |\n' "$(echo "$n*1000" | bc -l)" "$(echo "$p*1000" | bc -l)" "$(echo "$p/$n" | bc -l)"

BUNDLE=/etc/ssl/certs/ca-certificates.crt
hf --export-json inspect.json "openssl storeutl -noout -text -certs $BUNDLE" "$PKI inspect $BUNDLE"
row "inspect the system CA bundle ($(grep -c 'BEGIN CERT' $BUNDLE) certificates)" inspect.json 0 1

"$PKI" --ca-dir ca ca intermediate --name web -q
"$PKI" --ca-dir ca issue server --issuer web --san v.test --name v -q
hf --export-json verify.json "openssl verify -CAfile ca/ca.pem -untrusted ca/intermediates/web/ca.pem v.pem" \
  "$PKI verify v-chain.pem --ca ca/ca.pem --host v.test"
row "verify a 3-level chain" verify.json 0 1

n=200; [ $quick = 1 ] && n=5
cat > loop-pki.sh <<SH
set -e; d=\$(mktemp -d); cp -r "$W/ca" "\$d/ca"; cd "\$d"
for i in \$(seq $n); do "$PKI" --ca-dir ca issue client --cn "u\$i" -q; done
SH
cat > loop-ossl.sh <<SH
set -e; d=\$(mktemp -d); cd "\$d"
openssl ecparam -name prime256v1 -genkey -noout -out ca-key.pem
openssl req -x509 -new -key ca-key.pem -subj "/CN=Bench Root" -days 3650 -config "$EXT" -extensions ca -out ca.pem
for i in \$(seq $n); do
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "u\$i-key.pem" -subj "/CN=u\$i" \
    -CA ca.pem -CAkey ca-key.pem -days 397 -extensions client -config "$EXT" -out "u\$i.pem" 2>/dev/null
done
SH
if [ $quick = 1 ]; then HF2=(hyperfine -N --runs 1 --style none); else HF2=(hyperfine -N --runs 3 --style none); fi
"${HF2[@]}" --export-json loop.json "bash loop-ossl.sh" "bash loop-pki.sh" >/dev/null 2>"$W/hf.err" || { cat "$W/hf.err" >&2; exit 1; }
o=$(median 0 loop.json); p=$(median 1 loop.json)
printf '| %s sequential client certificates, per certificate | %.2f ms | %.2f ms | %.1fx |\n' "$n" "$(echo "$o*1000/$n" | bc -l)" "$(echo "$p*1000/$n" | bc -l)" "$(echo "$o/$p" | bc -l)"

hf --export-json keygen.json --prepare "rm -rf c4" "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -out k.pem" \
  "$PKI --ca-dir c4 ca init -q --key-type rsa-4096"
o=$(median 0 keygen.json); p=$(median 1 keygen.json)
so=$(jq -r '.results[0].stddev' keygen.json); sp=$(jq -r '.results[1].stddev' keygen.json)
printf '| RSA-4096 CA vs openssl genpkey RSA-4096 (stddev %.0f / %.0f ms) | %.2f ms | %.2f ms | %.1fx |\n' \
  "$(echo "$so*1000" | bc -l)" "$(echo "$sp*1000" | bc -l)" "$(echo "$o*1000" | bc -l)" "$(echo "$p*1000" | bc -l)" "$(echo "$o/$p" | bc -l)"

echo
echo "peak RSS (GNU time, KiB):"
rm -f s.pem s-key.pem s-chain.pem
/usr/bin/time -f "  pki issue server: %M" "$PKI" --ca-dir ca issue server --san localhost --name s -q
/usr/bin/time -f "  pki inspect bundle: %M" "$PKI" inspect "$BUNDLE" >/dev/null
/usr/bin/time -f "  openssl storeutl bundle: %M" openssl storeutl -noout -text -certs "$BUNDLE" >/dev/null

echo
echo "floors:"
f=$(median 1 flow-ec.json); nf=$(median 2 flow-ec.json)
printf '  ECDSA workflow: pki %.2f ms, the same script running a trivial binary %.2f ms: %.2fx\n' \
  "$(echo "$f*1000" | bc -l)" "$(echo "$nf*1000" | bc -l)" "$(echo "$f/$nf" | bc -l)"
hf --export-json floor.json "$NOOP" "$W/noop-static"
printf '  trivial binary: %.2f ms as rustc builds it, %.2f ms linked statically\n' \
  "$(echo "$(median 0 floor.json)*1000" | bc -l)" "$(echo "$(median 1 floor.json)*1000" | bc -l)"

if [ -n "$JITTER" ]; then
  hf --export-json jitter.json --prepare "rm -f s.pem s-key.pem s-chain.pem" \
    "$PKI --ca-dir ca issue server --san localhost --name s -q" "$JITTER --ca-dir ca issue server --san localhost --name s -q"
  printf '  pki issue server: %.2f ms seeding from getrandom, %.2f ms with aws-lc jitter entropy\n' \
    "$(echo "$(median 0 jitter.json)*1000" | bc -l)" "$(echo "$(median 1 jitter.json)*1000" | bc -l)"
fi
