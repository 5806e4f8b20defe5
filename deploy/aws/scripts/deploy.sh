#!/usr/bin/env bash
# Release a task definition (or an image tag) to Lore's ECS services and wait until it is live.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: deploy.sh --cluster NAME --service NAME [--service NAME...]
                 (--task-definition ARN | --image-tag TAG) [options]

Points each service at a new task definition and waits until the deployment is stable. ECS rolls
the tasks (the circuit breaker rolls back a deployment whose tasks fail); this script then checks
the service really runs the new revision, so a rolled-back deployment is reported as a failure.

  --cluster NAME            ECS cluster (terraform output cluster_name)
  --service NAME            service to update; repeat for api and worker
  --task-definition ARN     revision to run (applies to a single service); or
  --image-tag TAG           register a new revision of each service's current task definition
                            with the same image repository and this tag
  --region REGION           AWS region (default: $AWS_REGION, $AWS_DEFAULT_REGION, or us-west-2)
  --timeout SECONDS         give up waiting after this long (default 900)
  --no-wait                 update and return at once
  -h, --help                this text

Prints "previous-task-definition=<arn>" per service (also to $GITHUB_OUTPUT when set) so a
failed release can be undone with rollback.sh --to-revision.
Needs: aws CLI v2, jq (for --image-tag).
USAGE
}

cluster="" task_definition="" image_tag="" wait=1 timeout=900
region=${AWS_REGION:-${AWS_DEFAULT_REGION:-us-west-2}}
services=()
while [ $# -gt 0 ]; do
  case $1 in
    --cluster) cluster=$2; shift 2 ;;
    --service) services+=("$2"); shift 2 ;;
    --task-definition) task_definition=$2; shift 2 ;;
    --image-tag) image_tag=$2; shift 2 ;;
    --region) region=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --no-wait) wait=0; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "deploy.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
if [ -z "$cluster" ] || [ ${#services[@]} -eq 0 ] || { [ -z "$task_definition" ] && [ -z "$image_tag" ]; }; then
  usage >&2
  exit 2
fi
if [ -n "$task_definition" ] && [ ${#services[@]} -gt 1 ]; then
  echo "deploy.sh: --task-definition applies to one service; use --image-tag for several" >&2
  exit 2
fi
export AWS_REGION=$region AWS_PAGER=""

current_task_definition() { # SERVICE
  aws ecs describe-services --cluster "$cluster" --services "$1" \
    --query 'services[0].taskDefinition' --output text
}

# A copy of the task definition with every container's image moved to TAG.
register_with_tag() { # TASK_DEFINITION_ARN TAG
  command -v jq >/dev/null || { echo "deploy.sh: --image-tag needs jq" >&2; exit 1; }
  aws ecs describe-task-definition --task-definition "$1" --include TAGS --output json |
    jq --arg tag "$2" '
      .tags as $tags | .taskDefinition
      | .containerDefinitions |= map(.image = (.image | sub(":[^:/@]+$"; "") | sub("@sha256:.*$"; "")) + ":" + $tag)
      | del(.taskDefinitionArn, .revision, .status, .requiresAttributes, .compatibilities,
            .registeredAt, .registeredBy, .deregisteredAt)
      | if ($tags | length) > 0 then .tags = $tags else . end' >"$work/task-definition.json"
  aws ecs register-task-definition --cli-input-json "file://$work/task-definition.json" \
    --query 'taskDefinition.taskDefinitionArn' --output text
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
declare -A target previous
for service in "${services[@]}"; do
  previous[$service]=$(current_task_definition "$service")
  if [ -n "$image_tag" ]; then
    target[$service]=$(register_with_tag "${previous[$service]}" "$image_tag")
  else
    target[$service]=$task_definition
  fi
  echo "deploy.sh: $service: ${previous[$service]##*/} -> ${target[$service]##*/}"
  echo "previous-task-definition=${previous[$service]}"
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    echo "previous_${service//-/_}=${previous[$service]}" >>"$GITHUB_OUTPUT"
  fi
  aws ecs update-service --cluster "$cluster" --service "$service" \
    --task-definition "${target[$service]}" --query 'service.serviceName' --output text >/dev/null
done

[ "$wait" = 1 ] || exit 0

deadline=$(($(date +%s) + timeout))
for service in "${services[@]}"; do
  echo "deploy.sh: waiting for $service to become stable (up to ${timeout}s)"
  while :; do
    # shellcheck disable=SC2016 # backquotes are JMESPath literals, not shell
    read -r rollout running desired definition < <(aws ecs describe-services --cluster "$cluster" --services "$service" \
      --query 'services[0].[deployments[?status==`PRIMARY`]|[0].rolloutState, runningCount, desiredCount, taskDefinition]' \
      --output text)
    if [ "$definition" != "${target[$service]}" ]; then
      echo "deploy.sh: $service was rolled back to ${definition##*/} (circuit breaker): the new tasks did not become healthy" >&2
      exit 1
    fi
    case $rollout in
      COMPLETED)
        if [ "$running" = "$desired" ]; then
          echo "deploy.sh: $service is stable on ${definition##*/} ($running/$desired tasks)"
          break
        fi
        ;;
      FAILED)
        echo "deploy.sh: $service deployment FAILED; recent events:" >&2
        aws ecs describe-services --cluster "$cluster" --services "$service" \
          --query 'services[0].events[:5].[createdAt,message]' --output text >&2
        exit 1
        ;;
    esac
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "deploy.sh: $service not stable after ${timeout}s (rollout $rollout, $running/$desired running)" >&2
      exit 1
    fi
    sleep 10
  done
done
