#!/bin/sh
# The browser tests drive Debian's Chromium; we never download a browser build.
if [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium from Debian's packages for the browser tests..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "Chromium is not installed; browser tests will be skipped." \
       "Install your system's chromium package (or set CHROMIUM_PATH) to run them."
fi
