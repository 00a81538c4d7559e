#!/usr/bin/env bash
# Headless Chromium and chromedriver for the browser tests: Debian's packages, never a
# downloaded browser. Installs them with apt-get when missing (as root), then prints
# their paths. Exit 3 when they are missing and cannot be installed here.
set -euo pipefail

have() { command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; }

if ! have; then
  if [[ $(id -u) != 0 ]] || ! command -v apt-get >/dev/null; then
    echo "chromium.sh: Chromium is not installed, and this is not a root shell with apt-get" >&2
    exit 3
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq chromium chromium-driver >/dev/null 2>&1 \
    || { apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; }
fi
have || { echo "chromium.sh: chromium or chromedriver still missing" >&2; exit 3; }
command -v chromium
command -v chromedriver
chromium --version 2>/dev/null || true
