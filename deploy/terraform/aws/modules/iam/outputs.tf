output "execution_role_arn" {
  description = "Task execution role."
  value       = aws_iam_role.execution.arn
}

output "execution_role_name" {
  description = "Task execution role name."
  value       = aws_iam_role.execution.name
}

output "task_role_arn" {
  description = "Task role."
  value       = aws_iam_role.task.arn
}

output "task_role_name" {
  description = "Task role name (modules attach their own permissions to it)."
  value       = aws_iam_role.task.name
}

output "execution_policy" {
  description = "Inline policy of the execution role (JSON)."
  value       = aws_iam_role_policy.execution.policy
}

output "task_policy" {
  description = "Inline policy of the task role (JSON)."
  value       = aws_iam_role_policy.task.policy
}
