variable "name" {
  description = "Name prefix (cluster, services, task families)."
  type        = string
}

variable "region" {
  description = "Region (awslogs driver)."
  type        = string
}

variable "image" {
  description = "Full image reference of the lore `lite` image."
  type        = string
}

variable "container_port" {
  description = "Port Lore listens on."
  type        = number
  default     = 7860
}

variable "uid" {
  description = "Container user id (matches the EFS access point)."
  type        = number
  default     = 10001
}

variable "gid" {
  description = "Container group id."
  type        = number
  default     = 10001
}

variable "api_cpu" {
  description = "CPU units of an API task."
  type        = number
}

variable "api_memory" {
  description = "Memory (MiB) of an API task."
  type        = number
}

variable "worker_cpu" {
  description = "CPU units of a worker task."
  type        = number
}

variable "worker_memory" {
  description = "Memory (MiB) of a worker task."
  type        = number
}

variable "environment" {
  description = "Extra plain environment variables."
  type        = map(string)
  default     = {}
}

variable "secrets" {
  description = "Environment variable name => Secrets Manager ARN."
  type        = map(string)
}

variable "scaled" {
  description = "Scaled mode (PostgreSQL): separate api and worker services; false = embedded SQLite, one task."
  type        = bool
  default     = false
}

variable "database_url_secret_arn" {
  description = "LORE_DATABASE_URL secret (scaled mode)."
  type        = string
  default     = ""
}

variable "private_subnet_ids" {
  description = "Private subnets for the tasks."
  type        = list(string)
}

variable "tasks_security_group_id" {
  description = "Security group of the tasks."
  type        = string
}

variable "target_group_arn" {
  description = "ALB target group of the API service."
  type        = string
}

variable "execution_role_arn" {
  description = "Task execution role."
  type        = string
}

variable "task_role_arn" {
  description = "Task role."
  type        = string
}

variable "log_group_name" {
  description = "CloudWatch log group."
  type        = string
}

variable "efs_file_system_id" {
  description = "Data file system."
  type        = string
}

variable "efs_access_point_id" {
  description = "Access point mounted at /app/data."
  type        = string
}

variable "read_only_root_filesystem" {
  description = "Run with a read-only root file system (/tmp and /app/data stay writable)."
  type        = bool
  default     = true
}

variable "min_capacity" {
  description = "Fewest tasks per service."
  type        = number
}

variable "max_capacity" {
  description = "Most tasks per service (the API is held at 1 in embedded mode)."
  type        = number
}

variable "cpu_target_percent" {
  description = "CPU target-tracking goal."
  type        = number
}

variable "memory_target_percent" {
  description = "Memory target-tracking goal."
  type        = number
}

variable "use_fargate_spot" {
  description = "Use FARGATE_SPOT for extra tasks in scaled mode."
  type        = bool
  default     = true
}
