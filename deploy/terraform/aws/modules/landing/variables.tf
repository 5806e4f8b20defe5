variable "name" {
  description = "Name prefix of the bucket, distribution and policies."
  type        = string
}

variable "domain_name" {
  description = "Custom domain of the landing page, e.g. www.example.com (empty: the CloudFront address)."
  type        = string
  default     = ""
}

variable "hosted_zone_id" {
  description = "Route 53 zone of domain_name: a us-east-1 certificate and alias records are created in it (empty: manage DNS yourself)."
  type        = string
  default     = ""
}

variable "certificate_arn" {
  description = "Existing ACM certificate for domain_name in us-east-1 (empty: created when hosted_zone_id is set)."
  type        = string
  default     = ""

  validation {
    condition     = var.certificate_arn == "" || can(regex("^arn:aws[a-z-]*:acm:us-east-1:", var.certificate_arn))
    error_message = "CloudFront only accepts ACM certificates from us-east-1."
  }
}

variable "price_class" {
  description = "CloudFront price class (PriceClass_100: North America and Europe edges)."
  type        = string
  default     = "PriceClass_100"
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the bucket with its objects."
  type        = bool
  default     = false
}
