# Secret Manager: provider keys (values added out of band) and generated Lore secrets. The runtime
# service account can read exactly these.

resource "random_password" "app" {
  for_each = toset(["LORE_ADMIN_PASSWORD", "LORE_SESSION_SECRET"])
  length   = each.key == "LORE_SESSION_SECRET" ? 64 : 24
  special  = false
}

locals {
  # Through the Cloud SQL connector socket mounted by Cloud Run at /cloudsql/<connection name>.
  database_url = "postgres://lore:${random_password.db.result}@/lore?host=/cloudsql/${google_sql_database_instance.this.connection_name}"
  generated = {
    LORE_ADMIN_PASSWORD = random_password.app["LORE_ADMIN_PASSWORD"].result
    LORE_SESSION_SECRET = random_password.app["LORE_SESSION_SECRET"].result
    LORE_DATABASE_URL   = local.database_url
  }
  secret_names = toset(["OPENAI_API_KEY", "COHERE_API_KEY", "LORE_ADMIN_PASSWORD", "LORE_SESSION_SECRET", "LORE_DATABASE_URL"])
}

resource "google_secret_manager_secret" "this" {
  for_each  = local.secret_names
  secret_id = "${var.name}-${replace(lower(each.key), "_", "-")}"
  replication {
    auto {}
  }
  depends_on = [google_project_service.apis]
}

resource "google_secret_manager_secret_version" "generated" {
  for_each    = local.generated
  secret      = google_secret_manager_secret.this[each.key].id
  secret_data = each.value
}

resource "google_secret_manager_secret_iam_member" "runtime" {
  for_each  = google_secret_manager_secret.this
  secret_id = each.value.id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.runtime.email}"
}
