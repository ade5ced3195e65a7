terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # The stack pins the provider's major version; .terraform.lock.hcl (committed, and
      # shipped in the wheel) pins the exact release and its checksums, so the CLI and the
      # pipeline run the same provider.
      version = "~> 5.100"
    }
  }
}
