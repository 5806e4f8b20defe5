# GitHub Actions → AWS without long-lived keys: the token.actions.githubusercontent.com OIDC
# provider and a deploy role that only the main branch or the deploy environment of one repository
# can assume. The role pushes to the ECR repository, releases ECS task definitions, and (through
# the attached managed policies and the state bucket) runs `terraform plan/apply`.

data "aws_caller_identity" "current" {}

resource "aws_iam_openid_connect_provider" "github" {
  count           = var.existing_provider_arn == "" ? 1 : 0
  url             = "https://token.actions.githubusercontent.com"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"]
}

locals {
  provider_arn = var.existing_provider_arn != "" ? var.existing_provider_arn : aws_iam_openid_connect_provider.github[0].arn
  subjects = [
    "repo:${var.repository}:ref:refs/heads/main",
    "repo:${var.repository}:environment:${var.environment}",
  ]
  account = data.aws_caller_identity.current.account_id

  deploy_policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        { Sid = "EcrLogin", Effect = "Allow", Action = ["ecr:GetAuthorizationToken"], Resource = "*" },
        {
          Sid    = "EcrPush"
          Effect = "Allow"
          Action = [
            "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload",
            "ecr:DescribeImages", "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload",
            "ecr:PutImage", "ecr:UploadLayerPart",
          ]
          Resource = [var.repository_arn]
        },
        {
          Sid       = "EcsRelease"
          Effect    = "Allow"
          Action    = ["ecs:DescribeServices", "ecs:UpdateService", "ecs:RunTask", "ecs:DescribeTasks", "ecs:StopTask", "ecs:ListTasks"]
          Resource  = "*"
          Condition = { ArnEquals = { "ecs:cluster" = var.cluster_arn } }
        },
        {
          Sid      = "EcsTaskDefinitions" # these calls have no resource-level permissions
          Effect   = "Allow"
          Action   = ["ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition", "ecs:ListTaskDefinitions"]
          Resource = "*"
        },
        {
          Sid       = "PassTaskRoles"
          Effect    = "Allow"
          Action    = ["iam:PassRole"]
          Resource  = var.pass_role_arns
          Condition = { StringEquals = { "iam:PassedToService" = "ecs-tasks.amazonaws.com" } }
        },
        {
          Sid      = "ReadTaskLogs"
          Effect   = "Allow"
          Action   = ["logs:GetLogEvents", "logs:FilterLogEvents"]
          Resource = ["${var.log_group_arn}:*"]
        },
        {
          Sid      = "ManageOwnIam" # terraform apply manages this stack's roles
          Effect   = "Allow"
          Action   = ["iam:*"]
          Resource = ["arn:aws:iam::${local.account}:role/${var.name}-*", "arn:aws:iam::${local.account}:policy/${var.name}-*", "arn:aws:iam::${local.account}:oidc-provider/token.actions.githubusercontent.com"]
        },
      ],
      var.landing_bucket_arn == "" ? [] : [
        {
          Sid      = "PublishLanding"
          Effect   = "Allow"
          Action   = ["s3:PutObject", "s3:DeleteObject", "s3:GetObject", "s3:ListBucket"]
          Resource = [var.landing_bucket_arn, "${var.landing_bucket_arn}/*"]
        },
        {
          Sid      = "InvalidateLanding"
          Effect   = "Allow"
          Action   = ["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation"]
          Resource = [var.landing_distribution]
        },
      ],
      var.state_bucket == "" ? [] : [{
        Sid      = "TerraformState"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"]
        Resource = ["arn:aws:s3:::${var.state_bucket}", "arn:aws:s3:::${var.state_bucket}/*"]
      }],
    )
  })
}

resource "aws_iam_role" "deploy" {
  name                 = "${var.name}-github-deploy"
  max_session_duration = 3600
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = local.provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }
        StringLike   = { "token.actions.githubusercontent.com:sub" = local.subjects }
      }
    }]
  })
}

resource "aws_iam_role_policy" "deploy" {
  name   = "release"
  role   = aws_iam_role.deploy.id
  policy = local.deploy_policy
}

resource "aws_iam_role_policy_attachment" "terraform" {
  for_each   = toset(var.terraform_policy_arns)
  role       = aws_iam_role.deploy.name
  policy_arn = each.value
}
