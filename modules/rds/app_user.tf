# The app's own database user (PostgreSQL and MySQL): the web service and the release commands sign in
# as it, never as the master user, whose password RDS rotates every few days (ECS injects a
# password only when a task starts, so a rotation would break the next new connection of
# every running task).
#
# Who owns what:
# - this module (Terraform): the secret, its name, its key and its tags; never its value;
# - `zonke apply`, after the apply: the first value, JSON {"username", "password"}, with a
#   password from Secrets Manager's GetRandomPassword (zonke_tf.ops.seed_database_user);
# - the stack's start wrapper in the migration container (examples/django-monolith/
#   container_start.py): the database role, from the master user's credentials, before the
#   release commands run (`migration_secrets` below gives them to that container only).
# AWS recommends an app user with least privileges over the master user:
# https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.MasterAccounts.html

resource "aws_secretsmanager_secret" "app_user" {
  # checkov:skip=CKV2_AWS_57:Not rotated on a schedule on purpose: ECS gives a task its password only when it starts, so any rotation would refuse the running tasks' next connections (the reason the app no longer signs in as the rotated master user). A person changes it with the secret and the next migration; see README "Database users, rotation and TLS".
  name                    = "zonke/${var.name}/db-app-user"
  description             = "${var.name}: the app's own database user (${var.app_username}); zonke writes the first value, the migration step creates the user"
  kms_key_id              = local.kms_key_arn
  recovery_window_in_days = var.app_user_secret_recovery_days

  tags = merge(local.tags, { Name = "${var.name}-db-app-user" })
}

# Was counted (PostgreSQL only) before MySQL stacks had an app user too.
moved {
  from = aws_secretsmanager_secret.app_user[0]
  to   = aws_secretsmanager_secret.app_user
}
