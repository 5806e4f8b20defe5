variable "region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "us-west-2"
}

variable "name" {
  description = "Name prefix for every resource."
  type        = string
  default     = "lore"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.name))
    error_message = "name must be 2-21 lowercase letters, digits or dashes, starting with a letter."
  }
}

variable "environment" {
  description = "Environment label (dev, staging, prod); used in tags and names."
  type        = string
  default     = "prod"
}

variable "tags" {
  description = "Extra tags for every resource."
  type        = map(string)
  default     = {}
}

# --- network -------------------------------------------------------------------------------------

variable "vpc_cidr" {
  description = "CIDR block of the new VPC (split into 2 public and 2 private subnets)."
  type        = string
  default     = "10.40.0.0/16"
}

variable "vpc_interface_endpoints" {
  description = "Interface VPC endpoints for ECR (api, dkr), ECS, CloudWatch Logs and Secrets Manager (private paths; ~$100/month). The S3 gateway endpoint is always created (free)."
  type        = bool
  default     = true
}

variable "nat_gateway_per_az" {
  description = "One NAT gateway per AZ (resilient) instead of a single shared one (cheaper)."
  type        = bool
  default     = false
}

# --- image and task sizing -----------------------------------------------------------------------

variable "image_tag" {
  description = "Tag of the lore `lite` image in the ECR repository (the CI pushes the commit SHA and `latest`)."
  type        = string
  default     = "latest"
}

variable "api_cpu" {
  description = "Fargate CPU units of an API task (1024 = 1 vCPU)."
  type        = number
  default     = 1024
}

variable "api_memory" {
  description = "Fargate memory (MiB) of an API task."
  type        = number
  default     = 2048
}

variable "worker_cpu" {
  description = "Fargate CPU units of a worker task (RDS mode only)."
  type        = number
  default     = 1024
}

variable "worker_memory" {
  description = "Fargate memory (MiB) of a worker task (RDS mode only)."
  type        = number
  default     = 2048
}

variable "min_capacity" {
  description = "Fewest tasks per service."
  type        = number
  default     = 1
}

variable "max_capacity" {
  description = "Most tasks per service. With the embedded SQLite database (enable_rds = false) one task owns the data, so the API service is held at 1 task."
  type        = number
  default     = 5

  validation {
    condition     = var.max_capacity >= 1
    error_message = "max_capacity must be at least 1."
  }
}

variable "cpu_target_percent" {
  description = "Target-tracking goal for average CPU utilisation."
  type        = number
  default     = 70
}

variable "memory_target_percent" {
  description = "Target-tracking goal for average memory utilisation."
  type        = number
  default     = 80
}

variable "use_fargate_spot" {
  description = "Run tasks above the first one on FARGATE_SPOT (workers always prefer spot when enabled)."
  type        = bool
  default     = true
}

variable "app_environment" {
  description = "Extra plain environment variables for the Lore containers (e.g. LORE_LOG_LEVEL, LORE_WORKER_CONCURRENCY, LORE_MAX_PAGES)."
  type        = map(string)
  default     = {}
}

variable "admin_email" {
  description = "LORE_ADMIN_EMAIL: the first administrator, created on first start (its password is generated into Secrets Manager)."
  type        = string
  default     = "admin@example.com"
}

variable "cors_origins" {
  description = "LORE_CORS_ORIGINS: comma-separated origins allowed to call the API from a browser (empty: none)."
  type        = string
  default     = ""
}

# --- HTTPS / DNS ---------------------------------------------------------------------------------

variable "certificate_arn" {
  description = "ACM certificate ARN for the HTTPS listener. Empty and no domain_name: plain HTTP only."
  type        = string
  default     = ""
}

variable "domain_name" {
  description = "Optional host name (e.g. lore.example.com): creates an ACM certificate validated in hosted_zone_id and an alias record to the ALB."
  type        = string
  default     = ""
}

variable "hosted_zone_id" {
  description = "Route 53 hosted zone for domain_name."
  type        = string
  default     = ""
}

# --- storage and database ------------------------------------------------------------------------

variable "backup_retention_days" {
  description = "Days AWS Backup keeps the daily EFS recovery points."
  type        = number
  default     = 35
}

variable "enable_rds" {
  description = "Use PostgreSQL (RDS, pgvector) instead of the embedded SQLite database, and run a separate worker service."
  type        = bool
  default     = false
}

variable "rds_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.small"
}

variable "rds_allocated_storage" {
  description = "RDS storage in GiB (autoscaling up to 4x)."
  type        = number
  default     = 20
}

variable "rds_multi_az" {
  description = "Standby replica in the second AZ."
  type        = bool
  default     = false
}

variable "rds_backup_retention_days" {
  description = "Days of RDS automated backups (point-in-time recovery window)."
  type        = number
  default     = 14
}

variable "enable_opensearch" {
  description = "Serve retrieval from an Amazon OpenSearch Service domain in the private subnets (LORE_SEARCH_URL, SigV4 with the task role)."
  type        = bool
  default     = false
}

variable "opensearch_instance_type" {
  description = "OpenSearch data node instance type."
  type        = string
  default     = "r7g.large.search"
}

variable "opensearch_instance_count" {
  description = "OpenSearch data nodes (more than one: spread over availability zones, one replica per index)."
  type        = number
  default     = 2
}

variable "opensearch_volume_size" {
  description = "OpenSearch EBS gp3 volume per node, in GiB."
  type        = number
  default     = 50
}

variable "db_pool_size" {
  description = "LORE_DB_POOL_SIZE per task (RDS mode). Keep tasks x pool below max_connections."
  type        = number
  default     = 10
}

variable "worker_concurrency" {
  description = "LORE_WORKER_CONCURRENCY: ingest jobs a worker task runs at once."
  type        = number
  default     = 2
}

# --- monitoring ----------------------------------------------------------------------------------

variable "log_retention_days" {
  description = "CloudWatch Logs retention."
  type        = number
  default     = 30
}

variable "alarm_email" {
  description = "E-mail subscribed to the alarm SNS topic (empty: topic without subscription)."
  type        = string
  default     = ""
}

# --- Landing page --------------------------------------------------------------------------------

variable "enable_landing" {
  description = "Host the public landing page (landing/dist) on S3 + CloudFront and link the sign-in page to it."
  type        = bool
  default     = true
}

variable "landing_domain_name" {
  description = "Custom domain of the landing page, e.g. www.example.com, in hosted_zone_id (empty: the CloudFront address)."
  type        = string
  default     = ""
}

variable "landing_certificate_arn" {
  description = "Existing us-east-1 ACM certificate for landing_domain_name (empty: created through hosted_zone_id)."
  type        = string
  default     = ""

  validation {
    condition     = var.landing_certificate_arn == "" || can(regex("^arn:aws[a-z-]*:acm:us-east-1:", var.landing_certificate_arn))
    error_message = "CloudFront only accepts ACM certificates from us-east-1."
  }
}

# --- CI ------------------------------------------------------------------------------------------

variable "github_repository" {
  description = "owner/name of the GitHub repository allowed to deploy through OIDC (empty: no OIDC provider or role)."
  type        = string
  default     = ""
}

variable "github_oidc_provider_arn" {
  description = "Existing token.actions.githubusercontent.com OIDC provider ARN (one per account); empty creates it."
  type        = string
  default     = ""
}

variable "github_deploy_environment" {
  description = "GitHub environment whose jobs may assume the deploy role (in addition to the main branch)."
  type        = string
  default     = "production"
}

variable "terraform_state_bucket" {
  description = "S3 bucket of the Terraform state, so the deploy role can run terraform plan/apply (empty: no state access)."
  type        = string
  default     = ""
}

variable "github_terraform_policy_arns" {
  description = "Managed policies attached to the deploy role so `terraform apply` can manage this stack."
  type        = list(string)
  default     = ["arn:aws:iam::aws:policy/PowerUserAccess"]
}
