#!/usr/bin/env bash
# Test set-up (run by ./kit for `test` and `setup`): Debian's chromium for the browser tests,
# and a small CJK font (WenQuanYi Micro Hei, about 5 MB installed; fonts-noto-cjk is about
# 90 MB) so that the error codes' Chinese messages render as text, not boxes, in screenshots.
# Idempotent: does nothing when both are installed. As root, or via sudo.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg-query -W -f='${Status}' fonts-wqy-microhei 2>/dev/null | grep -q 'ok installed' \
  || missing+=(fonts-wqy-microhei)
if [ ${#missing[@]} -gt 0 ]; then
  echo "kit: installing ${missing[*]} for the browser tests" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
