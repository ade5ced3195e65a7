output "replication_group_id" {
  description = "Id of the replication group (`<name>-cache`): the cache name an IAM authentication token is signed for."
  value       = aws_elasticache_replication_group.this.id
}

output "arn" {
  description = "ARN of the replication group, built from its id so it is known when planning."
  value       = local.cache_arn
}

output "primary_endpoint_address" {
  description = "Host name of the primary node (reads and writes)."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "reader_endpoint_address" {
  description = "Host name spreading reads over the replicas (the primary's while there are none)."
  value       = aws_elasticache_replication_group.this.reader_endpoint_address
}

output "port" {
  description = "Port of the cache."
  value       = local.port
}

output "security_group_id" {
  description = "ID of the cache's security group (ingress on the cache port from `allowed_security_group_ids` only, no egress)."
  value       = aws_security_group.this.id
}

output "kms_key_arn" {
  description = "ARN of the customer-managed key encrypting the cache at rest and its snapshots."
  value       = aws_kms_key.this.arn
}

output "user_id" {
  description = "The app's cache user (`<name>-cache`, IAM authentication): its user name, and the user an IAM authentication token is signed for."
  value       = aws_elasticache_user.app.user_id
}

output "connect_resource_arns" {
  description = "ARNs the app's task role needs `elasticache:Connect` on: the replication group and the app's user, built from the names so they are known when planning."
  value       = [local.cache_arn, local.app_user_arn]
}

output "task_role_policy_json" {
  description = "IAM policy (JSON) allowing `elasticache:Connect` on `connect_resource_arns`: attach it to the app's task role."
  value       = data.aws_iam_policy_document.connect.json
}

output "environment" {
  description = "The cache's part of the environment contract: `REDIS_URL` and `CACHE_URL` (`rediss://<primary endpoint>:6379/0`, no credentials in it), `REDIS_USERNAME` (the IAM-authenticated user) and `REDIS_CACHE_NAME` (the replication group id, which the IAM token is signed for)."
  value = {
    REDIS_URL        = "rediss://${aws_elasticache_replication_group.this.primary_endpoint_address}:${local.port}/0"
    CACHE_URL        = "rediss://${aws_elasticache_replication_group.this.primary_endpoint_address}:${local.port}/0"
    REDIS_USERNAME   = local.app_user_id
    REDIS_CACHE_NAME = local.id
  }
}

output "secrets" {
  description = "ECS `secrets` entries of the cache: always empty, since no password or token exists (IAM authentication). Kept so a stack can concatenate every module's secrets."
  value       = tolist([])
}

output "secret_arns" {
  description = "Secrets the task execution role must read for the cache: always empty (IAM authentication)."
  value       = tolist([])
}

output "broker_url" {
  description = "The cache as Celery's broker: `rediss://<primary endpoint>:6379/1` (database 1; the Django cache uses 0), no credentials in it (the app signs in with IAM, as for the cache)."
  value       = "rediss://${aws_elasticache_replication_group.this.primary_endpoint_address}:${local.port}/1"
}
