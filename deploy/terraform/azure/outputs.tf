output "url" {
  description = "URL of the API app."
  value       = "https://${azurerm_container_app.this["api"].ingress[0].fqdn}"
}

output "acr_login_server" {
  description = "Registry to push `lore:<tag>` to."
  value       = azurerm_container_registry.this.login_server
}

output "key_vault_name" {
  description = "Key Vault holding the secrets."
  value       = azurerm_key_vault.this.name
}

output "github_client_id" {
  description = "client-id for azure/login."
  value       = azurerm_user_assigned_identity.github.client_id
}

output "tenant_id" {
  description = "tenant-id for azure/login."
  value       = data.azurerm_client_config.current.tenant_id
}

output "migrate_job" {
  description = "Run with `az containerapp job start`."
  value       = azurerm_container_app_job.migrate.name
}
