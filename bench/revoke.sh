#!/usr/bin/env bash
# Time `pki revoke` with a large ledger against the same with an (almost) empty one, with
# hyperfine, and print both medians and their ratio. The target (issue 12): at 20,000
# issued and 5,000 revoked, less than 3x the empty ledger's cost.
#
#   bash bench/revoke.sh           # 30+ runs of each
#   bash bench/revoke.sh --quick   # a few runs of each, to check the script still works
#
# The ledgers are fabricated: `pki ca init` makes each CA, then ledger.jsonl gets lines in
# the format pki writes (docs/choices.md), one certificate per `issued` line, so no
# certificate is signed. Each run revokes one certificate that is not revoked yet; the
# ledger is restored before every run (hyperfine --prepare, not timed).
#
# Needs: hyperfine, jq, bc, awk, a Rust toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
[ "${1:-}" = "--quick" ] && quick=1
source bench/common.sh
need bench/revoke.sh hyperfine jq bc awk

ISSUED=20000
REVOKED=5000

build_pki
# Under target/, not /tmp (see bench/compare.sh and docs/performance.md).
target_dir=$(cargo metadata --format-version 1 --no-deps | jq -r .target_directory)
mkdir -p "$target_dir/bench"
W=$(mktemp -d -p "$target_dir/bench")
trap 'rm -rf "$W"' EXIT
cd "$W"

# `issued` lines for serials FIRST..LAST, then `revoked` lines for the first N of them.
# Serials are 40 hex digits like pki's (a fixed prefix and the number).
fabricate() { # FIRST LAST N
  awk -v first="$1" -v last="$2" -v n="$3" 'BEGIN {
    for (i = first; i <= last; i++) {
      s = sprintf("5e1d2c3b4a59687f0e1d2c3b4a596877%08x", i); h = "host" i ".example.test"
      printf "{\"event\":\"issued\",\"serial\":\"%s\",\"profile\":\"server\",\"subject\":\"CN=%s\",", s, h
      printf "\"sans\":[\"%s\"],\"not_before\":\"2026-01-01T00:00:00Z\",\"not_after\":\"2027-02-02T00:00:00Z\",", h
      printf "\"issuer\":\"root\",\"fingerprint_sha256\":\"%064x\",\"path\":\"/srv/pki/certs/%s.pem\",", i, h
      printf "\"issued_at\":\"2026-01-01T00:00:00Z\"}\n"
    }
    for (i = first; i < first + n; i++) {
      s = sprintf("5e1d2c3b4a59687f0e1d2c3b4a596877%08x", i)
      printf "{\"event\":\"revoked\",\"serial\":\"%s\",\"at\":\"2026-03-01T00:00:00Z\",\"reason\":\"superseded\"}\n", s
    }
  }'
}
# The certificate each run revokes: issued last, never revoked.
target=$(printf '5e1d2c3b4a59687f0e1d2c3b4a596877%08x' "$ISSUED")

"$PKI" --ca-dir big ca init --cn "bench root" -q
"$PKI" --ca-dir empty ca init --cn "bench root" -q
fabricate 1 "$ISSUED" "$REVOKED" >> big/ledger.jsonl
fabricate "$ISSUED" "$ISSUED" 0 >> empty/ledger.jsonl
cp big/ledger.jsonl big.orig
cp empty/ledger.jsonl empty.orig

# The premise: pki reads the fabricated ledger as fabricated.
listed=$("$PKI" --ca-dir big list --json | jq '[length, (map(select(.status == "revoked")) | length)] | join(" ")' -r)
[ "$listed" = "$ISSUED $REVOKED" ] || { echo "the fabricated ledger lists as '$listed', not '$ISSUED $REVOKED'"; exit 1; }
"$PKI" --ca-dir big revoke "$target" -q
[ "$("$PKI" --ca-dir big list --json | jq -r --arg s "$target" '.[] | select(.serial == $s) | .status')" = revoked ]
cp big.orig big/ledger.jsonl

echo "$(date -u +%F) $(uname -srm), $(nproc) CPUs; ledger: $ISSUED issued, $REVOKED revoked ($(du -h big.orig | cut -f1))"
if [ $quick = 1 ]; then HF=(hyperfine -N --runs 3 --warmup 1 --style none); else HF=(hyperfine -N --warmup 5 --min-runs 30 --style none); fi
"${HF[@]}" --export-json times.json \
  -n empty --prepare "cp empty.orig empty/ledger.jsonl" "$PKI --ca-dir empty revoke $target -q" \
  -n big --prepare "cp big.orig big/ledger.jsonl" "$PKI --ca-dir big revoke $target -q" >/dev/null
median() { jq -r --arg n "$1" '.results[] | select(.command == $n) | .median * 1000' times.json; }
e=$(median empty)
b=$(median big)
printf '%-44s %9.2f ms\n' "pki revoke, 1 certificate in the ledger" "$e"
printf '%-44s %9.2f ms\n' "pki revoke, $ISSUED issued / $REVOKED revoked" "$b"
printf '%-44s %9.2fx (target: under 3x)\n' "ratio" "$(echo "$b / $e" | bc -l)"
