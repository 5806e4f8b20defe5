variable "name" {
  description = "Repository name."
  type        = string
}

variable "keep_images" {
  description = "Images kept by the lifecycle policy (older ones expire)."
  type        = number
  default     = 10
}

variable "force_delete" {
  description = "Allow `terraform destroy` to delete a repository that still holds images."
  type        = bool
  default     = false
}
