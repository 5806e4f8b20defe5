variable "name" {
  description = "Name prefix."
  type        = string
}

variable "region" {
  description = "Region, for the VPC endpoint service names."
  type        = string
}

variable "cidr" {
  description = "VPC CIDR block."
  type        = string
}

variable "nat_gateway_per_az" {
  description = "One NAT gateway per AZ instead of one shared."
  type        = bool
  default     = false
}

variable "interface_endpoints" {
  description = "Create the interface endpoints (ECR, ECS, Logs, Secrets Manager); about 7 x 2 AZ x $7/month. Without them that traffic goes through NAT."
  type        = bool
  default     = true
}
