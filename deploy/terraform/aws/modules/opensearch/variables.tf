variable "name" {
  description = "Name prefix."
  type        = string
}

variable "region" {
  description = "AWS region of the domain."
  type        = string
}

variable "vpc_id" {
  description = "VPC id."
  type        = string
}

variable "private_subnet_ids" {
  description = "Private subnets; the domain uses one per availability zone it spans."
  type        = list(string)
}

variable "client_security_group_id" {
  description = "Security group of the tasks allowed to connect."
  type        = string
}

variable "task_role_arn" {
  description = "Role of the Lore tasks: the only principal the domain admits (and its fine-grained master user)."
  type        = string
}

variable "task_role_name" {
  description = "Name of that role, to attach the es:ESHttp* permission to."
  type        = string
}

variable "engine_version" {
  description = "OpenSearch version (k-NN with filters inside the query needs 2.16 or later)."
  type        = string
  default     = "OpenSearch_2.19"
}

variable "instance_type" {
  description = "Data node instance type."
  type        = string
  default     = "r7g.large.search"
}

variable "instance_count" {
  description = "Data nodes; more than one spreads them over availability zones (zone awareness)."
  type        = number
  default     = 2

  validation {
    condition     = var.instance_count >= 1
    error_message = "instance_count must be at least 1."
  }
}

variable "volume_size" {
  description = "EBS gp3 volume per node, in GiB."
  type        = number
  default     = 50
}
