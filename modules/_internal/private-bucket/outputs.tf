output "name" {
  description = "Name of the bucket (known when planning; a reference to it still orders after the bucket's creation)."
  value       = aws_s3_bucket.this.bucket
}

output "arn" {
  description = "ARN of the bucket (known when planning)."
  value       = local.arn
}

output "bucket_regional_domain_name" {
  description = "The bucket's regional domain name: the distribution's S3 origin."
  value       = aws_s3_bucket.this.bucket_regional_domain_name
}
