#!/bin/sh
# What the browser and document tests need from Debian, installed once per machine:
# Chromium (Playwright drives it; its own browser download is not reachable), a Chinese font
# (pages and screenshots show Chinese text), and poppler (PDFs rendered to PNG, with the CMaps
# of reportlab's built-in Chinese CID font). Nothing is fetched from anywhere but Debian.
set -eu
need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium"
command -v pdftoppm >/dev/null 2>&1 || need="$need poppler-utils"
[ -d /usr/share/poppler/cMap ] || need="$need poppler-data"
[ -d /usr/share/fonts/truetype/wqy ] || need="$need fonts-wqy-zenhei"
[ -z "$need" ] && exit 0
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
echo "installing from Debian:$need"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
