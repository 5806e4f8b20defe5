# ECS on Fargate: the cluster (FARGATE and FARGATE_SPOT), the API service behind the ALB, the
# worker service (scaled mode: PostgreSQL on RDS), a one-off `lore migrate` task definition, and
# target-tracking autoscaling on CPU and memory.
#
# Embedded mode (no database URL): SQLite lives on EFS, so exactly one task may own it. The API
# service then runs `api,worker`, is held at one task, and deploys stop-then-start.
# Scaled mode: `api` and `worker` services scale independently and deploy rolling (100 %/200 %).

locals {
  scaled        = var.scaled
  api_roles     = local.scaled ? "api" : "api,worker"
  api_max_tasks = local.scaled ? var.max_capacity : 1

  secrets = merge(var.secrets, local.scaled ? { LORE_DATABASE_URL = var.database_url_secret_arn } : {})

  base_environment = merge({
    LORE_HOST            = "0.0.0.0"
    LORE_PORT            = tostring(var.container_port)
    LORE_DATA_DIR        = "/app/data"
    LORE_USER_MANAGEMENT = "on"
    LORE_TRUST_PROXY     = "true" # behind the ALB: client address and TLS from X-Forwarded-*
    LORE_LOG_LEVEL       = "info"
  }, var.environment)

  # Liveness inside the container: the image has Node but no curl.
  health_command = [
    "CMD", "node", "-e",
    "fetch('http://127.0.0.1:${var.container_port}/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))",
  ]

  common_container = {
    name                   = "lore"
    image                  = var.image
    essential              = true
    user                   = "${var.uid}:${var.gid}"
    secrets                = [for key, arn in local.secrets : { name = key, valueFrom = arn }]
    readonlyRootFilesystem = var.read_only_root_filesystem
    stopTimeout            = 15 # Lore stops within 10 s of SIGTERM
    mountPoints = [
      { sourceVolume = "data", containerPath = "/app/data", readOnly = false },
      { sourceVolume = "tmp", containerPath = "/tmp", readOnly = false },
    ]
  }

  log_configuration = {
    for role in ["api", "worker", "migrate"] : role => {
      logDriver = "awslogs"
      options = {
        awslogs-group         = var.log_group_name
        awslogs-region        = var.region
        awslogs-stream-prefix = role
      }
    }
  }

  # Container definitions (JSON) by role: the long-running services, then the one-off migration.
  containers = merge(
    {
      for role, roles in { api = local.api_roles, worker = "worker" } : role => jsonencode([merge(local.common_container, {
        command          = ["serve"]
        environment      = [for key, value in merge(local.base_environment, { LORE_ROLES = roles }) : { name = key, value = value }]
        portMappings     = [{ containerPort = var.container_port, protocol = "tcp", name = "http" }]
        healthCheck      = { command = local.health_command, interval = 30, timeout = 5, retries = 3, startPeriod = 60 }
        logConfiguration = local.log_configuration[role]
      })])
    },
    {
      migrate = jsonencode([merge(local.common_container, {
        command          = ["migrate"]
        environment      = [for key, value in local.base_environment : { name = key, value = value }]
        logConfiguration = local.log_configuration.migrate
      })])
    },
  )

  task_sizes = {
    api     = { cpu = var.api_cpu, memory = var.api_memory }
    worker  = { cpu = var.worker_cpu, memory = var.worker_memory }
    migrate = { cpu = 512, memory = 1024 }
  }
  task_roles = local.scaled ? ["api", "worker", "migrate"] : ["api", "migrate"]
  services   = local.scaled ? ["api", "worker"] : ["api"]
}

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    base              = 1
    weight            = 1
  }
}

resource "aws_ecs_task_definition" "this" {
  for_each                 = toset(local.task_roles)
  family                   = "${var.name}-${each.key}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = tostring(local.task_sizes[each.key].cpu)
  memory                   = tostring(local.task_sizes[each.key].memory)
  execution_role_arn       = var.execution_role_arn
  task_role_arn            = var.task_role_arn
  container_definitions    = local.containers[each.key]
  skip_destroy             = true # keep old revisions ACTIVE so rollback.sh can return to them

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  volume {
    name = "data"
    efs_volume_configuration {
      file_system_id     = var.efs_file_system_id
      transit_encryption = "ENABLED"
      authorization_config {
        access_point_id = var.efs_access_point_id
        iam             = "ENABLED"
      }
    }
  }

  volume {
    name = "tmp" # task ephemeral storage: /tmp stays writable with a read-only root file system
  }
}

resource "aws_ecs_service" "this" {
  for_each                           = toset(local.services)
  name                               = "${var.name}-${each.key}"
  cluster                            = aws_ecs_cluster.this.id
  task_definition                    = aws_ecs_task_definition.this[each.key].arn
  desired_count                      = var.min_capacity
  deployment_minimum_healthy_percent = local.scaled ? 100 : 0
  deployment_maximum_percent         = local.scaled ? 200 : 100
  health_check_grace_period_seconds  = each.key == "api" ? 60 : null
  enable_execute_command             = false
  propagate_tags                     = "SERVICE"

  # Spot only where an interruption cannot take the whole service down.
  dynamic "capacity_provider_strategy" {
    for_each = local.scaled && var.use_fargate_spot ? {
      FARGATE      = { base = each.key == "api" ? 1 : 0, weight = 1 }
      FARGATE_SPOT = { base = 0, weight = each.key == "api" ? 1 : 3 }
    } : { FARGATE = { base = 1, weight = 1 } }
    content {
      capacity_provider = capacity_provider_strategy.key
      base              = capacity_provider_strategy.value.base
      weight            = capacity_provider_strategy.value.weight
    }
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [var.tasks_security_group_id]
    assign_public_ip = false
  }

  dynamic "load_balancer" {
    for_each = each.key == "api" ? [1] : []
    content {
      target_group_arn = var.target_group_arn
      container_name   = "lore"
      container_port   = var.container_port
    }
  }

  lifecycle {
    # Autoscaling owns the count; releases (deploy.sh / rollback.sh) own the revision.
    ignore_changes = [desired_count, task_definition]
  }

  depends_on = [aws_ecs_cluster_capacity_providers.this]
}

# --- autoscaling ---------------------------------------------------------------------------------

resource "aws_appautoscaling_target" "this" {
  for_each           = aws_ecs_service.this
  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${each.value.name}"
  min_capacity       = var.min_capacity
  max_capacity       = each.key == "api" ? local.api_max_tasks : var.max_capacity
}

locals {
  scaling_policies = merge([
    for service in local.services : {
      "${service}-cpu"    = { service = service, metric = "ECSServiceAverageCPUUtilization", target = var.cpu_target_percent }
      "${service}-memory" = { service = service, metric = "ECSServiceAverageMemoryUtilization", target = var.memory_target_percent }
    }
  ]...)
}

resource "aws_appautoscaling_policy" "this" {
  for_each           = local.scaling_policies
  name               = "${var.name}-${each.key}"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this[each.value.service].service_namespace
  scalable_dimension = aws_appautoscaling_target.this[each.value.service].scalable_dimension
  resource_id        = aws_appautoscaling_target.this[each.value.service].resource_id

  target_tracking_scaling_policy_configuration {
    target_value       = each.value.target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = each.value.metric
    }
  }
}
