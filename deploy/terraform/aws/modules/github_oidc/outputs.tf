output "role_arn" {
  description = "Role for aws-actions/configure-aws-credentials (role-to-assume)."
  value       = aws_iam_role.deploy.arn
}

output "subjects" {
  description = "OIDC subjects allowed to assume the role."
  value       = local.subjects
}

output "deploy_policy" {
  description = "The deploy role's inline policy (JSON)."
  value       = local.deploy_policy
}
