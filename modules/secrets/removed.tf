# Stacks created before the first value moved out of Terraform hold a version resource
# (a seed written through a write-only argument, with its own staging label ZONKE_SEED).
# Forget it without deleting it: the version stays in Secrets Manager (AWSCURRENT, or an
# older value people replaced), and Terraform no longer reads it back, which would call
# GetSecretValue. Needs Terraform >= 1.7 (`removed` blocks); a forgotten resource is not
# refreshed before it is dropped from the state.
# https://developer.hashicorp.com/terraform/language/resources/syntax#removing-resources
removed {
  from = aws_secretsmanager_secret_version.seed

  lifecycle {
    destroy = false
  }
}
