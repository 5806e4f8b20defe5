output "bucket_name" {
  description = "Bucket the landing page files are published to."
  value       = aws_s3_bucket.site.bucket
}

output "bucket_arn" {
  description = "ARN of the landing page bucket."
  value       = aws_s3_bucket.site.arn
}

output "distribution_id" {
  description = "CloudFront distribution ID (for cache invalidations)."
  value       = aws_cloudfront_distribution.site.id
}

output "distribution_arn" {
  description = "CloudFront distribution ARN."
  value       = aws_cloudfront_distribution.site.arn
}

output "url" {
  description = "Public address of the landing page."
  value       = "https://${var.domain_name != "" ? var.domain_name : aws_cloudfront_distribution.site.domain_name}/"
}

output "bucket_policy" {
  description = "The bucket policy (JSON)."
  value       = local.bucket_policy
}

output "viewer_protocol_policy" {
  description = "What CloudFront does with plain HTTP."
  value       = aws_cloudfront_distribution.site.default_cache_behavior[0].viewer_protocol_policy
}

output "public_access_blocked" {
  description = "All four S3 Block Public Access settings."
  value = alltrue([
    aws_s3_bucket_public_access_block.site.block_public_acls,
    aws_s3_bucket_public_access_block.site.block_public_policy,
    aws_s3_bucket_public_access_block.site.ignore_public_acls,
    aws_s3_bucket_public_access_block.site.restrict_public_buckets,
  ])
}

output "origin_access_control" {
  description = "How CloudFront signs its requests to the bucket."
  value = {
    type     = aws_cloudfront_origin_access_control.site.origin_access_control_origin_type
    behavior = aws_cloudfront_origin_access_control.site.signing_behavior
    attached = one(aws_cloudfront_distribution.site.origin).origin_access_control_id == aws_cloudfront_origin_access_control.site.id
  }
}

output "content_security_policy" {
  description = "The Content-Security-Policy header CloudFront adds."
  value       = local.content_security_policy
}
