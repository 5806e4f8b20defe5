# The landing page: a private bucket read only by its CloudFront distribution, HTTPS only, the
# app linked to it, and the deploy role allowed to publish it (mocked provider, no credentials).

mock_provider "aws" {
  source = "./tests/mocks"
}

mock_provider "aws" {
  alias  = "us_east_1"
  source = "./tests/mocks"
}

variables {
  github_repository = "example/lore"
}

run "landing_by_default" {
  command = apply

  assert {
    condition     = module.landing[0].public_access_blocked
    error_message = "the landing bucket must block every kind of public access"
  }
  assert {
    condition     = module.landing[0].viewer_protocol_policy == "redirect-to-https"
    error_message = "plain HTTP must be redirected to HTTPS"
  }
  assert {
    condition     = module.landing[0].origin_access_control.type == "s3" && module.landing[0].origin_access_control.behavior == "always" && module.landing[0].origin_access_control.attached
    error_message = "CloudFront must sign every request to the bucket through Origin Access Control"
  }
  assert {
    condition = anytrue([for statement in jsondecode(module.landing[0].bucket_policy).Statement :
      statement.Effect == "Allow" && statement.Principal == { Service = "cloudfront.amazonaws.com" } &&
      statement.Action == ["s3:GetObject"] &&
    try(statement.Condition.StringEquals["AWS:SourceArn"], "") == module.landing[0].distribution_arn])
    error_message = "only this distribution may read the bucket"
  }
  assert {
    condition = alltrue([for statement in jsondecode(module.landing[0].bucket_policy).Statement :
    statement.Effect == "Deny" || try(statement.Principal.Service, "") == "cloudfront.amazonaws.com"])
    error_message = "the bucket policy must grant nothing to anyone but CloudFront"
  }
  assert {
    condition     = strcontains(module.landing[0].content_security_policy, "default-src 'none'") && strcontains(module.landing[0].content_security_policy, "frame-ancestors 'none'")
    error_message = "the landing page must be served with a strict Content-Security-Policy"
  }
  assert {
    condition     = output.landing_url == "https://d111111abcdef8.cloudfront.net/" && contains(module.ecs.container_definitions["api"][0].environment, { name = "LORE_LANDING_URL", value = output.landing_url })
    error_message = "the app's sign-in page must link to the landing page's address"
  }
  assert {
    condition = anytrue([for statement in jsondecode(module.github_oidc[0].deploy_policy).Statement :
    statement.Sid == "InvalidateLanding" && statement.Resource == [module.landing[0].distribution_arn]])
    error_message = "the deploy role may invalidate the landing distribution and nothing else"
  }
}

run "landing_on_a_custom_domain" {
  command = apply

  variables {
    landing_domain_name = "www.example.com"
    hosted_zone_id      = "Z0123456789EXAMPLE"
  }

  assert {
    condition     = output.landing_url == "https://www.example.com/"
    error_message = "a custom domain is the landing page's address"
  }
}

run "landing_off" {
  command = apply

  variables {
    enable_landing = false
  }

  assert {
    condition     = length(module.landing) == 0 && output.landing_url == "" && length([for pair in module.ecs.container_definitions["api"][0].environment : pair if pair.name == "LORE_LANDING_URL"]) == 0
    error_message = "enable_landing = false creates no landing page and sets no link"
  }
}

run "certificate_must_be_in_us_east_1" {
  command = plan

  variables {
    landing_domain_name     = "www.example.com"
    landing_certificate_arn = "arn:aws:acm:us-west-2:123456789012:certificate/12345678-1234-1234-1234-123456789012"
  }

  expect_failures = [var.landing_certificate_arn]
}
