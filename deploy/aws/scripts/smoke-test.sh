#!/usr/bin/env bash
# Smoke-test a running Lore: liveness, readiness and a search.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: smoke-test.sh [options] BASE_URL

  BASE_URL                  e.g. https://lore.example.com or http://<alb dns name>
  --query TEXT              search query (default "health")
  --token TOKEN             API token for the search (or LORE_SMOKE_TOKEN)
  --email EMAIL             sign in with a password instead (or LORE_SMOKE_EMAIL) ...
  --password PASSWORD       ... (or LORE_SMOKE_PASSWORD)
  --retries N               attempts for /healthz while the service settles (default 10, 6 s apart)
  --insecure                accept a self-signed certificate
  -h, --help                this text

Checks: GET /healthz answers 200 {"status":"ok"}; GET /readyz answers 200; GET /api/v1/search
answers 200 with hits when credentials are given, or 401 without (the API is up and guarded).
USAGE
}

query=health token=${LORE_SMOKE_TOKEN:-} email=${LORE_SMOKE_EMAIL:-} password=${LORE_SMOKE_PASSWORD:-}
retries=10 base="" curl_options=(--silent --show-error --max-time 20)
while [ $# -gt 0 ]; do
  case $1 in
    --query) query=$2; shift 2 ;;
    --token) token=$2; shift 2 ;;
    --email) email=$2; shift 2 ;;
    --password) password=$2; shift 2 ;;
    --retries) retries=$2; shift 2 ;;
    --insecure) curl_options+=(--insecure); shift ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "smoke-test.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) base=${1%/}; shift ;;
  esac
done
[ -n "$base" ] || { usage >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
report() { # STATUS NAME DETAIL
  if [ "$1" = ok ]; then echo "ok   $2 ($3)"; else echo "FAIL $2: $3"; failures=$((failures + 1)); fi
}
get() { # PATH [curl args...] -> prints the status code; body in $work/body
  local path=$1
  shift
  curl "${curl_options[@]}" --output "$work/body" --write-out '%{http_code}' "$@" "$base$path" || echo 000
}

status=000
for _ in $(seq "$retries"); do
  status=$(get /healthz)
  [ "$status" = 200 ] && break
  sleep 6
done
if [ "$status" = 200 ] && grep -q '"status":"ok"' "$work/body"; then
  report ok "GET /healthz" 200
else
  report fail "GET /healthz" "status $status: $(head -c 200 "$work/body" 2>/dev/null)"
fi

status=$(get /readyz)
if [ "$status" = 200 ]; then report ok "GET /readyz" 200; else report fail "GET /readyz" "status $status: $(head -c 300 "$work/body")"; fi

auth=()
if [ -n "$token" ]; then
  auth=(--header "Authorization: Bearer $token")
elif [ -n "$email" ] && [ -n "$password" ]; then
  printf '{"email":"%s","password":"%s"}' "$email" "$password" >"$work/login.json"
  status=$(get /api/v1/auth/login --cookie-jar "$work/cookies" --header 'Content-Type: application/json' --data "@$work/login.json")
  if [ "$status" = 200 ]; then report ok "POST /api/v1/auth/login" 200; else report fail "POST /api/v1/auth/login" "status $status"; fi
  auth=(--cookie "$work/cookies")
fi

encoded=$(printf '%s' "$query" | od -An -tx1 | tr -d ' \n' | sed 's/\(..\)/%\1/g')
status=$(get "/api/v1/search?q=$encoded&limit=3" "${auth[@]}")
if [ ${#auth[@]} -gt 0 ]; then
  if [ "$status" = 200 ] && grep -q '"hits"' "$work/body"; then
    report ok "GET /api/v1/search" "200, $(grep -o '"rank"' "$work/body" | wc -l | tr -d ' ') hits"
  else
    report fail "GET /api/v1/search" "status $status: $(head -c 300 "$work/body")"
  fi
elif [ "$status" = 401 ]; then
  report ok "GET /api/v1/search" "401 without credentials: the API is up and requires sign-in"
else
  report fail "GET /api/v1/search" "expected 401 without credentials, got $status"
fi

[ "$failures" = 0 ] || { echo "smoke-test.sh: $failures check(s) failed" >&2; exit 1; }
echo "smoke-test.sh: $base is healthy"
