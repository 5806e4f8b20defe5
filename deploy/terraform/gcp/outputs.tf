output "url" {
  description = "URL of the API service."
  value       = google_cloud_run_v2_service.this["api"].uri
}

output "image_repository" {
  description = "Artifact Registry path to push `lore:<tag>` to."
  value       = "${var.region}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.this.repository_id}"
}

output "database_private_ip" {
  description = "Private IP of Cloud SQL."
  value       = google_sql_database_instance.this.private_ip_address
}

output "workload_identity_provider" {
  description = "For google-github-actions/auth (workload_identity_provider)."
  value       = google_iam_workload_identity_pool_provider.github.name
}

output "deployer_service_account" {
  description = "For google-github-actions/auth (service_account)."
  value       = google_service_account.deployer.email
}

output "migrate_job" {
  description = "Run with `gcloud run jobs execute <name> --wait`."
  value       = google_cloud_run_v2_job.migrate.name
}
