#!/usr/bin/env bash
# Installs or checks what the PostgreSQL tests need: PostgreSQL 15 server binaries and pgvector.
#   - postgresql-15 (initdb, pg_ctl, postgres under /usr/lib/postgresql/15/bin)
#   - pgvector: not packaged for bookworm, so it is built from Debian trixie's source package,
#     fetched through a private apt config (the system's sources stay unchanged), ~20 s.
# On Debian/Ubuntu as root, what is missing is installed. Elsewhere this prints exactly what is
# missing and exits 0 (the PostgreSQL tests are then skipped), unless LORE_TEST_REQUIRE_ALL=1,
# where it exits 1.
set -euo pipefail

pg_bin=${LORE_PG_BIN:-/usr/lib/postgresql/15/bin}
pg_config=$pg_bin/pg_config
cache=${LORE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/lore}

have_server() { [ -x "$pg_bin/initdb" ] && [ -x "$pg_bin/pg_ctl" ] && [ -x "$pg_bin/postgres" ]; }
have_vector() { [ -f "$(sharedir)/extension/vector.control" ] && [ -f "$(pkglibdir)/vector.so" ]; }
sharedir() { if [ -x "$pg_config" ]; then "$pg_config" --sharedir; else echo /usr/share/postgresql/15; fi; }
pkglibdir() { if [ -x "$pg_config" ]; then "$pg_config" --pkglibdir; else echo /usr/lib/postgresql/15/lib; fi; }

give_up() {
  echo "setup: $1" >&2
  echo "setup: PostgreSQL tests will be skipped" >&2
  if [ "${LORE_TEST_REQUIRE_ALL:-}" = 1 ]; then
    echo "setup: LORE_TEST_REQUIRE_ALL=1, so a missing dependency is an error" >&2
    exit 1
  fi
  exit 0
}

if have_server && have_vector; then
  echo "setup: PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') with pgvector present"
  exit 0
fi

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  have_server || give_up "missing PostgreSQL 15 server binaries in $pg_bin (Debian/Ubuntu: sudo apt-get install postgresql-15)"
  give_up "missing pgvector for PostgreSQL 15 (build it from https://github.com/pgvector/pgvector, or run this script as root on Debian)"
fi

export DEBIAN_FRONTEND=noninteractive
apt_updated=
if ! have_server; then
  echo "setup: installing postgresql-15 with apt-get"
  apt-get update -qq
  apt_updated=1
  apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null
fi

if ! have_vector; then
  echo "setup: building pgvector from Debian trixie's source package"
  if ! [ -x "$pg_config" ] || ! [ -f "$("$pg_config" --includedir-server)/postgres.h" ]; then
    [ -n "$apt_updated" ] || apt-get update -qq
    # May upgrade postgresql-15 in place; clusters started by tests come after this script.
    apt-get install -y -qq --no-install-recommends postgresql-server-dev-15 make gcc >/dev/null
  fi
  apt_dir=$cache/apt-trixie-src
  mkdir -p "$apt_dir/lists/partial" "$cache/pgvector-src"
  echo 'deb-src http://deb.debian.org/debian trixie main' >"$apt_dir/sources.list"
  apt_private=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$apt_dir/lists" -o APT::Sandbox::User=root)
  orig=$(find "$cache/pgvector-src" -maxdepth 1 -name 'pgvector_*.orig.tar.*' | sort | tail -1)
  if [ -z "$orig" ]; then
    apt-get "${apt_private[@]}" update -qq
    (cd "$cache/pgvector-src" && apt-get "${apt_private[@]}" source --download-only pgvector >/dev/null)
    orig=$(find "$cache/pgvector-src" -maxdepth 1 -name 'pgvector_*.orig.tar.*' | sort | tail -1)
  fi
  build=$(mktemp -d)
  trap 'rm -rf "$build"' EXIT
  tar -xf "$orig" -C "$build" --strip-components=1
  make -s -C "$build" PG_CONFIG="$pg_config" with_llvm=no >/dev/null
  make -s -C "$build" PG_CONFIG="$pg_config" with_llvm=no install >/dev/null
  have_vector || give_up "pgvector was built but $(sharedir)/extension/vector.control is still missing"
  echo "setup: installed pgvector $(basename "$orig" | sed -E 's/pgvector_([^.]+\.[^.]+\.[^.]+).*/\1/')"
fi
echo "setup: PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') with pgvector present"
