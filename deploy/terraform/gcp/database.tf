# Cloud SQL for PostgreSQL 16 with a private IP only (no public address), TLS required, daily
# backups with point-in-time recovery. pgvector is enabled by `lore migrate` (CREATE EXTENSION vector).

resource "google_sql_database_instance" "this" {
  name                = var.name
  database_version    = "POSTGRES_16"
  region              = var.region
  deletion_protection = true
  depends_on          = [google_service_networking_connection.this]

  settings {
    tier              = var.db_tier
    availability_type = var.db_high_availability ? "REGIONAL" : "ZONAL"
    disk_type         = "PD_SSD"
    disk_autoresize   = true

    ip_configuration {
      ipv4_enabled                                  = false
      private_network                               = google_compute_network.this.id
      ssl_mode                                      = "ENCRYPTED_ONLY"
      enable_private_path_for_google_cloud_services = true
    }

    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
      start_time                     = "04:00"
      transaction_log_retention_days = 7
      backup_retention_settings {
        retained_backups = 14
      }
    }

    insights_config {
      query_insights_enabled = true
    }
  }
}

resource "google_sql_database" "lore" {
  name     = "lore"
  instance = google_sql_database_instance.this.name
}

resource "random_password" "db" {
  length  = 32
  special = false
}

resource "google_sql_user" "lore" {
  name     = "lore"
  instance = google_sql_database_instance.this.name
  password = random_password.db.result
}
