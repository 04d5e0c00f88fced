#!/usr/bin/env bash
# Install the toolchains that tests/test_snippets.py compiles and runs the signing snippets
# with (data/snippets/): a JDK 17+, Go, Node.js 18+, PHP, openssl and curl, from Debian.
# Idempotent and quick when everything is present; runs as root or via sudo, never asks.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# The major version of a tool from its version text, or 0 when the tool is missing.
major_of() { "$@" 2>&1 | grep -oE '[0-9]+' | head -1 || true; }

missing=()
java_major=$(command -v javac >/dev/null && major_of javac -version || echo 0)
[ "${java_major:-0}" -ge 17 ] || missing+=(default-jdk-headless)
command -v go >/dev/null || missing+=(golang-go)
node_major=$(command -v node >/dev/null && major_of node --version || echo 0)
[ "${node_major:-0}" -ge 18 ] || missing+=(nodejs)
command -v php >/dev/null || missing+=(php-cli)
command -v openssl >/dev/null || missing+=(openssl)
command -v curl >/dev/null || missing+=(curl)

if [ ${#missing[@]} -gt 0 ]; then
  echo "kit: installing ${missing[*]} for the signing snippets' tests" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

node_major=$(major_of node --version)
if [ "${node_major:-0}" -lt 18 ]; then
  echo "kit: Node.js $(node --version) is too old for the snippets (fetch needs 18+)" >&2
  exit 1
fi
