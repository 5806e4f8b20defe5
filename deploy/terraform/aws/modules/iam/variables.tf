variable "name" {
  description = "Name prefix."
  type        = string
}

variable "repository_arn" {
  description = "The ECR repository the tasks pull from."
  type        = string
}

variable "log_group_arn" {
  description = "The log group the tasks write to."
  type        = string
}

variable "secret_arns" {
  description = "Every secret the task definitions reference (and nothing else)."
  type        = list(string)
}

variable "efs_file_system_arn" {
  description = "The data file system."
  type        = string
}

variable "efs_access_point_arn" {
  description = "The access point the tasks must mount through."
  type        = string
}
