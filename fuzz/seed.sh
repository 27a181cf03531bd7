#!/usr/bin/env bash
# Seed the fuzz corpora from real certificates: the system CA bundle and the project's
# fixtures, as DER (read, verify, bundle) and as PEM (read); SAN lists and times for args.
set -euo pipefail
cd "$(dirname "$0")"
bundle=/etc/ssl/certs/ca-certificates.crt
mkdir -p corpus/read corpus/verify corpus/bundle corpus/args
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
n=0
for f in ../tests/fixtures/*.pem; do cp "$f" "corpus/read/fixture-$(basename "$f")"; done
if [ -f "$bundle" ]; then
  awk -v dir="$tmp" '/BEGIN CERTIFICATE/{n++} {print > (dir "/c" n ".pem")}' "$bundle"
  for p in "$tmp"/c*.pem; do
    n=$((n+1)); [ $n -gt 60 ] && break
    openssl x509 -in "$p" -outform der -out "corpus/read/sys$n.der" 2>/dev/null || continue
    cp "$p" "corpus/read/sys$n.pem"
  done
fi
# Chains for verify/bundle: leaf 0xff root (0xff separates certificates).
for f in ../tests/fixtures/server.pem; do
  openssl x509 -in "$f" -outform der -out "$tmp/leaf.der"
  openssl x509 -in ../tests/fixtures/root.pem -outform der -out "$tmp/root.der"
  { cat "$tmp/leaf.der"; printf '\xff'; cat "$tmp/root.der"; } > corpus/verify/fixture-chain
  cp corpus/verify/fixture-chain corpus/bundle/fixture-chain
done
printf 'localhost,127.0.0.1,::1' > corpus/args/sans
printf '*.example.com,dns:web,ip:10.0.0.1,email:a@b.test,uri:spiffe://x/y' > corpus/args/typed
printf 'bücher.example' > corpus/args/idn
printf '2024-01-01T00:00:00Z' > corpus/args/time
echo "seeded: $(ls corpus/read | wc -l) read, $(ls corpus/verify | wc -l) verify, $(ls corpus/args | wc -l) args"
