# Optional Amazon OpenSearch Service (enable_opensearch): a private, encrypted, HTTPS-only domain that
# admits the Lore task role only, wired into the tasks as LORE_SEARCH_URL. Mocked AWS provider.

mock_provider "aws" {
  source = "./tests/mocks"
}

mock_provider "aws" {
  alias  = "us_east_1"
  source = "./tests/mocks"
}

run "opensearch_off_by_default" {
  command = apply

  assert {
    condition     = length(module.opensearch) == 0
    error_message = "no OpenSearch domain unless enable_opensearch is set"
  }
  assert {
    condition     = length([for variable in module.ecs.container_definitions["api"][0].environment : variable if startswith(variable.name, "LORE_SEARCH_")]) == 0
    error_message = "without OpenSearch the tasks get no LORE_SEARCH_* variables"
  }
  assert {
    condition     = output.opensearch_endpoint == ""
    error_message = "the endpoint output is empty without OpenSearch"
  }
}

run "opensearch_enabled" {
  command = apply

  variables {
    enable_rds        = true
    enable_opensearch = true
  }

  assert {
    condition     = length(module.opensearch) == 1
    error_message = "enable_opensearch creates the domain"
  }
  assert {
    condition     = toset(module.opensearch[0].settings.subnet_ids) == toset(slice(module.network.private_subnet_ids, 0, 2))
    error_message = "the domain must live in private subnets (one per zone it spans)"
  }
  assert {
    condition     = module.opensearch[0].settings.zone_awareness
    error_message = "two nodes are spread over two availability zones"
  }
  assert {
    condition     = module.opensearch[0].settings.ingress_from == module.alb.tasks_security_group_id && module.opensearch[0].settings.ingress_port == 443
    error_message = "only the ECS tasks may reach the domain, on 443"
  }
  assert {
    condition     = module.opensearch[0].settings.encrypt_at_rest && module.opensearch[0].settings.node_to_node_encryption
    error_message = "encryption at rest and node-to-node must be on"
  }
  assert {
    condition     = module.opensearch[0].settings.enforce_https && module.opensearch[0].settings.tls_security_policy == "Policy-Min-TLS-1-2-PFS-2023-10"
    error_message = "HTTPS must be enforced with TLS 1.2 or later"
  }
  assert {
    condition     = module.opensearch[0].settings.fine_grained_access && module.opensearch[0].settings.master_user_arn == module.iam.task_role_arn
    error_message = "fine-grained access control maps the task role to the master user"
  }
  assert {
    condition     = jsondecode(module.opensearch[0].settings.access_policy).Statement[0].Principal.AWS == [module.iam.task_role_arn]
    error_message = "the domain policy admits the task role only"
  }
  assert {
    condition     = alltrue([for action in jsondecode(module.opensearch[0].settings.task_policy).Statement[0].Action : startswith(action, "es:ESHttp")])
    error_message = "the task role gets the domain's HTTP actions only"
  }
  assert {
    condition = alltrue([for role in ["api", "worker"] :
    contains(module.ecs.container_definitions[role][0].environment, { name = "LORE_SEARCH_URL", value = "https://vpc-lore-prod-search-abcdefghijklmnop.us-west-2.es.amazonaws.com" })])
    error_message = "api and worker tasks must get LORE_SEARCH_URL pointing at the domain over HTTPS"
  }
  assert {
    condition     = contains(module.ecs.container_definitions["api"][0].environment, { name = "LORE_SEARCH_AWS_REGION", value = "us-west-2" }) && contains(module.ecs.container_definitions["api"][0].environment, { name = "LORE_SEARCH_REPLICAS", value = "1" })
    error_message = "the tasks sign with SigV4 in the domain's region and keep one replica per index"
  }
}

run "opensearch_single_node" {
  command = apply

  variables {
    enable_opensearch         = true
    opensearch_instance_count = 1
  }

  assert {
    condition     = length(module.opensearch[0].settings.subnet_ids) == 1 && !module.opensearch[0].settings.zone_awareness
    error_message = "one node lives in one private subnet without zone awareness"
  }
  assert {
    condition     = contains(module.ecs.container_definitions["api"][0].environment, { name = "LORE_SEARCH_REPLICAS", value = "0" })
    error_message = "a one-node domain keeps no replicas (green health)"
  }
}
