output "alb_dns_name" {
  description = "Public DNS name of the load balancer."
  value       = module.alb.dns_name
}

output "url" {
  description = "URL of Lore."
  value       = local.manage_dns ? "https://${var.domain_name}" : "${local.https_enabled ? "https" : "http"}://${module.alb.dns_name}"
}

output "ecr_repository_url" {
  description = "ECR repository URL (push `<url>:<tag>`)."
  value       = module.ecr.repository_url
}

output "cluster_name" {
  description = "ECS cluster name."
  value       = module.ecs.cluster_name
}

output "service_names" {
  description = "ECS service names by role (api, worker)."
  value       = module.ecs.service_names
}

output "api_service_name" {
  description = "ECS API service name."
  value       = module.ecs.service_names["api"]
}

output "task_definition_arns" {
  description = "Task definition ARNs registered by this apply, by role (api, worker, migrate)."
  value       = module.ecs.task_definition_arns
}

output "migrate_task_family" {
  description = "Task definition family of the one-off `lore migrate` task."
  value       = module.ecs.task_definition_families["migrate"]
}

output "private_subnet_ids" {
  description = "Private subnets (for run-task)."
  value       = module.network.private_subnet_ids
}

output "tasks_security_group_id" {
  description = "Security group of the tasks (for run-task)."
  value       = module.alb.tasks_security_group_id
}

output "log_group_name" {
  description = "CloudWatch log group of the tasks."
  value       = module.cloudwatch.log_group_name
}

output "dashboard_name" {
  description = "CloudWatch dashboard."
  value       = module.cloudwatch.dashboard_name
}

output "github_deploy_role_arn" {
  description = "Role for GitHub Actions (set as the AWS_DEPLOY_ROLE_ARN repository variable)."
  value       = try(module.github_oidc[0].role_arn, null)
}

output "secret_arns" {
  description = "Secrets Manager ARNs by environment variable (set OPENAI_API_KEY / COHERE_API_KEY values here)."
  value       = merge(module.secrets.provider_secret_arns, module.secrets.app_secret_arns)
}

output "landing_url" {
  description = "Public address of the landing page (empty when enable_landing is false)."
  value       = var.enable_landing ? module.landing[0].url : ""
}

output "landing_bucket" {
  description = "Bucket that deploy/aws/scripts/publish-landing.sh uploads landing/dist to."
  value       = var.enable_landing ? module.landing[0].bucket_name : ""
}

output "landing_distribution_id" {
  description = "CloudFront distribution of the landing page (cache invalidation after a publish)."
  value       = var.enable_landing ? module.landing[0].distribution_id : ""
}

output "opensearch_endpoint" {
  description = "Amazon OpenSearch Service endpoint (enable_opensearch), empty otherwise."
  value       = var.enable_opensearch ? module.opensearch[0].endpoint : ""
}
