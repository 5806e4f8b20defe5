# Default deployment (embedded SQLite on EFS, plain HTTP), planned and applied against a mocked
# AWS provider: no credentials, no network.

mock_provider "aws" {
  source = "./tests/mocks"
}

mock_provider "aws" {
  alias  = "us_east_1"
  source = "./tests/mocks"
}

variables {
  github_repository = "example/lore"
}

run "defaults" {
  command = apply

  assert {
    condition     = var.region == "us-west-2"
    error_message = "region must default to us-west-2"
  }

  # ECR keeps the latest 10 images.
  assert {
    condition     = jsondecode(module.ecr.lifecycle_policy).rules[0].selection.countNumber == 10
    error_message = "ECR lifecycle must keep 10 images"
  }
  assert {
    condition     = jsondecode(module.ecr.lifecycle_policy).rules[0].selection.countType == "imageCountMoreThan" && jsondecode(module.ecr.lifecycle_policy).rules[0].action.type == "expire"
    error_message = "ECR lifecycle must expire images beyond the count"
  }

  # Load balancer: /healthz on 7860, only 80 and 443 open, no HTTPS without a certificate.
  assert {
    condition     = module.alb.health_check.path == "/healthz" && module.alb.health_check.port == "7860" && module.alb.target_port == 7860
    error_message = "target group must check /healthz on port 7860"
  }
  assert {
    condition     = module.alb.alb_ingress_ports == toset([80, 443])
    error_message = "the ALB security group must allow only 80 and 443 in"
  }
  assert {
    condition     = module.alb.http_listener_action.type == "forward" && module.alb.https_listener_count == 0
    error_message = "without a certificate, port 80 forwards and there is no HTTPS listener"
  }

  # Network: 2 AZs, private subnets for tasks and EFS, endpoints.
  assert {
    condition     = length(module.network.private_subnet_ids) == 2 && length(module.network.public_subnet_ids) == 2 && tolist(module.network.availability_zones) == tolist(["us-west-2a", "us-west-2b"])
    error_message = "the VPC must have 2 public and 2 private subnets in 2 AZs"
  }
  assert {
    condition     = module.network.nat_gateway_count == 1 && module.network.s3_endpoint_type == "Gateway"
    error_message = "one NAT gateway and an S3 gateway endpoint by default"
  }
  assert {
    condition = alltrue([for service in ["ecr.api", "ecr.dkr", "ecs", "logs", "secretsmanager"] :
    contains(module.network.interface_endpoint_services, "com.amazonaws.us-west-2.${service}")])
    error_message = "interface endpoints for ECR api/dkr, ECS, CloudWatch Logs and Secrets Manager are required"
  }
  assert {
    condition     = module.ecs.service_subnets["api"] == toset(module.network.private_subnet_ids) && module.ecs.service_public_ip["api"] == false
    error_message = "tasks must run in the private subnets without public IPs"
  }
  assert {
    condition     = module.efs.mount_target_subnet_ids == module.network.private_subnet_ids
    error_message = "EFS mount targets must be in the private subnets"
  }

  # EFS: encrypted, access point with the container's uid/gid, mounted at /app/data; daily backup.
  assert {
    condition     = module.efs.encrypted && module.efs.access_point_posix_user.uid == 10001 && module.efs.access_point_posix_user.gid == 10001
    error_message = "EFS must be encrypted and the access point must enforce uid/gid 10001"
  }
  assert {
    condition     = module.ecs.container_definitions["api"][0].mountPoints[0].containerPath == "/app/data" && module.ecs.task_volumes["api"][0].access_point_id == module.efs.access_point_id && module.ecs.task_volumes["api"][0].transit_encryption == "ENABLED"
    error_message = "the data volume must be the EFS access point, mounted at /app/data over TLS"
  }
  assert {
    condition     = module.efs.backup_rule.name == "daily" && module.efs.backup_rule.schedule == "cron(0 5 * * ? *)" && module.efs.backup_rule.delete_after == 35
    error_message = "AWS Backup must run daily and keep 35 days"
  }
  assert {
    condition     = module.efs.backup_rule.selected_items == toset([module.efs.file_system_arn])
    error_message = "the backup selection must cover the EFS file system"
  }

  # ECS: Fargate and Fargate Spot, embedded mode is one api,worker task.
  assert {
    condition     = toset(module.ecs.capacity_providers) == toset(["FARGATE", "FARGATE_SPOT"])
    error_message = "the cluster must offer FARGATE and FARGATE_SPOT"
  }
  assert {
    condition     = keys(module.ecs.service_names) == ["api"]
    error_message = "embedded mode runs a single service"
  }
  assert {
    condition     = module.ecs.autoscaling["api"].min_capacity == 1 && module.ecs.autoscaling["api"].max_capacity == 1
    error_message = "embedded mode holds the API at one task (SQLite on EFS has a single writer)"
  }
  assert {
    condition     = module.ecs.autoscaling["api"].cpu_target == 70 && module.ecs.autoscaling["api"].memory_target == 80
    error_message = "target tracking must aim at CPU 70 % and memory 80 %"
  }
  assert {
    condition     = module.ecs.service_deployment["api"].circuit_breaker && module.ecs.service_deployment["api"].rollback
    error_message = "the deployment circuit breaker with rollback must be on"
  }
  assert {
    condition     = module.ecs.service_deployment["api"].min_healthy == 0 && module.ecs.service_deployment["api"].max_percent == 100
    error_message = "embedded mode must stop the old task before starting the new one"
  }
  assert {
    condition     = module.ecs.service_deployment["api"].load_balancers[0].container_port == 7860 && module.ecs.service_deployment["api"].load_balancers[0].target_group_arn == module.alb.target_group_arn
    error_message = "the API service must register port 7860 in the target group"
  }

  # Task definition: lite image, env, secrets, logs, health check.
  assert {
    condition     = module.ecs.container_definitions["api"][0].image == "${module.ecr.repository_url}:latest"
    error_message = "the task must run the ECR image"
  }
  assert {
    condition = alltrue([for pair in [["LORE_HOST", "0.0.0.0"], ["LORE_PORT", "7860"], ["LORE_USER_MANAGEMENT", "on"], ["LORE_ROLES", "api,worker"], ["LORE_DATA_DIR", "/app/data"]] :
    contains(module.ecs.container_definitions["api"][0].environment, { name = pair[0], value = pair[1] })])
    error_message = "the task must set LORE_HOST=0.0.0.0, LORE_PORT=7860, LORE_USER_MANAGEMENT=on, LORE_ROLES=api,worker"
  }
  assert {
    condition = alltrue([for key in ["OPENAI_API_KEY", "COHERE_API_KEY"] :
    contains(module.ecs.container_definitions["api"][0].secrets, { name = key, valueFrom = module.secrets.provider_secret_arns[key] })])
    error_message = "OPENAI_API_KEY and COHERE_API_KEY must come from their Secrets Manager entries"
  }
  assert {
    condition     = module.ecs.container_definitions["api"][0].logConfiguration.logDriver == "awslogs" && module.ecs.container_definitions["api"][0].logConfiguration.options["awslogs-group"] == module.cloudwatch.log_group_name
    error_message = "containers must log with the awslogs driver to the stack's log group"
  }
  assert {
    condition     = strcontains(join(" ", module.ecs.container_definitions["api"][0].healthCheck.command), "/healthz")
    error_message = "the container health check must probe /healthz"
  }
  assert {
    condition     = module.ecs.container_definitions["migrate"][0].command == ["migrate"] && !can(module.ecs.container_definitions["migrate"][0].portMappings[0])
    error_message = "the migration task must run `lore migrate` and expose no port"
  }

  # IAM: the execution role reads exactly the referenced secrets and pulls from one repository.
  assert {
    condition     = toset(flatten([for statement in jsondecode(module.iam.execution_policy).Statement : statement.Resource if statement.Sid == "ReadLoreSecrets"])) == toset(values(merge(module.secrets.provider_secret_arns, module.secrets.app_secret_arns)))
    error_message = "the execution role must read exactly the task's secrets"
  }
  assert {
    condition = alltrue([for key in ["OPENAI_API_KEY", "COHERE_API_KEY"] :
    contains(flatten([for statement in jsondecode(module.iam.execution_policy).Statement : statement.Resource if statement.Sid == "ReadLoreSecrets"]), module.secrets.provider_secret_arns[key])])
    error_message = "the execution role must read the OPENAI_API_KEY and COHERE_API_KEY secrets"
  }
  assert {
    condition     = flatten([for statement in jsondecode(module.iam.execution_policy).Statement : statement.Resource if statement.Sid == "PullLoreImage"]) == [module.ecr.repository_arn]
    error_message = "the execution role may pull from the Lore repository only"
  }
  assert {
    condition     = alltrue([for statement in jsondecode(module.iam.execution_policy).Statement : statement.Resource != "*" || statement.Action == ["ecr:GetAuthorizationToken"]])
    error_message = "only ecr:GetAuthorizationToken may use Resource *"
  }
  assert {
    condition     = jsondecode(module.iam.task_policy).Statement[0].Condition.StringEquals["elasticfilesystem:AccessPointArn"] == module.efs.access_point_arn && length(jsondecode(module.iam.task_policy).Statement) == 1
    error_message = "the task role may only mount EFS through the access point"
  }

  # Monitoring.
  assert {
    condition     = module.cloudwatch.log_retention_days == 30
    error_message = "logs must be kept 30 days by default"
  }
  assert {
    condition = alltrue([for alarm in ["5xx-rate", "response-time-p95", "unhealthy-hosts", "api-cpu-high", "api-memory-high"] :
    contains(module.cloudwatch.alarm_names, "lore-prod-${alarm}")])
    error_message = "alarms on 5xx rate, response time, unhealthy hosts, CPU and memory are required"
  }

  # Outputs and CI access.
  assert {
    condition     = output.alb_dns_name == module.alb.dns_name && output.ecr_repository_url == module.ecr.repository_url && output.cluster_name == "lore-prod" && output.api_service_name == "lore-prod-api"
    error_message = "outputs must expose the ALB DNS name, ECR URL, cluster and service names"
  }
  assert {
    condition     = output.github_deploy_role_arn != null && contains(module.github_oidc[0].subjects, "repo:example/lore:ref:refs/heads/main")
    error_message = "the GitHub OIDC deploy role must trust the repository's main branch"
  }
}
