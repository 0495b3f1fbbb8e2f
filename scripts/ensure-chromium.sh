#!/usr/bin/env bash
# The e2e tests drive Debian's Chromium (Playwright's own browser download cannot work on these
# machines). Install it when we are root on Debian; otherwise say in one line what to do.
set -euo pipefail
if [ -n "${CHROMIUM_PATH:-}" ]; then
  [ -x "$CHROMIUM_PATH" ] && exit 0
  echo "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file" >&2
  exit 1
fi
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium for the e2e tests (apt-get install chromium)…" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  [ -x /usr/bin/chromium ] && exit 0
  echo "apt-get finished but /usr/bin/chromium is still missing" >&2
  exit 1
fi
echo "e2e tests need Chromium: run 'sudo apt-get install chromium' (or set CHROMIUM_PATH to a Chromium binary)" >&2
exit 1
