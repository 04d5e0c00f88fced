#!/usr/bin/env bash
# JupyterHub's real proxy, configurable-http-proxy (npm), for the hub classroom and its test.
#
# Installed into .tools/node_modules inside the repository (ignored by git), not globally:
# no root needed for npm, nothing outside the checkout changes, the version is pinned here,
# and hub/jupyterhub_config.py finds it at a fixed path. Node.js and npm come from Debian
# (apt-get, as root or via sudo) only when missing. Idempotent; quick when already installed.
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS=.tools
CHP="$TOOLS/node_modules/.bin/configurable-http-proxy"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "setup_hub: installing nodejs and npm (for JupyterHub's configurable-http-proxy)" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi

# configurable-http-proxy 5 needs Node.js 20+; Debian 12's own nodejs is 18, which 4.6 serves.
if [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ]; then
  CHP_VERSION=5.3.0
else
  CHP_VERSION=4.6.3
fi
installed=$(node -p "require('./$TOOLS/node_modules/configurable-http-proxy/package.json').version" \
  2>/dev/null || true)
if [ "$installed" != "$CHP_VERSION" ] || [ ! -x "$CHP" ]; then
  echo "setup_hub: installing configurable-http-proxy@$CHP_VERSION into $TOOLS/" >&2
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-audit --no-fund --no-save --loglevel=error \
    "configurable-http-proxy@$CHP_VERSION" >/dev/null
fi
