output "pipeline_name" {
  description = "Name of the pipeline."
  value       = aws_codepipeline.this.name
}

output "pipeline_arn" {
  description = "ARN of the pipeline."
  value       = aws_codepipeline.this.arn
}

output "artifact_bucket_name" {
  description = "Name of the private, KMS-encrypted artifact bucket."
  value       = aws_s3_bucket.artifacts.bucket
}

output "kms_key_arn" {
  description = "ARN of the KMS key encrypting the artifacts and the build logs."
  value       = module.key.arn
}

output "codebuild_project_names" {
  description = "Names of the CodeBuild projects: `infra` (Terraform apply), `build` (image and static files) and `deploy` (the service to the new image)."
  value       = { for k, p in aws_codebuild_project.this : k => p.name }
}

output "codebuild_role_arns" {
  description = "ARNs of the CodeBuild projects' roles, by project (`infra`, `build`, `deploy`)."
  value       = { infra = aws_iam_role.infra.arn, build = aws_iam_role.build.arn, deploy = aws_iam_role.deploy.arn }
}

output "pipeline_role_arn" {
  description = "ARN of the pipeline's role."
  value       = aws_iam_role.pipeline.arn
}

output "connection_arn" {
  description = "ARN of the source connection (created here, or the one passed in)."
  value       = local.connection_arn
}

output "connection_status" {
  description = "Status of a connection created here: PENDING until the console handshake is done. Null when the connection was passed in."
  value       = try(aws_codestarconnections_connection.this[0].connection_status, null)
}

output "buildspecs" {
  description = "The rendered buildspecs, by project (`infra`, `build`, `deploy`)."
  value       = local.buildspecs
}

output "permissions_boundary_arn" {
  description = "ARN of the stack's permissions boundary: give it to every module of the stack that creates IAM roles (`permissions_boundary`); the Infrastructure role can create or change only roles that carry it."
  value       = local.boundary_arn

  # Known at plan time, yet whoever uses it waits for the policy to exist.
  depends_on = [aws_iam_policy.boundary]
}

output "iam_path" {
  description = "IAM path of the stack's roles: give it to every module of the stack that creates IAM roles (`iam_path`)."
  value       = local.iam_path
}
