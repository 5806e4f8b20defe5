output "log_group_name" {
  description = "Log group of the tasks."
  value       = aws_cloudwatch_log_group.this.name
}

output "log_group_arn" {
  description = "Log group ARN."
  value       = aws_cloudwatch_log_group.this.arn
}

output "log_retention_days" {
  description = "Log retention."
  value       = aws_cloudwatch_log_group.this.retention_in_days
}

output "alarm_topic_arn" {
  description = "SNS topic of the alarms."
  value       = aws_sns_topic.alarms.arn
}

output "alarm_names" {
  description = "Every alarm."
  value = concat(
    [aws_cloudwatch_metric_alarm.http_5xx_rate.alarm_name, aws_cloudwatch_metric_alarm.response_time.alarm_name, aws_cloudwatch_metric_alarm.unhealthy_hosts.alarm_name],
    [for alarm in aws_cloudwatch_metric_alarm.cpu : alarm.alarm_name],
    [for alarm in aws_cloudwatch_metric_alarm.memory : alarm.alarm_name],
  )
}

output "dashboard_name" {
  description = "CloudWatch dashboard."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}
