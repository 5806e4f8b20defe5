output "file_system_id" {
  description = "EFS id."
  value       = aws_efs_file_system.this.id
}

output "file_system_arn" {
  description = "EFS ARN."
  value       = aws_efs_file_system.this.arn
}

output "encrypted" {
  description = "Whether the file system is encrypted at rest."
  value       = aws_efs_file_system.this.encrypted
}

output "access_point_id" {
  description = "Access point for /app/data."
  value       = aws_efs_access_point.data.id
}

output "access_point_arn" {
  description = "Access point ARN."
  value       = aws_efs_access_point.data.arn
}

output "access_point_posix_user" {
  description = "uid/gid enforced by the access point."
  value       = { uid = aws_efs_access_point.data.posix_user[0].uid, gid = aws_efs_access_point.data.posix_user[0].gid }
}

output "mount_target_subnet_ids" {
  description = "Subnets holding the mount targets."
  value       = aws_efs_mount_target.this[*].subnet_id
}

output "backup_rule" {
  description = "The backup plan's rule (name, schedule, retention)."
  value = {
    name           = one(aws_backup_plan.daily.rule).rule_name
    schedule       = one(aws_backup_plan.daily.rule).schedule
    delete_after   = one(one(aws_backup_plan.daily.rule).lifecycle).delete_after
    vault          = one(aws_backup_plan.daily.rule).target_vault_name
    selected_items = aws_backup_selection.efs.resources
  }
}
