output "provider_secret_arns" {
  description = "OPENAI_API_KEY and COHERE_API_KEY secret ARNs, by environment variable name."
  value       = { for key, secret in aws_secretsmanager_secret.provider : key => secret.arn }
}

output "app_secret_arns" {
  description = "Lore's generated secrets (admin password, session secret), by environment variable name."
  value       = { for key, secret in aws_secretsmanager_secret.app : key => secret.arn }
}
