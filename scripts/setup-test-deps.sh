#!/usr/bin/env bash
# Installs or checks what Lore's tests need beyond npm packages.
#   - tesseract-ocr + tesseract-ocr-eng + poppler-utils: OCR of scanned PDF pages
# On Debian/Ubuntu as root, missing packages are installed with apt-get. Elsewhere this prints
# exactly what is missing and exits 0, unless LORE_TEST_REQUIRE_ALL=1, where it exits 1.
set -euo pipefail

missing_packages=()
need() { # need BINARY PACKAGE...
  local binary=$1
  shift
  if ! command -v "$binary" >/dev/null 2>&1; then missing_packages+=("$@"); fi
}
need tesseract tesseract-ocr tesseract-ocr-eng
need pdftoppm poppler-utils
if command -v tesseract >/dev/null 2>&1 && ! tesseract --list-langs 2>/dev/null | grep -qx eng; then
  missing_packages+=(tesseract-ocr-eng)
fi

if [ ${#missing_packages[@]} -eq 0 ]; then
  echo "setup: test dependencies present (tesseract $(tesseract --version 2>&1 | head -1 | awk '{print $2}'), pdftoppm)"
  exit 0
fi

# De-duplicate.
mapfile -t missing_packages < <(printf '%s\n' "${missing_packages[@]}" | sort -u)

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "setup: installing ${missing_packages[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing_packages[@]}" >/dev/null
  echo "setup: installed ${missing_packages[*]}"
  exit 0
fi

echo "setup: missing system packages: ${missing_packages[*]}" >&2
echo "setup: install them (Debian/Ubuntu: sudo apt-get install ${missing_packages[*]}); OCR tests will be skipped" >&2
if [ "${LORE_TEST_REQUIRE_ALL:-}" = 1 ]; then
  echo "setup: LORE_TEST_REQUIRE_ALL=1, so a missing dependency is an error" >&2
  exit 1
fi
