variable "name" {
  description = "Name prefix (at most 28 characters: target group names are limited to 32)."
  type        = string
}

variable "vpc_id" {
  description = "VPC id."
  type        = string
}

variable "public_subnet_ids" {
  description = "Public subnets for the load balancer."
  type        = list(string)
}

variable "container_port" {
  description = "Port of the Lore container."
  type        = number
  default     = 7860
}

variable "health_check_path" {
  description = "Target group health check path (liveness, no dependencies)."
  type        = string
  default     = "/healthz"
}

variable "https_enabled" {
  description = "Create the HTTPS listener and redirect HTTP to it (needs certificate_arn)."
  type        = bool
  default     = false
}

variable "certificate_arn" {
  description = "ACM certificate for the HTTPS listener."
  type        = string
  default     = ""
}

variable "deletion_protection" {
  description = "Protect the load balancer from deletion."
  type        = bool
  default     = false
}
