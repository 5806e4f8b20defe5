output "address" {
  description = "Hostname of the instance."
  value       = aws_db_instance.this.address
}

output "database_url_secret_arn" {
  description = "Secret holding LORE_DATABASE_URL."
  value       = aws_secretsmanager_secret.database_url.arn
}

output "settings" {
  description = "Encryption, privacy and backup settings (for tests and docs)."
  value = {
    storage_encrypted       = aws_db_instance.this.storage_encrypted
    publicly_accessible     = aws_db_instance.this.publicly_accessible
    backup_retention_period = aws_db_instance.this.backup_retention_period
    parameter_group_family  = aws_db_parameter_group.this.family
    subnet_ids              = aws_db_subnet_group.this.subnet_ids
  }
}
