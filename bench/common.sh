# Sourced by the bench/*.sh scripts (from the repository root): the tools they need, and
# the release binary cargo builds.

# need SCRIPT TOOL...: exit 1 naming the first tool that is missing.
need() {
  local script=$1; shift
  for t in "$@"; do
    command -v "$t" >/dev/null || { echo "$script needs $t (apt-get install $t)"; exit 1; }
  done
}

# The binary cargo builds (target/<host>/release/pki: see .cargo/config.toml), from cargo's
# JSON messages on stdin.
exe() { jq -r 'select(.executable != null and .target.name == "pki") | .executable'; }

# Build the release pki and set PKI to its path.
build_pki() {
  cargo build --release --quiet
  PKI=$(cargo build --release --quiet --message-format=json | exe)
}
