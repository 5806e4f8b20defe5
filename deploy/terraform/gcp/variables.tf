variable "project_id" {
  description = "GCP project id."
  type        = string
}

variable "region" {
  description = "Region of Cloud Run, Cloud SQL and Artifact Registry."
  type        = string
  default     = "us-west1"
}

variable "name" {
  description = "Name prefix."
  type        = string
  default     = "lore"
}

variable "image_tag" {
  description = "Tag of the lore `lite` image in Artifact Registry."
  type        = string
  default     = "latest"
}

variable "admin_email" {
  description = "LORE_ADMIN_EMAIL of the first administrator."
  type        = string
  default     = "admin@example.com"
}

variable "api_min_instances" {
  description = "Fewest API instances (0 allows scale to zero)."
  type        = number
  default     = 1
}

variable "api_max_instances" {
  description = "Most API instances."
  type        = number
  default     = 5
}

variable "worker_max_instances" {
  description = "Most worker instances."
  type        = number
  default     = 5
}

variable "db_tier" {
  description = "Cloud SQL machine tier."
  type        = string
  default     = "db-custom-1-3840"
}

variable "db_high_availability" {
  description = "Regional (HA) Cloud SQL instance."
  type        = bool
  default     = false
}

variable "db_pool_size" {
  description = "LORE_DB_POOL_SIZE per instance."
  type        = number
  default     = 10
}

variable "github_repository" {
  description = "owner/name allowed to deploy through Workload Identity Federation."
  type        = string
}
