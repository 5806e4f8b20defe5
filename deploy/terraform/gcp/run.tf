# Cloud Run: the API service (LORE_ROLES=api, public), the worker service (LORE_ROLES=worker,
# CPU always allocated, internal ingress) and a `lore migrate` job. All run as one runtime service
# account (the Cloud Run equivalent of Workload Identity: no keys in the containers).

resource "google_service_account" "runtime" {
  account_id   = "${var.name}-runtime"
  display_name = "Lore runtime"
}

resource "google_project_iam_member" "runtime" {
  for_each = toset(["roles/cloudsql.client", "roles/cloudsql.instanceUser", "roles/logging.logWriter", "roles/monitoring.metricWriter"])
  project  = var.project_id
  role     = each.value
  member   = "serviceAccount:${google_service_account.runtime.email}"
}

resource "google_storage_bucket_iam_member" "runtime" {
  bucket = google_storage_bucket.data.name
  role   = "roles/storage.objectUser"
  member = "serviceAccount:${google_service_account.runtime.email}"
}

locals {
  image = "${var.region}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.this.repository_id}/lore:${var.image_tag}"
  plain_env = {
    LORE_HOST            = "0.0.0.0"
    LORE_PORT            = "7860"
    LORE_DATA_DIR        = "/app/data"
    LORE_USER_MANAGEMENT = "on"
    LORE_TRUST_PROXY     = "true"
    LORE_ADMIN_EMAIL     = var.admin_email
    LORE_DB_POOL_SIZE    = tostring(var.db_pool_size)
  }
  services = {
    api    = { roles = "api", min = var.api_min_instances, max = var.api_max_instances, ingress = "INGRESS_TRAFFIC_ALL", cpu_idle = true }
    worker = { roles = "worker", min = 1, max = var.worker_max_instances, ingress = "INGRESS_TRAFFIC_INTERNAL_ONLY", cpu_idle = false }
  }
}

resource "google_cloud_run_v2_service" "this" {
  for_each            = local.services
  name                = "${var.name}-${each.key}"
  location            = var.region
  ingress             = each.value.ingress
  deletion_protection = false
  depends_on          = [google_secret_manager_secret_iam_member.runtime, google_secret_manager_secret_version.generated]

  template {
    service_account                  = google_service_account.runtime.email
    execution_environment            = "EXECUTION_ENVIRONMENT_GEN2"
    max_instance_request_concurrency = 80
    timeout                          = "300s"

    scaling {
      min_instance_count = each.value.min
      max_instance_count = each.value.max
    }

    vpc_access {
      egress = "PRIVATE_RANGES_ONLY"
      network_interfaces {
        network    = google_compute_network.this.id
        subnetwork = google_compute_subnetwork.run.id
      }
    }

    volumes {
      name = "cloudsql"
      cloud_sql_instance {
        instances = [google_sql_database_instance.this.connection_name]
      }
    }

    volumes {
      name = "data"
      gcs {
        bucket    = google_storage_bucket.data.name
        read_only = false
      }
    }

    containers {
      image = local.image
      args  = ["serve"]

      ports {
        container_port = 7860
      }

      resources {
        limits   = { cpu = "1", memory = "2Gi" }
        cpu_idle = each.value.cpu_idle
      }

      dynamic "env" {
        for_each = merge(local.plain_env, { LORE_ROLES = each.value.roles })
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = google_secret_manager_secret.this
        content {
          name = env.key
          value_source {
            secret_key_ref {
              secret  = env.value.secret_id
              version = "latest"
            }
          }
        }
      }

      volume_mounts {
        name       = "cloudsql"
        mount_path = "/cloudsql"
      }

      volume_mounts {
        name       = "data"
        mount_path = "/app/data"
      }

      startup_probe {
        http_get {
          path = "/healthz"
          port = 7860
        }
        period_seconds    = 5
        failure_threshold = 24
      }

      liveness_probe {
        http_get {
          path = "/healthz"
          port = 7860
        }
        period_seconds = 15
      }
    }
  }
}

resource "google_cloud_run_v2_service_iam_member" "public" {
  name     = google_cloud_run_v2_service.this["api"].name
  location = var.region
  role     = "roles/run.invoker"
  member   = "allUsers" # Lore authenticates its users itself (LORE_USER_MANAGEMENT=on)
}

resource "google_cloud_run_v2_job" "migrate" {
  name                = "${var.name}-migrate"
  location            = var.region
  deletion_protection = false
  depends_on          = [google_secret_manager_secret_iam_member.runtime, google_secret_manager_secret_version.generated]

  template {
    task_count = 1
    template {
      service_account = google_service_account.runtime.email
      max_retries     = 1
      timeout         = "600s"

      vpc_access {
        egress = "PRIVATE_RANGES_ONLY"
        network_interfaces {
          network    = google_compute_network.this.id
          subnetwork = google_compute_subnetwork.run.id
        }
      }

      volumes {
        name = "cloudsql"
        cloud_sql_instance {
          instances = [google_sql_database_instance.this.connection_name]
        }
      }

      containers {
        image = local.image
        args  = ["migrate"]

        dynamic "env" {
          for_each = local.plain_env
          content {
            name  = env.key
            value = env.value
          }
        }

        env {
          name = "LORE_DATABASE_URL"
          value_source {
            secret_key_ref {
              secret  = google_secret_manager_secret.this["LORE_DATABASE_URL"].secret_id
              version = "latest"
            }
          }
        }

        volume_mounts {
          name       = "cloudsql"
          mount_path = "/cloudsql"
        }
      }
    }
  }
}
