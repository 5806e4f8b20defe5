variable "name" {
  description = "Name prefix."
  type        = string
}

variable "vpc_id" {
  description = "VPC id."
  type        = string
}

variable "private_subnet_ids" {
  description = "Private subnets for the mount targets."
  type        = list(string)
}

variable "client_security_group_id" {
  description = "Security group of the tasks that mount the file system."
  type        = string
}

variable "uid" {
  description = "POSIX uid of the container user (the image's `lore` user)."
  type        = number
  default     = 10001
}

variable "gid" {
  description = "POSIX gid of the container user."
  type        = number
  default     = 10001
}

variable "backup_schedule" {
  description = "Cron expression of the daily backup (UTC)."
  type        = string
  default     = "cron(0 5 * * ? *)"
}

variable "backup_retention_days" {
  description = "Days a recovery point is kept."
  type        = number
  default     = 35
}
