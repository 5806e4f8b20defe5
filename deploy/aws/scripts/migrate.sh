#!/usr/bin/env bash
# Run `lore migrate` as a one-off ECS task and wait for it to finish.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: migrate.sh --cluster NAME --task-definition FAMILY[:REV]|ARN --subnets ID,ID
                  --security-groups ID[,ID] [options]

Starts the migration task definition (its command is `migrate`) on Fargate in the private
subnets, waits until it stops, prints its log and exits with the task's exit code.

  --cluster NAME              ECS cluster (terraform output cluster_name)
  --task-definition REF       migration task definition (terraform output migrate_task_family)
  --subnets IDS               private subnets, comma-separated (terraform output private_subnet_ids)
  --security-groups IDS       tasks security group (terraform output tasks_security_group_id)
  --log-group NAME            print the task's log from this group (terraform output log_group_name)
  --region REGION             AWS region (default: $AWS_REGION, $AWS_DEFAULT_REGION, or us-west-2)
  -h, --help                  this text
Needs: aws CLI v2.
USAGE
}

cluster="" task_definition="" subnets="" security_groups="" log_group=""
region=${AWS_REGION:-${AWS_DEFAULT_REGION:-us-west-2}}
while [ $# -gt 0 ]; do
  case $1 in
    --cluster) cluster=$2; shift 2 ;;
    --task-definition) task_definition=$2; shift 2 ;;
    --subnets) subnets=$2; shift 2 ;;
    --security-groups) security_groups=$2; shift 2 ;;
    --log-group) log_group=$2; shift 2 ;;
    --region) region=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "migrate.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
if [ -z "$cluster" ] || [ -z "$task_definition" ] || [ -z "$subnets" ] || [ -z "$security_groups" ]; then
  usage >&2
  exit 2
fi
export AWS_REGION=$region AWS_PAGER=""

network="awsvpcConfiguration={subnets=[$subnets],securityGroups=[$security_groups],assignPublicIp=DISABLED}"
task_arn=$(aws ecs run-task --cluster "$cluster" --task-definition "$task_definition" \
  --capacity-provider-strategy capacityProvider=FARGATE,weight=1 \
  --network-configuration "$network" --started-by lore-migrate \
  --query 'tasks[0].taskArn' --output text)
if [ -z "$task_arn" ] || [ "$task_arn" = None ]; then
  echo "migrate.sh: the task did not start" >&2
  exit 1
fi
echo "migrate.sh: started ${task_arn##*/}; waiting for it to stop"
aws ecs wait tasks-stopped --cluster "$cluster" --tasks "$task_arn"

read -r exit_code stop_reason < <(aws ecs describe-tasks --cluster "$cluster" --tasks "$task_arn" \
  --query 'tasks[0].[containers[0].exitCode, stoppedReason]' --output text)

if [ -n "$log_group" ]; then
  echo "migrate.sh: log of ${task_arn##*/}:"
  aws logs get-log-events --log-group-name "$log_group" \
    --log-stream-name "migrate/lore/${task_arn##*/}" --query 'events[].message' --output text || true
fi
if [ "$exit_code" != 0 ]; then
  echo "migrate.sh: migration failed (exit code $exit_code, $stop_reason)" >&2
  exit 1
fi
echo "migrate.sh: migrations applied"
