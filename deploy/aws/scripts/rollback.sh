#!/usr/bin/env bash
# Return Lore's ECS services to an earlier task definition revision or image tag.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: rollback.sh --cluster NAME --service NAME [--service NAME...]
                   [--to-revision FAMILY:REV|ARN | --to-image-tag TAG] [options]

Without a target, each service goes back to the newest ACTIVE revision of its task definition
family older than the one it runs now (the task definitions keep old revisions: skip_destroy).

  --cluster NAME            ECS cluster
  --service NAME            service to roll back; repeat for api and worker
  --to-revision REF         task definition to run (family:revision or ARN; one service only)
  --to-image-tag TAG        register a revision with this image tag (e.g. an earlier commit SHA)
  --region REGION           AWS region (default: $AWS_REGION, $AWS_DEFAULT_REGION, or us-west-2)
  --timeout SECONDS         wait at most this long per service (default 900)
  -h, --help                this text

Database migrations are not reversed: Lore's migrations only add, so the previous version runs
on the newer schema (see docs/deployment.md, "Rollback").
Needs: aws CLI v2 (and jq for --to-image-tag).
USAGE
}

here=$(cd "$(dirname "$0")" && pwd)
cluster="" to_revision="" to_image_tag="" timeout=900
region=${AWS_REGION:-${AWS_DEFAULT_REGION:-us-west-2}}
services=()
while [ $# -gt 0 ]; do
  case $1 in
    --cluster) cluster=$2; shift 2 ;;
    --service) services+=("$2"); shift 2 ;;
    --to-revision) to_revision=$2; shift 2 ;;
    --to-image-tag) to_image_tag=$2; shift 2 ;;
    --region) region=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "rollback.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
if [ -z "$cluster" ] || [ ${#services[@]} -eq 0 ]; then
  usage >&2
  exit 2
fi
if [ -n "$to_revision" ] && [ ${#services[@]} -gt 1 ]; then
  echo "rollback.sh: --to-revision applies to one service" >&2
  exit 2
fi
export AWS_REGION=$region AWS_PAGER=""

common=(--cluster "$cluster" --region "$region" --timeout "$timeout")
if [ -n "$to_image_tag" ]; then
  service_args=()
  for service in "${services[@]}"; do service_args+=(--service "$service"); done
  exec "$here/deploy.sh" "${common[@]}" "${service_args[@]}" --image-tag "$to_image_tag"
fi

for service in "${services[@]}"; do
  target=$to_revision
  if [ -z "$target" ]; then
    current=$(aws ecs describe-services --cluster "$cluster" --services "$service" \
      --query 'services[0].taskDefinition' --output text)
    family_revision=${current##*/}
    family=${family_revision%:*}
    revision=${family_revision##*:}
    target=$(aws ecs list-task-definitions --family-prefix "$family" --status ACTIVE --sort DESC \
      --query "taskDefinitionArns[?to_number(split(@, ':')[-1]) < \`$revision\`] | [0]" --output text)
    if [ -z "$target" ] || [ "$target" = None ]; then
      echo "rollback.sh: $service runs $family_revision and no older ACTIVE revision exists" >&2
      exit 1
    fi
  fi
  echo "rollback.sh: $service -> ${target##*/}"
  "$here/deploy.sh" "${common[@]}" --service "$service" --task-definition "$target"
done
