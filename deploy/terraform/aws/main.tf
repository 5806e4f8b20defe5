# Lore on AWS ECS Fargate. Embedded mode (default): one task, SQLite and files on EFS.
# Scaled mode (enable_rds = true): api and worker services on PostgreSQL (RDS, pgvector),
# files on EFS. Optional Amazon OpenSearch Service for retrieval (enable_opensearch = true).
# See docs/deployment.md and docs/opensearch.md.

locals {
  name = "${var.name}-${var.environment}"
  tags = merge({ Application = "lore", Environment = var.environment, ManagedBy = "terraform" }, var.tags)

  manage_dns    = var.domain_name != "" && var.hosted_zone_id != ""
  https_enabled = var.certificate_arn != "" || local.manage_dns
  service_roles = var.enable_rds ? ["api", "worker"] : ["api"]

  app_environment = merge(
    {
      LORE_ADMIN_EMAIL        = var.admin_email
      LORE_WORKER_CONCURRENCY = tostring(var.worker_concurrency)
    },
    var.enable_rds ? { LORE_DB_POOL_SIZE = tostring(var.db_pool_size) } : {},
    var.cors_origins == "" ? {} : { LORE_CORS_ORIGINS = var.cors_origins },
    var.enable_landing ? { LORE_LANDING_URL = module.landing[0].url } : {},
    var.enable_opensearch ? {
      LORE_SEARCH_URL        = module.opensearch[0].url
      LORE_SEARCH_AWS_REGION = var.region
      LORE_SEARCH_REPLICAS   = tostring(module.opensearch[0].replicas)
    } : {},
    var.app_environment,
  )

  task_secrets = merge(module.secrets.provider_secret_arns, module.secrets.app_secret_arns)
  secret_arns = concat(
    values(local.task_secrets),
    var.enable_rds ? [module.rds[0].database_url_secret_arn] : [],
  )
}

module "network" {
  source              = "./modules/network"
  name                = local.name
  region              = var.region
  cidr                = var.vpc_cidr
  nat_gateway_per_az  = var.nat_gateway_per_az
  interface_endpoints = var.vpc_interface_endpoints
}

module "ecr" {
  source = "./modules/ecr"
  name   = local.name
}

module "alb" {
  source            = "./modules/alb"
  name              = local.name
  vpc_id            = module.network.vpc_id
  public_subnet_ids = module.network.public_subnet_ids
  https_enabled     = local.https_enabled
  certificate_arn   = var.certificate_arn != "" ? var.certificate_arn : (local.manage_dns ? module.dns[0].certificate_arn : "")
}

module "dns" {
  source         = "./modules/dns"
  count          = local.manage_dns ? 1 : 0
  domain_name    = var.domain_name
  hosted_zone_id = var.hosted_zone_id
  alb_dns_name   = module.alb.dns_name
  alb_zone_id    = module.alb.zone_id
}

module "efs" {
  source                   = "./modules/efs"
  name                     = local.name
  vpc_id                   = module.network.vpc_id
  private_subnet_ids       = module.network.private_subnet_ids
  client_security_group_id = module.alb.tasks_security_group_id
  backup_retention_days    = var.backup_retention_days
}

module "secrets" {
  source = "./modules/secrets"
  name   = local.name
}

module "rds" {
  source                   = "./modules/rds"
  count                    = var.enable_rds ? 1 : 0
  name                     = local.name
  vpc_id                   = module.network.vpc_id
  private_subnet_ids       = module.network.private_subnet_ids
  client_security_group_id = module.alb.tasks_security_group_id
  instance_class           = var.rds_instance_class
  allocated_storage        = var.rds_allocated_storage
  multi_az                 = var.rds_multi_az
  backup_retention_days    = var.rds_backup_retention_days
}

module "opensearch" {
  source                   = "./modules/opensearch"
  count                    = var.enable_opensearch ? 1 : 0
  name                     = local.name
  region                   = var.region
  vpc_id                   = module.network.vpc_id
  private_subnet_ids       = module.network.private_subnet_ids
  client_security_group_id = module.alb.tasks_security_group_id
  task_role_arn            = module.iam.task_role_arn
  task_role_name           = module.iam.task_role_name
  instance_type            = var.opensearch_instance_type
  instance_count           = var.opensearch_instance_count
  volume_size              = var.opensearch_volume_size
}

module "cloudwatch" {
  source                  = "./modules/cloudwatch"
  name                    = local.name
  region                  = var.region
  log_retention_days      = var.log_retention_days
  alarm_email             = var.alarm_email
  alb_arn_suffix          = module.alb.arn_suffix
  target_group_arn_suffix = module.alb.target_group_arn_suffix
  cluster_name            = local.name
  service_names           = { for role in local.service_roles : role => "${local.name}-${role}" }
}

module "iam" {
  source               = "./modules/iam"
  name                 = local.name
  repository_arn       = module.ecr.repository_arn
  log_group_arn        = module.cloudwatch.log_group_arn
  secret_arns          = local.secret_arns
  efs_file_system_arn  = module.efs.file_system_arn
  efs_access_point_arn = module.efs.access_point_arn
}

module "ecs" {
  source                  = "./modules/ecs"
  name                    = local.name
  region                  = var.region
  image                   = "${module.ecr.repository_url}:${var.image_tag}"
  api_cpu                 = var.api_cpu
  api_memory              = var.api_memory
  worker_cpu              = var.worker_cpu
  worker_memory           = var.worker_memory
  environment             = local.app_environment
  secrets                 = local.task_secrets
  scaled                  = var.enable_rds
  database_url_secret_arn = var.enable_rds ? module.rds[0].database_url_secret_arn : ""
  private_subnet_ids      = module.network.private_subnet_ids
  tasks_security_group_id = module.alb.tasks_security_group_id
  target_group_arn        = module.alb.target_group_arn
  execution_role_arn      = module.iam.execution_role_arn
  task_role_arn           = module.iam.task_role_arn
  log_group_name          = module.cloudwatch.log_group_name
  efs_file_system_id      = module.efs.file_system_id
  efs_access_point_id     = module.efs.access_point_id
  min_capacity            = var.min_capacity
  max_capacity            = var.max_capacity
  cpu_target_percent      = var.cpu_target_percent
  memory_target_percent   = var.memory_target_percent
  use_fargate_spot        = var.use_fargate_spot
}

module "landing" {
  source          = "./modules/landing"
  count           = var.enable_landing ? 1 : 0
  name            = local.name
  domain_name     = var.landing_domain_name
  hosted_zone_id  = var.landing_domain_name == "" ? "" : var.hosted_zone_id
  certificate_arn = var.landing_certificate_arn
  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }
}

module "github_oidc" {
  source                = "./modules/github_oidc"
  count                 = var.github_repository == "" ? 0 : 1
  name                  = local.name
  repository            = var.github_repository
  environment           = var.github_deploy_environment
  existing_provider_arn = var.github_oidc_provider_arn
  repository_arn        = module.ecr.repository_arn
  cluster_arn           = module.ecs.cluster_arn
  pass_role_arns        = [module.iam.execution_role_arn, module.iam.task_role_arn]
  log_group_arn         = module.cloudwatch.log_group_arn
  state_bucket          = var.terraform_state_bucket
  terraform_policy_arns = var.github_terraform_policy_arns
  landing_bucket_arn    = var.enable_landing ? module.landing[0].bucket_arn : ""
  landing_distribution  = var.enable_landing ? module.landing[0].distribution_arn : ""
}
