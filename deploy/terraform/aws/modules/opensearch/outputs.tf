output "endpoint" {
  description = "HTTPS endpoint of the domain (inside the VPC)."
  value       = aws_opensearch_domain.this.endpoint
}

output "url" {
  description = "LORE_SEARCH_URL for the tasks."
  value       = "https://${aws_opensearch_domain.this.endpoint}"
}

output "domain_arn" {
  description = "ARN of the domain."
  value       = local.domain_arn
}

output "replicas" {
  description = "LORE_SEARCH_REPLICAS that keeps the cluster green (0 on one node)."
  value       = var.instance_count > 1 ? 1 : 0
}

output "settings" {
  description = "Network, encryption and access settings (for tests and docs)."
  value = {
    subnet_ids              = aws_opensearch_domain.this.vpc_options[0].subnet_ids
    security_group_ids      = aws_opensearch_domain.this.vpc_options[0].security_group_ids
    encrypt_at_rest         = aws_opensearch_domain.this.encrypt_at_rest[0].enabled
    node_to_node_encryption = aws_opensearch_domain.this.node_to_node_encryption[0].enabled
    enforce_https           = aws_opensearch_domain.this.domain_endpoint_options[0].enforce_https
    tls_security_policy     = aws_opensearch_domain.this.domain_endpoint_options[0].tls_security_policy
    fine_grained_access     = aws_opensearch_domain.this.advanced_security_options[0].enabled
    master_user_arn         = one(aws_opensearch_domain.this.advanced_security_options[0].master_user_options).master_user_arn
    zone_awareness          = aws_opensearch_domain.this.cluster_config[0].zone_awareness_enabled
    access_policy           = aws_opensearch_domain.this.access_policies
    ingress_from            = aws_vpc_security_group_ingress_rule.https.referenced_security_group_id
    ingress_port            = aws_vpc_security_group_ingress_rule.https.from_port
    task_policy             = aws_iam_role_policy.task_search.policy
  }
}
