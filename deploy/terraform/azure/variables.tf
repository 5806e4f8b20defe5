variable "subscription_id" {
  description = "Azure subscription id."
  type        = string
}

variable "location" {
  description = "Azure region."
  type        = string
  default     = "westus2"
}

variable "name" {
  description = "Name prefix (letters and digits; ACR and storage names derive from it)."
  type        = string
  default     = "lore"
}

variable "image_tag" {
  description = "Tag of the lore `lite` image in ACR."
  type        = string
  default     = "latest"
}

variable "admin_email" {
  description = "LORE_ADMIN_EMAIL of the first administrator."
  type        = string
  default     = "admin@example.com"
}

variable "api_min_replicas" {
  description = "Fewest API replicas."
  type        = number
  default     = 1
}

variable "api_max_replicas" {
  description = "Most API replicas."
  type        = number
  default     = 5
}

variable "worker_max_replicas" {
  description = "Most worker replicas."
  type        = number
  default     = 5
}

variable "postgres_sku" {
  description = "PostgreSQL Flexible Server SKU."
  type        = string
  default     = "B_Standard_B2s"
}

variable "db_pool_size" {
  description = "LORE_DB_POOL_SIZE per replica."
  type        = number
  default     = 10
}

variable "github_repository" {
  description = "owner/name allowed to deploy through OIDC."
  type        = string
}
