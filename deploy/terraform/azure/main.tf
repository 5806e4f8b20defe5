# Lore on Azure Container Apps: api and worker apps from one ACR image, PostgreSQL Flexible Server
# (private, VNet-integrated, pgvector allow-listed), Key Vault secrets read through a user-assigned
# managed identity, Azure Files for original files, Log Analytics for logs.

data "azurerm_client_config" "current" {}

locals {
  compact_name = replace(var.name, "-", "")
}

resource "azurerm_resource_group" "this" {
  name     = "rg-${var.name}"
  location = var.location
}

resource "azurerm_log_analytics_workspace" "this" {
  name                = "log-${var.name}"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  sku                 = "PerGB2018"
  retention_in_days   = 30
}

# --- network -------------------------------------------------------------------------------------

resource "azurerm_virtual_network" "this" {
  name                = "vnet-${var.name}"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  address_space       = ["10.60.0.0/16"]
}

resource "azurerm_subnet" "apps" {
  name                 = "snet-apps"
  resource_group_name  = azurerm_resource_group.this.name
  virtual_network_name = azurerm_virtual_network.this.name
  address_prefixes     = ["10.60.0.0/23"]

  delegation {
    name = "container-apps"
    service_delegation {
      name    = "Microsoft.App/environments"
      actions = ["Microsoft.Network/virtualNetworks/subnets/join/action"]
    }
  }
}

resource "azurerm_subnet" "postgres" {
  name                 = "snet-postgres"
  resource_group_name  = azurerm_resource_group.this.name
  virtual_network_name = azurerm_virtual_network.this.name
  address_prefixes     = ["10.60.2.0/24"]
  service_endpoints    = ["Microsoft.Storage"]

  delegation {
    name = "postgres"
    service_delegation {
      name    = "Microsoft.DBforPostgreSQL/flexibleServers"
      actions = ["Microsoft.Network/virtualNetworks/subnets/join/action"]
    }
  }
}

resource "azurerm_private_dns_zone" "postgres" {
  name                = "${var.name}.private.postgres.database.azure.com"
  resource_group_name = azurerm_resource_group.this.name
}

resource "azurerm_private_dns_zone_virtual_network_link" "postgres" {
  name                  = "postgres"
  private_dns_zone_name = azurerm_private_dns_zone.postgres.name
  resource_group_name   = azurerm_resource_group.this.name
  virtual_network_id    = azurerm_virtual_network.this.id
}

# --- PostgreSQL ----------------------------------------------------------------------------------

resource "random_password" "postgres" {
  length  = 32
  special = false
}

resource "azurerm_postgresql_flexible_server" "this" {
  name                          = "psql-${var.name}"
  location                      = azurerm_resource_group.this.location
  resource_group_name           = azurerm_resource_group.this.name
  version                       = "16"
  sku_name                      = var.postgres_sku
  storage_mb                    = 32768
  auto_grow_enabled             = true
  backup_retention_days         = 14
  geo_redundant_backup_enabled  = false
  delegated_subnet_id           = azurerm_subnet.postgres.id
  private_dns_zone_id           = azurerm_private_dns_zone.postgres.id
  public_network_access_enabled = false
  administrator_login           = "lore"
  administrator_password        = random_password.postgres.result
  zone                          = "1"

  depends_on = [azurerm_private_dns_zone_virtual_network_link.postgres]
}

resource "azurerm_postgresql_flexible_server_database" "lore" {
  name      = "lore"
  server_id = azurerm_postgresql_flexible_server.this.id
  charset   = "UTF8"
  collation = "en_US.utf8"
}

# pgvector must be allow-listed before `CREATE EXTENSION vector` (run by `lore migrate`).
resource "azurerm_postgresql_flexible_server_configuration" "extensions" {
  name      = "azure.extensions"
  server_id = azurerm_postgresql_flexible_server.this.id
  value     = "VECTOR,PG_STAT_STATEMENTS"
}

resource "azurerm_postgresql_flexible_server_configuration" "require_tls" {
  name      = "require_secure_transport"
  server_id = azurerm_postgresql_flexible_server.this.id
  value     = "ON"
}

# --- registry, identity, Key Vault ---------------------------------------------------------------

resource "azurerm_container_registry" "this" {
  name                = "acr${local.compact_name}"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  sku                 = "Standard"
  admin_enabled       = false
}

resource "azurerm_user_assigned_identity" "app" {
  name                = "id-${var.name}-app"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
}

resource "azurerm_role_assignment" "app_acr_pull" {
  scope                = azurerm_container_registry.this.id
  role_definition_name = "AcrPull"
  principal_id         = azurerm_user_assigned_identity.app.principal_id
}

resource "azurerm_key_vault" "this" {
  name                       = "kv-${var.name}"
  location                   = azurerm_resource_group.this.location
  resource_group_name        = azurerm_resource_group.this.name
  tenant_id                  = data.azurerm_client_config.current.tenant_id
  sku_name                   = "standard"
  enable_rbac_authorization  = true
  purge_protection_enabled   = true
  soft_delete_retention_days = 7
}

# The apps read secrets through their managed identity; nothing else holds a credential.
resource "azurerm_role_assignment" "app_key_vault" {
  scope                = azurerm_key_vault.this.id
  role_definition_name = "Key Vault Secrets User"
  principal_id         = azurerm_user_assigned_identity.app.principal_id
}

resource "azurerm_role_assignment" "deployer_key_vault" {
  scope                = azurerm_key_vault.this.id
  role_definition_name = "Key Vault Secrets Officer"
  principal_id         = data.azurerm_client_config.current.object_id
}

resource "random_password" "app" {
  for_each = toset(["lore-admin-password", "lore-session-secret"])
  length   = each.key == "lore-session-secret" ? 64 : 24
  special  = false
}

locals {
  # Key Vault secret name => environment variable. Provider keys start as a blank placeholder;
  # set them with `az keyvault secret set`.
  secrets = {
    "openai-api-key"      = { env = "OPENAI_API_KEY", value = " " }
    "cohere-api-key"      = { env = "COHERE_API_KEY", value = " " }
    "lore-admin-password" = { env = "LORE_ADMIN_PASSWORD", value = random_password.app["lore-admin-password"].result }
    "lore-session-secret" = { env = "LORE_SESSION_SECRET", value = random_password.app["lore-session-secret"].result }
    "lore-database-url" = {
      env   = "LORE_DATABASE_URL"
      value = "postgres://lore:${random_password.postgres.result}@${azurerm_postgresql_flexible_server.this.fqdn}:5432/lore?sslmode=require"
    }
  }
}

resource "azurerm_key_vault_secret" "this" {
  for_each     = local.secrets
  name         = each.key
  value        = each.value.value
  key_vault_id = azurerm_key_vault.this.id
  depends_on   = [azurerm_role_assignment.deployer_key_vault]

  lifecycle {
    ignore_changes = [value] # rotated in Key Vault
  }
}

# --- files ---------------------------------------------------------------------------------------

resource "azurerm_storage_account" "data" {
  name                            = "st${local.compact_name}data"
  location                        = azurerm_resource_group.this.location
  resource_group_name             = azurerm_resource_group.this.name
  account_tier                    = "Standard"
  account_replication_type        = "ZRS"
  min_tls_version                 = "TLS1_2"
  allow_nested_items_to_be_public = false
}

resource "azurerm_storage_share" "data" {
  name               = "lore-data"
  storage_account_id = azurerm_storage_account.data.id
  quota              = 100
}

# --- Container Apps ------------------------------------------------------------------------------

resource "azurerm_container_app_environment" "this" {
  name                       = "cae-${var.name}"
  location                   = azurerm_resource_group.this.location
  resource_group_name        = azurerm_resource_group.this.name
  log_analytics_workspace_id = azurerm_log_analytics_workspace.this.id
  infrastructure_subnet_id   = azurerm_subnet.apps.id
}

resource "azurerm_container_app_environment_storage" "data" {
  name                         = "lore-data"
  container_app_environment_id = azurerm_container_app_environment.this.id
  account_name                 = azurerm_storage_account.data.name
  share_name                   = azurerm_storage_share.data.name
  access_key                   = azurerm_storage_account.data.primary_access_key
  access_mode                  = "ReadWrite"
}

locals {
  apps = {
    api    = { roles = "api", min = var.api_min_replicas, max = var.api_max_replicas, ingress = true }
    worker = { roles = "worker", min = 1, max = var.worker_max_replicas, ingress = false }
  }
  plain_env = {
    LORE_HOST            = "0.0.0.0"
    LORE_PORT            = "7860"
    LORE_DATA_DIR        = "/app/data"
    LORE_USER_MANAGEMENT = "on"
    LORE_TRUST_PROXY     = "true"
    LORE_ADMIN_EMAIL     = var.admin_email
    LORE_DB_POOL_SIZE    = tostring(var.db_pool_size)
  }
}

resource "azurerm_container_app" "this" {
  for_each                     = local.apps
  name                         = "ca-${var.name}-${each.key}"
  container_app_environment_id = azurerm_container_app_environment.this.id
  resource_group_name          = azurerm_resource_group.this.name
  revision_mode                = "Single"
  depends_on                   = [azurerm_role_assignment.app_key_vault, azurerm_role_assignment.app_acr_pull]

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.app.id]
  }

  registry {
    server   = azurerm_container_registry.this.login_server
    identity = azurerm_user_assigned_identity.app.id
  }

  dynamic "secret" {
    for_each = azurerm_key_vault_secret.this
    content {
      name                = secret.key
      key_vault_secret_id = secret.value.versionless_id
      identity            = azurerm_user_assigned_identity.app.id
    }
  }

  dynamic "ingress" {
    for_each = each.value.ingress ? [1] : []
    content {
      external_enabled = true
      target_port      = 7860
      transport        = "http"
      traffic_weight {
        latest_revision = true
        percentage      = 100
      }
    }
  }

  template {
    min_replicas = each.value.min
    max_replicas = each.value.max

    http_scale_rule {
      name                = "concurrent-requests"
      concurrent_requests = "50"
    }

    volume {
      name         = "data"
      storage_type = "AzureFile"
      storage_name = azurerm_container_app_environment_storage.data.name
    }

    container {
      name   = "lore"
      image  = "${azurerm_container_registry.this.login_server}/lore:${var.image_tag}"
      args   = ["serve"]
      cpu    = 1
      memory = "2Gi"

      dynamic "env" {
        for_each = merge(local.plain_env, { LORE_ROLES = each.value.roles })
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = local.secrets
        content {
          name        = env.value.env
          secret_name = env.key
        }
      }

      volume_mounts {
        name = "data"
        path = "/app/data"
      }

      liveness_probe {
        transport = "HTTP"
        port      = 7860
        path      = "/healthz"
      }

      readiness_probe {
        transport = "HTTP"
        port      = 7860
        path      = "/readyz"
      }
    }
  }
}

resource "azurerm_container_app_job" "migrate" {
  name                         = "caj-${var.name}-migrate"
  location                     = azurerm_resource_group.this.location
  resource_group_name          = azurerm_resource_group.this.name
  container_app_environment_id = azurerm_container_app_environment.this.id
  replica_timeout_in_seconds   = 600
  replica_retry_limit          = 1
  depends_on                   = [azurerm_role_assignment.app_key_vault, azurerm_role_assignment.app_acr_pull]

  manual_trigger_config {
    parallelism              = 1
    replica_completion_count = 1
  }

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.app.id]
  }

  registry {
    server   = azurerm_container_registry.this.login_server
    identity = azurerm_user_assigned_identity.app.id
  }

  secret {
    name                = "lore-database-url"
    key_vault_secret_id = azurerm_key_vault_secret.this["lore-database-url"].versionless_id
    identity            = azurerm_user_assigned_identity.app.id
  }

  template {
    container {
      name   = "migrate"
      image  = "${azurerm_container_registry.this.login_server}/lore:${var.image_tag}"
      args   = ["migrate"]
      cpu    = 0.5
      memory = "1Gi"

      env {
        name        = "LORE_DATABASE_URL"
        secret_name = "lore-database-url"
      }
    }
  }
}
