#!/usr/bin/env bash
# Time `pki fixtures` (issue 16: generating the set takes well under a second) with
# hyperfine, for the default key type and for RSA-2048, and print the medians. Each run
# makes a whole set (17 cases, about 25 keys and certificates, a CRL) and swaps it in with
# --force, as a test suite that regenerates the set on every run does.
#
#   bash bench/fixtures.sh           # 20+ runs of each
#   bash bench/fixtures.sh --quick   # a few runs of each, to check the script still works
#
# Needs: hyperfine, jq, a Rust toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
[ "${1:-}" = "--quick" ] && quick=1
source bench/common.sh
need bench/fixtures.sh hyperfine jq

build_pki
# Under target/, not /tmp (see bench/compare.sh and docs/performance.md).
target_dir=$(cargo metadata --format-version 1 --no-deps | jq -r .target_directory)
mkdir -p "$target_dir/bench"
W=$(mktemp -d -p "$target_dir/bench")
trap 'rm -rf "$W"' EXIT

# The premise: a whole set is written (and --force has a set to replace).
"$PKI" fixtures "$W/ecdsa" -q
"$PKI" fixtures "$W/rsa" --key-type rsa-2048 -q
[ "$(jq length "$W/ecdsa/manifest.json")" -ge 17 ] || { echo "the set has fewer than 17 cases"; exit 1; }

echo "$(date -u +%F) $(uname -srm), $(nproc) CPUs"
if [ $quick = 1 ]; then HF=(hyperfine -N --runs 3 --warmup 1 --style none); else HF=(hyperfine -N --warmup 3 --min-runs 20 --style none); fi
"${HF[@]}" --export-json "$W/times.json" \
  -n ecdsa-p256 "$PKI fixtures $W/ecdsa --force -q" \
  -n rsa-2048 "$PKI fixtures $W/rsa --key-type rsa-2048 --force -q" >/dev/null
median() { jq -r --arg n "$1" '.results[] | select(.command == $n) | .median * 1000' "$W/times.json"; }
printf '%-44s %9.2f ms\n' "pki fixtures (ecdsa-p256, the default)" "$(median ecdsa-p256)"
printf '%-44s %9.2f ms\n' "pki fixtures --key-type rsa-2048" "$(median rsa-2048)"
