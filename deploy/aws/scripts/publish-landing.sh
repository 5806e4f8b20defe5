#!/usr/bin/env bash
# Build the landing page with the app's address and publish it to its S3 bucket behind CloudFront.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: publish-landing.sh --bucket NAME --distribution ID [options]

  --bucket NAME             landing bucket (terraform output landing_bucket)
  --distribution ID         CloudFront distribution (terraform output landing_distribution_id)
  --app-url URL             where "Open Lore" points (terraform output url); default /
  --repo-url URL            source and documentation link (left out when not given)
  --dist DIR                publish an existing build instead of building (default: build landing/dist)
  --dry-run                 show what would be uploaded, change nothing
  -h, --help                this text

Builds landing/ with Vite (needs `npm ci` or `npm ci --ignore-scripts` first), uploads hashed assets
with a one-year cache and index.html with no-cache, deletes files the new build no longer has, and
invalidates /index.html and / so visitors see the new page at once.
USAGE
}

bucket="" distribution="" app_url="/" repo_url="" dist="" dry_run=()
while [ $# -gt 0 ]; do
  case $1 in
    --bucket) bucket=$2; shift 2 ;;
    --distribution) distribution=$2; shift 2 ;;
    --app-url) app_url=$2; shift 2 ;;
    --repo-url) repo_url=$2; shift 2 ;;
    --dist) dist=$2; shift 2 ;;
    --dry-run) dry_run=(--dryrun); shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "publish-landing.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done
if [ -z "$bucket" ] || [ -z "$distribution" ]; then usage >&2; exit 2; fi
command -v aws >/dev/null || { echo "publish-landing.sh: the AWS CLI (aws) is required" >&2; exit 1; }

root=$(cd "$(dirname "$0")/../../.." && pwd)
if [ -z "$dist" ]; then
  dist="$root/landing/dist"
  echo "Building the landing page (app: $app_url)"
  (cd "$root" && LORE_LANDING_APP_URL="$app_url" LORE_LANDING_REPO_URL="$repo_url" \
    npx vite build --config landing/vite.config.ts --logLevel warn)
fi
[ -f "$dist/index.html" ] || { echo "publish-landing.sh: $dist/index.html not found" >&2; exit 1; }

echo "Uploading $dist to s3://$bucket"
aws s3 sync "$dist/assets" "s3://$bucket/assets" "${dry_run[@]}" --delete \
  --cache-control "public, max-age=31536000, immutable"
aws s3 sync "$dist" "s3://$bucket" "${dry_run[@]}" --delete --exclude "assets/*" \
  --cache-control "no-cache"

if [ ${#dry_run[@]} -eq 0 ]; then
  id=$(aws cloudfront create-invalidation --distribution-id "$distribution" \
    --paths "/" "/index.html" --query Invalidation.Id --output text)
  echo "Invalidation $id started for distribution $distribution"
fi
