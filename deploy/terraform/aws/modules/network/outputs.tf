output "vpc_id" {
  description = "VPC id."
  value       = aws_vpc.this.id
}

output "vpc_cidr" {
  description = "VPC CIDR block."
  value       = aws_vpc.this.cidr_block
}

output "availability_zones" {
  description = "The two AZs used."
  value       = local.azs
}

output "public_subnet_ids" {
  description = "Public subnets (ALB, NAT)."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "Private subnets (tasks, EFS, RDS)."
  value       = aws_subnet.private[*].id
}

output "nat_gateway_count" {
  description = "NAT gateways created."
  value       = length(aws_nat_gateway.this)
}

output "interface_endpoint_services" {
  description = "Interface endpoint service names."
  value       = sort([for endpoint in aws_vpc_endpoint.interface : endpoint.service_name])
}

output "s3_endpoint_type" {
  description = "Type of the S3 endpoint (Gateway)."
  value       = aws_vpc_endpoint.s3.vpc_endpoint_type
}
