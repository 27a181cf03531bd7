#!/usr/bin/env bash
# Build and run every fuzz target for SECONDS each (default 60). Needs cargo-fuzz
# (`cargo install cargo-fuzz`); runs on the stable toolchain through RUSTC_BOOTSTRAP=1,
# which lets stable rustc accept the -Z sanitizer flags cargo-fuzz passes.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
export RUSTC_BOOTSTRAP=1
bash seed.sh
for t in read verify bundle args; do
  echo "== fuzzing $t for ${seconds}s"
  log=$(mktemp)
  if ! cargo fuzz run "$t" "corpus/$t" -- -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 >"$log" 2>&1; then
    # A build error or a crash: show the part that says which, not only the last lines.
    grep -v '^"' "$log" | grep -E -m 40 -A 12 'error(\[|:)|panicked|ERROR: libFuzzer|SUMMARY' || tail -n 40 "$log"
    rm -f "$log"
    exit 1
  fi
  tail -n 5 "$log"
  rm -f "$log"
done
