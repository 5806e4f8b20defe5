terraform {
  required_version = ">= 1.7.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.0"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }

  # Partial configuration: `terraform init -backend-config="bucket=..." -backend-config="prefix=lore"`.
  backend "gcs" {}
}

provider "google" {
  project = var.project_id
  region  = var.region
}
