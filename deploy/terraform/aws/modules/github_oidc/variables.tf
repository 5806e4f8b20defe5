variable "name" {
  description = "Name prefix."
  type        = string
}

variable "repository" {
  description = "owner/name of the GitHub repository."
  type        = string
}

variable "environment" {
  description = "GitHub environment allowed to assume the role."
  type        = string
}

variable "existing_provider_arn" {
  description = "Existing GitHub OIDC provider (empty: create one)."
  type        = string
  default     = ""
}

variable "repository_arn" {
  description = "ECR repository the workflow pushes to."
  type        = string
}

variable "cluster_arn" {
  description = "ECS cluster the workflow releases to."
  type        = string
}

variable "pass_role_arns" {
  description = "Task roles the workflow may pass when registering task definitions."
  type        = list(string)
}

variable "log_group_arn" {
  description = "Log group the workflow may read (migration output)."
  type        = string
}

variable "state_bucket" {
  description = "Terraform state bucket (empty: none)."
  type        = string
  default     = ""
}

variable "terraform_policy_arns" {
  description = "Managed policies for terraform apply."
  type        = list(string)
  default     = []
}

variable "landing_bucket_arn" {
  description = "Landing page bucket the deploy role publishes to (empty: none)."
  type        = string
  default     = ""
}

variable "landing_distribution" {
  description = "ARN of the landing page's CloudFront distribution, invalidated after a publish."
  type        = string
  default     = ""
}
