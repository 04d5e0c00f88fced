#!/usr/bin/env bash
# Install the toolchains that tests/test_snippets.py compiles and runs the signing snippets
# with (smskit/data/snippets/): a JDK 17+, Go, Node.js 18+, PHP, openssl and curl, from Debian; and
# JUnit 5 (package junit5) for tests/test_harnesses.py.
# Idempotent and quick when everything is present; runs as root or via sudo, never asks.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# The first number in a tool's version text (its major version), or 0 when it is missing.
major_of() {
  local number
  command -v "$1" >/dev/null || { echo 0; return; }
  number=$("$@" 2>&1 | grep -oE '[0-9]+' | head -1) || true
  echo "${number:-0}"
}

missing=()
[ "$(major_of javac -version)" -ge 17 ] || missing+=(default-jdk-headless)
command -v go >/dev/null || missing+=(golang-go)
[ "$(major_of node --version)" -ge 18 ] || missing+=(nodejs)
command -v php >/dev/null || missing+=(php-cli)
command -v openssl >/dev/null || missing+=(openssl)
command -v curl >/dev/null || missing+=(curl)
# JUnit 5's console launcher for the JUnit harness (examples/harnesses/java), offline from Debian
[ -f /usr/share/java/junit-platform-console-standalone.jar ] || missing+=(junit5)

if [ ${#missing[@]} -gt 0 ]; then
  echo "kit: installing ${missing[*]} for the signing snippets' tests" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# What the snippets need at least (Debian bookworm has JDK 17, Go 1.19, Node.js 18, PHP 8.2).
too_old() { echo "kit: $1 is too old for the signing snippets (needs $2)" >&2; exit 1; }
[ "$(major_of javac -version)" -ge 17 ] || too_old "$(javac -version 2>&1)" "JDK 17+"
go_minor=$(go version | sed -nE 's/.*go1\.([0-9]+).*/\1/p')
[ "${go_minor:-0}" -ge 18 ] || too_old "$(go version)" "Go 1.18+"
[ "$(major_of node --version)" -ge 18 ] || too_old "Node.js $(node --version)" "Node.js 18+"
php_version=$(php -r 'echo PHP_VERSION_ID;')
[ "$php_version" -ge 80100 ] || too_old "PHP $(php -r 'echo PHP_VERSION;')" "PHP 8.1+"
