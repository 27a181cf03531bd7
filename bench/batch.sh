#!/usr/bin/env bash
# Certificates per second, in one run and with hyperfine, for N ECDSA P-256 client
# certificates made three ways: (a) one `pki issue batch` of N lines, (b) a shell loop of N
# `pki issue client`, (c) a shell loop of N `openssl req -x509 -CA ... -CAkey ...` (same
# key type, the same extensions as pki's client profile). Prints the three rates and the
# ratios batch/loop and batch/openssl. The target (issue 18): batch at least 10x the loop.
#
#   bash bench/batch.sh           # N = 1000: about a minute (the openssl loop is most of it)
#   bash bench/batch.sh --quick   # N = 20, one run of each: checks the script still works
#
# Needs: hyperfine, openssl, jq, bc, a Rust toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
[ "${1:-}" = "--quick" ] && quick=1
source bench/common.sh
need bench/batch.sh hyperfine openssl jq bc

N=1000
[ $quick = 1 ] && N=20

build_pki
# Under target/, not /tmp (see bench/compare.sh and docs/performance.md); PKI_BENCH_DIR
# puts the work elsewhere (a tmpfs, to see the batch without this disk's file-creation cost).
bench_dir=${PKI_BENCH_DIR:-$PWD/target/bench}
mkdir -p "$bench_dir"
W=$(mktemp -d -p "$bench_dir")
export TMPDIR="$W"
trap 'rm -rf "$W"' EXIT
cd "$W"

echo "$(date -u +%F) $(uname -srm), $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
echo "openssl: $(openssl version), pki: $("$PKI" --version | head -1); N = $N client certificates, ECDSA P-256"

# One CA for all three (pki's own), copied afresh into each timed run's directory so every
# run starts from the same empty ledger. The runs leave their files; the directory goes at
# the end (removing files is not the work being measured).
"$PKI" --ca-dir ca ca init -q --cn "bench root"
for i in $(seq "$N"); do printf '{"profile":"client","cn":"c%s"}\n' "$i"; done > clients.jsonl

cat > ext.cnf <<'CNF'
[req]
distinguished_name = dn
[dn]
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF

# Each script works in DIR (default: a fresh directory), making COUNT certificates.
cat > batch.sh <<SH
set -e; d=\${2:-\$(mktemp -d)}; mkdir -p "\$d"; cp -r "$W/ca" "\$d/ca"; cd "\$d"
head -n "\$1" "$W/clients.jsonl" | "$PKI" --ca-dir ca issue batch - --out-dir out -q
SH
cat > loop-pki.sh <<SH
set -e; d=\${2:-\$(mktemp -d)}; mkdir -p "\$d"; cp -r "$W/ca" "\$d/ca"; cd "\$d"
for i in \$(seq "\$1"); do "$PKI" --ca-dir ca issue client --cn "c\$i" --out-dir out -q; done
SH
cat > loop-ossl.sh <<SH
set -e; d=\${2:-\$(mktemp -d)}; mkdir -p "\$d/out"; cd "\$d"
for i in \$(seq "\$1"); do
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "out/c\$i-key.pem" -subj "/CN=c\$i" \\
    -CA "$W/ca/ca.pem" -CAkey "$W/ca/ca-key.pem" -days 397 -config "$W/ext.cnf" -extensions client -out "out/c\$i.pem" 2>/dev/null
done
SH

# The premises: each way makes what it says, and it verifies against the root for a client.
bash batch.sh "$N" premise-batch
bash loop-pki.sh 2 premise-loop
bash loop-ossl.sh 2 premise-ossl
n=$("$PKI" --ca-dir premise-batch/ca list --json | jq length)
[ "$n" = "$N" ] || { echo "the batch recorded $n certificates, not $N"; exit 1; }
[ "$(find premise-batch/out -name 'c*-chain.pem' | wc -l)" = "$N" ] || { echo "the batch did not write $N chains"; exit 1; }
openssl verify -CAfile ca/ca.pem -purpose sslclient premise-batch/out/c1.pem "premise-batch/out/c$N.pem" \
  premise-loop/out/c2.pem premise-ossl/out/c1.pem premise-ossl/out/c2.pem >/dev/null

if [ $quick = 1 ]; then
  HF=(hyperfine -N --runs 1 --style none)
  HFL=(hyperfine -N --runs 1 --style none)
else
  HF=(hyperfine -N --warmup 2 --min-runs 10 --style none)
  HFL=(hyperfine -N --runs 3 --style none)
fi
run() { "$@" >/dev/null 2>"$W/hf.err" || { cat "$W/hf.err" >&2; exit 1; }; }
run "${HF[@]}" --export-json batch.json "bash batch.sh $N"
run "${HFL[@]}" --export-json loops.json "bash loop-pki.sh $N" "bash loop-ossl.sh $N"

b=$(jq -r '.results[0].median' batch.json)
l=$(jq -r '.results[0].median' loops.json)
o=$(jq -r '.results[1].median' loops.json)
rate() { echo "$N / $1" | bc -l; }
printf '%-52s %10.0f certificates/s (%.3f s for %s)\n' "(a) pki issue batch, one process" "$(rate "$b")" "$b" "$N"
printf '%-52s %10.0f certificates/s (%.3f s)\n' "(b) shell loop of pki issue client" "$(rate "$l")" "$l"
printf '%-52s %10.0f certificates/s (%.3f s)\n' "(c) shell loop of openssl req -x509 -CA" "$(rate "$o")" "$o"
# Where a batch's time goes: mostly the kernel creating its 3N files in one directory
# (a temporary file each, renamed into place), which swings with what else the disk does.
printf '%-52s %10.3f s user, %.3f s system (means)\n' "    the batch's CPU time" "$(jq -r '.results[0].user' batch.json)" "$(jq -r '.results[0].system' batch.json)"
printf '%-52s %10.1fx (target: at least 10x)\n' "batch / pki loop" "$(echo "$l / $b" | bc -l)"
printf '%-52s %10.1fx\n' "batch / openssl loop" "$(echo "$o / $b" | bc -l)"
