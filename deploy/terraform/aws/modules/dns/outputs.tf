output "certificate_arn" {
  description = "Validated certificate ARN."
  value       = aws_acm_certificate_validation.this.certificate_arn
}

output "fqdn" {
  description = "The alias record's name."
  value       = aws_route53_record.alias.fqdn
}
