# Optional PostgreSQL 16 for the scaled stack (api and worker services share it). pgvector ships
# with RDS PostgreSQL; `lore migrate` runs `CREATE EXTENSION IF NOT EXISTS vector`. The parameter
# group enforces TLS and preloads pg_stat_statements for query monitoring.

resource "aws_db_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.private_subnet_ids
}

resource "aws_security_group" "db" {
  name        = "${var.name}-db"
  description = "PostgreSQL from the Lore tasks"
  vpc_id      = var.vpc_id
  tags        = { Name = "${var.name}-db" }
}

resource "aws_vpc_security_group_ingress_rule" "postgres" {
  security_group_id            = aws_security_group.db.id
  description                  = "PostgreSQL from the tasks"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = var.client_security_group_id
}

resource "aws_db_parameter_group" "this" {
  name   = "${var.name}-pg16"
  family = "postgres16"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  parameter {
    name         = "shared_preload_libraries"
    value        = "pg_stat_statements"
    apply_method = "pending-reboot"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = "1000"
  }
}

data "aws_secretsmanager_random_password" "master" {
  password_length     = 32
  exclude_punctuation = true
}

resource "aws_db_instance" "this" {
  identifier                   = var.name
  engine                       = "postgres"
  engine_version               = var.engine_version
  instance_class               = var.instance_class
  allocated_storage            = var.allocated_storage
  max_allocated_storage        = var.allocated_storage * 4
  storage_type                 = "gp3"
  storage_encrypted            = true
  db_name                      = "lore"
  username                     = "lore"
  password                     = data.aws_secretsmanager_random_password.master.random_password
  db_subnet_group_name         = aws_db_subnet_group.this.name
  vpc_security_group_ids       = [aws_security_group.db.id]
  parameter_group_name         = aws_db_parameter_group.this.name
  publicly_accessible          = false
  multi_az                     = var.multi_az
  backup_retention_period      = var.backup_retention_days
  backup_window                = "04:00-04:30"
  maintenance_window           = "sun:05:00-sun:06:00"
  copy_tags_to_snapshot        = true
  deletion_protection          = var.deletion_protection
  skip_final_snapshot          = false
  final_snapshot_identifier    = "${var.name}-final"
  performance_insights_enabled = true
  auto_minor_version_upgrade   = true

  lifecycle {
    ignore_changes = [password] # generated once; rotate with the secret below
  }
}

resource "aws_secretsmanager_secret" "database_url" {
  name                    = "${var.name}/LORE_DATABASE_URL"
  description             = "Lore: PostgreSQL connection URL"
  recovery_window_in_days = 7
}

resource "aws_secretsmanager_secret_version" "database_url" {
  secret_id     = aws_secretsmanager_secret.database_url.id
  secret_string = "postgres://${aws_db_instance.this.username}:${data.aws_secretsmanager_random_password.master.random_password}@${aws_db_instance.this.address}:${aws_db_instance.this.port}/${aws_db_instance.this.db_name}?sslmode=require"

  lifecycle {
    ignore_changes = [secret_string]
  }
}
