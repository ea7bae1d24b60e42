#!/usr/bin/env bash
# Installs the native libraries CaptionFlow needs when they are missing.
#   libtesseract5  - the Tesseract OCR engine Tess4J binds to (the English model ships in the tess4j jar)
#   fonts-dejavu-core, fontconfig - fonts for the generated demo and test videos
# Usage: system-deps.sh [extra Debian packages...]
# On Debian/Ubuntu this uses apt-get (as root, or via sudo). On other systems it prints what to install.
set -euo pipefail

packages=(libtesseract5 fonts-dejavu-core fontconfig "$@")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  cat >&2 <<MSG
CaptionFlow needs these system packages: ${missing[*]}
This is not a Debian-like system, so install their equivalents yourself, e.g.
  Fedora:  dnf install tesseract dejavu-sans-fonts fontconfig
  macOS:   brew install tesseract
then run make again.
MSG
  exit 1
fi

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "Installing system packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
