# Secrets Manager entries read by the ECS execution role and injected as environment variables:
#   - model-provider keys OPENAI_API_KEY and COHERE_API_KEY (set their values out of band, see
#     docs/deployment.md; Terraform only writes a blank placeholder and then ignores the value);
#   - Lore's own secrets: the first administrator's password and the session-signing secret,
#     generated once here.

locals {
  provider_secrets = toset(["OPENAI_API_KEY", "COHERE_API_KEY"])
  app_secrets      = toset(["LORE_ADMIN_PASSWORD", "LORE_SESSION_SECRET"])
}

resource "aws_secretsmanager_secret" "provider" {
  for_each                = local.provider_secrets
  name                    = "${var.name}/${each.key}"
  description             = "Lore: ${each.key} (model provider key)"
  recovery_window_in_days = var.recovery_window_in_days
}

resource "aws_secretsmanager_secret_version" "provider" {
  for_each      = local.provider_secrets
  secret_id     = aws_secretsmanager_secret.provider[each.key].id
  secret_string = lookup(var.initial_provider_keys, each.key, "") != "" ? var.initial_provider_keys[each.key] : " "

  lifecycle {
    ignore_changes = [secret_string] # rotated with `aws secretsmanager put-secret-value`
  }
}

data "aws_secretsmanager_random_password" "app" {
  for_each            = local.app_secrets
  password_length     = each.key == "LORE_SESSION_SECRET" ? 64 : 24
  exclude_punctuation = true
}

resource "aws_secretsmanager_secret" "app" {
  for_each                = local.app_secrets
  name                    = "${var.name}/${each.key}"
  description             = "Lore: ${each.key} (generated)"
  recovery_window_in_days = var.recovery_window_in_days
}

resource "aws_secretsmanager_secret_version" "app" {
  for_each      = local.app_secrets
  secret_id     = aws_secretsmanager_secret.app[each.key].id
  secret_string = data.aws_secretsmanager_random_password.app[each.key].random_password

  lifecycle {
    ignore_changes = [secret_string] # generated once; the data source yields a new value each plan
  }
}
