# The Terraform and provider versions every module in this repository supports.
# Each module repeats this block in its own versions.tf.
terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100"
    }
  }
}
