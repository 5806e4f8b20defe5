output "repository_url" {
  description = "Registry URL of the repository (without tag)."
  value       = aws_ecr_repository.this.repository_url
}

output "repository_arn" {
  description = "Repository ARN."
  value       = aws_ecr_repository.this.arn
}

output "repository_name" {
  description = "Repository name."
  value       = aws_ecr_repository.this.name
}

output "lifecycle_policy" {
  description = "Lifecycle policy JSON."
  value       = aws_ecr_lifecycle_policy.this.policy
}
