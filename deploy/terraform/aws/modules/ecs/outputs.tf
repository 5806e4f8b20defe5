output "cluster_name" {
  description = "ECS cluster name."
  value       = aws_ecs_cluster.this.name
}

output "cluster_arn" {
  description = "ECS cluster ARN."
  value       = aws_ecs_cluster.this.arn
}

output "capacity_providers" {
  description = "Capacity providers of the cluster."
  value       = aws_ecs_cluster_capacity_providers.this.capacity_providers
}

output "service_names" {
  description = "Service names by role (api, and worker in scaled mode)."
  value       = { for role, service in aws_ecs_service.this : role => service.name }
}

output "service_subnets" {
  description = "Subnets of each service's tasks."
  value       = { for role, service in aws_ecs_service.this : role => one(service.network_configuration).subnets }
}

output "service_public_ip" {
  description = "Whether each service's tasks get a public IP."
  value       = { for role, service in aws_ecs_service.this : role => one(service.network_configuration).assign_public_ip }
}

output "service_deployment" {
  description = "Rolling-deploy settings per service."
  value = {
    for role, service in aws_ecs_service.this : role => {
      circuit_breaker = one(service.deployment_circuit_breaker).enable
      rollback        = one(service.deployment_circuit_breaker).rollback
      min_healthy     = service.deployment_minimum_healthy_percent
      max_percent     = service.deployment_maximum_percent
      load_balancers  = [for lb in service.load_balancer : { target_group_arn = lb.target_group_arn, container_port = lb.container_port }]
    }
  }
}

output "autoscaling" {
  description = "Bounds and target-tracking goals per service."
  value = {
    for role, target in aws_appautoscaling_target.this : role => {
      min_capacity  = target.min_capacity
      max_capacity  = target.max_capacity
      cpu_target    = one(aws_appautoscaling_policy.this["${role}-cpu"].target_tracking_scaling_policy_configuration).target_value
      memory_target = one(aws_appautoscaling_policy.this["${role}-memory"].target_tracking_scaling_policy_configuration).target_value
    }
  }
}

output "task_definition_arns" {
  description = "Latest task definition ARN by role (api, worker, migrate)."
  value       = { for role, definition in aws_ecs_task_definition.this : role => definition.arn }
}

output "task_definition_families" {
  description = "Task definition family by role."
  value       = { for role, definition in aws_ecs_task_definition.this : role => definition.family }
}

output "container_definitions" {
  description = "Container definitions (decoded) by role."
  value       = { for role, definition in aws_ecs_task_definition.this : role => jsondecode(definition.container_definitions) }
}

output "task_volumes" {
  description = "EFS volume settings of the task definitions."
  value = {
    for role, definition in aws_ecs_task_definition.this : role => [
      for volume in definition.volume : {
        name               = volume.name
        file_system_id     = try(one(volume.efs_volume_configuration).file_system_id, null)
        access_point_id    = try(one(one(volume.efs_volume_configuration).authorization_config).access_point_id, null)
        transit_encryption = try(one(volume.efs_volume_configuration).transit_encryption, null)
      }
    ]
  }
}
