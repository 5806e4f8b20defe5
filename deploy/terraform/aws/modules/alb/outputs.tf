output "dns_name" {
  description = "Public DNS name of the load balancer."
  value       = aws_lb.this.dns_name
}

output "zone_id" {
  description = "Hosted zone of the load balancer (for alias records)."
  value       = aws_lb.this.zone_id
}

output "arn_suffix" {
  description = "Load balancer ARN suffix (CloudWatch dimension)."
  value       = aws_lb.this.arn_suffix
}

output "target_group_arn" {
  description = "API target group."
  value       = aws_lb_target_group.api.arn
}

output "target_group_arn_suffix" {
  description = "Target group ARN suffix (CloudWatch dimension)."
  value       = aws_lb_target_group.api.arn_suffix
}

output "health_check" {
  description = "Target group health check (path, port, matcher)."
  value = {
    path    = aws_lb_target_group.api.health_check[0].path
    port    = aws_lb_target_group.api.health_check[0].port
    matcher = aws_lb_target_group.api.health_check[0].matcher
  }
}

output "target_port" {
  description = "Target group port."
  value       = aws_lb_target_group.api.port
}

output "http_listener_action" {
  description = "Default action of the port-80 listener: redirect (HTTPS on) or forward."
  value = {
    type     = aws_lb_listener.http.default_action[0].type
    redirect = try(aws_lb_listener.http.default_action[0].redirect[0], null)
  }
}

output "https_listener_count" {
  description = "1 when the HTTPS listener exists."
  value       = length(aws_lb_listener.https)
}

output "https_listener_certificate_arn" {
  description = "Certificate of the HTTPS listener (null without HTTPS)."
  value       = try(aws_lb_listener.https[0].certificate_arn, null)
}

output "alb_ingress_ports" {
  description = "Ports open on the ALB security group."
  value       = toset([for rule in aws_vpc_security_group_ingress_rule.alb : rule.from_port])
}

output "alb_security_group_id" {
  description = "Security group of the load balancer."
  value       = aws_security_group.alb.id
}

output "tasks_security_group_id" {
  description = "Security group of the Lore tasks."
  value       = aws_security_group.tasks.id
}
