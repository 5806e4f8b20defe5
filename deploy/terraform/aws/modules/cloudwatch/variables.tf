variable "name" {
  description = "Name prefix."
  type        = string
}

variable "region" {
  description = "Region of the dashboard's metrics."
  type        = string
}

variable "log_retention_days" {
  description = "Log retention in days."
  type        = number
  default     = 30
}

variable "alarm_email" {
  description = "E-mail for alarm notifications (empty: none)."
  type        = string
  default     = ""
}

variable "alb_arn_suffix" {
  description = "Load balancer ARN suffix."
  type        = string
}

variable "target_group_arn_suffix" {
  description = "Target group ARN suffix."
  type        = string
}

variable "cluster_name" {
  description = "ECS cluster name."
  type        = string
}

variable "service_names" {
  description = "ECS service names by role."
  type        = map(string)
}

variable "error_rate_percent" {
  description = "5xx share of requests that raises the alarm."
  type        = number
  default     = 5
}

variable "response_time_seconds" {
  description = "p95 target response time that raises the alarm."
  type        = number
  default     = 2
}

variable "cpu_alarm_percent" {
  description = "Service CPU that raises the alarm."
  type        = number
  default     = 85
}

variable "memory_alarm_percent" {
  description = "Service memory that raises the alarm."
  type        = number
  default     = 90
}
