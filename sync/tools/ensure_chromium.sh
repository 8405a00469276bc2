#!/usr/bin/env bash
# Make sure Debian's chromium is installed (the console's browser tests drive it headless through
# Playwright at /usr/bin/chromium; a browser build cannot be downloaded here), with a Chinese font
# (WenQuanYi Micro Hei) so the screenshots kept as test artefacts show the text, not boxes.
set -euo pipefail
if [ -x /usr/bin/chromium ] && { ! command -v fc-list >/dev/null 2>&1 || [ -n "$(fc-list :lang=zh 2>/dev/null)" ]; }; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure_chromium: no apt-get here; the browser tests will be skipped" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
    echo "ensure_chromium: not root and no sudo; the browser tests will be skipped" >&2
    exit 0
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=600 chromium fonts-wqy-microhei >/dev/null
