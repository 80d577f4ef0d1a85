#!/usr/bin/env bash
# Installs what the web console's browser tests and screenshots need, from
# Debian's packages: Chromium (driven headless over the DevTools protocol by
# gateway/console's tests) and a Simplified Chinese font (WenQuanYi Micro
# Hei, 5 MB) so that pages render in Chinese rather than as boxes.
# Idempotent: does nothing when both are installed, or when $CHROMIUM names a
# browser already. apt-get needs root; CI runs as root (.ci/run calls this).
set -euo pipefail
pkgs=(chromium fonts-wqy-microhei)
if [ -n "${CHROMIUM:-}" ] && [ -x "${CHROMIUM}" ]; then
  exit 0
fi
if dpkg -s "${pkgs[@]}" > /dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-chromium.sh: run as root (sudo $0), or install ${pkgs[*]} yourself" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${pkgs[@]}" > /dev/null
chromium --version 2> /dev/null || true
