variable "domain_name" {
  description = "Host name served by Lore."
  type        = string
}

variable "hosted_zone_id" {
  description = "Route 53 zone holding domain_name."
  type        = string
}

variable "alb_dns_name" {
  description = "Load balancer DNS name."
  type        = string
}

variable "alb_zone_id" {
  description = "Load balancer hosted zone id."
  type        = string
}
