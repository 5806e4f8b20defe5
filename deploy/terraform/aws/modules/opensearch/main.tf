# Optional Amazon OpenSearch Service domain for Lore's retrieval at scale (LORE_SEARCH_URL): in the
# private subnets, reachable on 443 from the Lore tasks only, encrypted at rest and between nodes,
# HTTPS enforced (TLS 1.2+). Access is IAM: the domain policy admits the task role only, fine-grained
# access control maps that role to the master user, and Lore signs its requests with SigV4
# (LORE_SEARCH_AWS_REGION). See docs/opensearch.md.

data "aws_caller_identity" "current" {}

locals {
  # Domain names: 3-28 characters, lowercase letters, digits and hyphens, starting with a letter.
  domain_name = substr(replace(lower("${var.name}-search"), "/[^a-z0-9-]/", "-"), 0, 28)
  domain_arn  = "arn:aws:es:${var.region}:${data.aws_caller_identity.current.account_id}:domain/${local.domain_name}"
  zone_count  = min(var.instance_count, length(var.private_subnet_ids), 3)
  subnet_ids  = slice(var.private_subnet_ids, 0, local.zone_count)
}

resource "aws_security_group" "search" {
  name        = "${var.name}-search"
  description = "OpenSearch HTTPS from the Lore tasks"
  vpc_id      = var.vpc_id
  tags        = { Name = "${var.name}-search" }
}

resource "aws_vpc_security_group_ingress_rule" "https" {
  security_group_id            = aws_security_group.search.id
  description                  = "HTTPS from the tasks"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = var.client_security_group_id
}

resource "aws_opensearch_domain" "this" {
  domain_name    = local.domain_name
  engine_version = var.engine_version

  cluster_config {
    instance_type          = var.instance_type
    instance_count         = var.instance_count
    zone_awareness_enabled = local.zone_count > 1

    dynamic "zone_awareness_config" {
      for_each = local.zone_count > 1 ? [1] : []
      content {
        availability_zone_count = local.zone_count
      }
    }
  }

  ebs_options {
    ebs_enabled = true
    volume_type = "gp3"
    volume_size = var.volume_size
  }

  vpc_options {
    subnet_ids         = local.subnet_ids
    security_group_ids = [aws_security_group.search.id]
  }

  encrypt_at_rest {
    enabled = true
  }

  node_to_node_encryption {
    enabled = true
  }

  domain_endpoint_options {
    enforce_https       = true
    tls_security_policy = "Policy-Min-TLS-1-2-PFS-2023-10"
  }

  advanced_security_options {
    enabled                        = true
    anonymous_auth_enabled         = false
    internal_user_database_enabled = false
    master_user_options {
      master_user_arn = var.task_role_arn
    }
  }

  access_policies = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "LoreTasksOnly"
      Effect    = "Allow"
      Principal = { AWS = [var.task_role_arn] }
      Action    = ["es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut", "es:ESHttpDelete"]
      Resource  = "${local.domain_arn}/*"
    }]
  })
}

# The task role may call the domain's HTTP API (and nothing else of OpenSearch Service).
resource "aws_iam_role_policy" "task_search" {
  name = "opensearch-http"
  role = var.task_role_name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "LoreSearchHttp"
      Effect   = "Allow"
      Action   = ["es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut", "es:ESHttpDelete"]
      Resource = ["${local.domain_arn}/*"]
    }]
  })
}
