# Scaled deployment: RDS PostgreSQL, separate api and worker services, HTTPS with a certificate.

mock_provider "aws" {
  source = "./tests/mocks"
}

mock_provider "aws" {
  alias  = "us_east_1"
  source = "./tests/mocks"
}

variables {
  enable_rds      = true
  certificate_arn = "arn:aws:acm:us-west-2:123456789012:certificate/00000000-0000-0000-0000-000000000000"
}

run "scaled_with_https" {
  command = apply

  assert {
    condition     = module.alb.http_listener_action.type == "redirect" && module.alb.http_listener_action.redirect.protocol == "HTTPS" && module.alb.http_listener_action.redirect.port == "443"
    error_message = "with a certificate, HTTP must redirect to HTTPS"
  }
  assert {
    condition     = module.alb.https_listener_count == 1 && module.alb.https_listener_certificate_arn == var.certificate_arn
    error_message = "with a certificate, the HTTPS listener must use it"
  }

  assert {
    condition     = toset(keys(module.ecs.service_names)) == toset(["api", "worker"])
    error_message = "scaled mode runs api and worker services"
  }
  assert {
    condition = alltrue([for role in ["api", "worker"] :
    module.ecs.autoscaling[role].min_capacity == 1 && module.ecs.autoscaling[role].max_capacity == 5])
    error_message = "each service must scale between 1 and 5 tasks"
  }
  assert {
    condition = alltrue([for role in ["api", "worker"] :
    module.ecs.autoscaling[role].cpu_target == 70 && module.ecs.autoscaling[role].memory_target == 80])
    error_message = "target tracking must aim at CPU 70 % and memory 80 %"
  }
  assert {
    condition = alltrue([for role in ["api", "worker"] :
    module.ecs.service_subnets[role] == toset(module.network.private_subnet_ids)])
    error_message = "both services must run in the private subnets"
  }
  assert {
    condition     = module.ecs.service_deployment["api"].min_healthy == 100 && module.ecs.service_deployment["api"].max_percent == 200
    error_message = "scaled mode deploys rolling without downtime"
  }
  assert {
    condition     = contains(module.ecs.container_definitions["worker"][0].environment, { name = "LORE_ROLES", value = "worker" }) && contains(module.ecs.container_definitions["api"][0].environment, { name = "LORE_ROLES", value = "api" })
    error_message = "the worker service must run LORE_ROLES=worker and the API LORE_ROLES=api"
  }
  assert {
    condition     = length(module.ecs.service_deployment["worker"].load_balancers) == 0
    error_message = "the worker is not behind the load balancer"
  }
  assert {
    condition = alltrue([for role in ["api", "worker", "migrate"] :
    contains(module.ecs.container_definitions[role][0].secrets, { name = "LORE_DATABASE_URL", valueFrom = module.rds[0].database_url_secret_arn })])
    error_message = "every task must get LORE_DATABASE_URL from Secrets Manager"
  }
  assert {
    condition     = contains(flatten([for statement in jsondecode(module.iam.execution_policy).Statement : statement.Resource if statement.Sid == "ReadLoreSecrets"]), module.rds[0].database_url_secret_arn)
    error_message = "the execution role must read the database URL secret"
  }
  assert {
    condition     = module.rds[0].settings.storage_encrypted && !module.rds[0].settings.publicly_accessible && module.rds[0].settings.backup_retention_period == 14 && module.rds[0].settings.parameter_group_family == "postgres16"
    error_message = "RDS must be private, encrypted, backed up 14 days, PostgreSQL 16"
  }
  assert {
    condition     = module.rds[0].settings.subnet_ids == toset(module.network.private_subnet_ids)
    error_message = "RDS must live in the private subnets"
  }
  assert {
    condition     = contains(module.cloudwatch.alarm_names, "lore-prod-worker-cpu-high")
    error_message = "the worker service must have its own alarms"
  }
  assert {
    condition     = output.github_deploy_role_arn == null
    error_message = "no OIDC role without github_repository"
  }
}

