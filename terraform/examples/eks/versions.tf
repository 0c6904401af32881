terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.40, < 6.0"
    }
  }

  # Configure a remote backend (e.g. S3 with locking) for real use; state stays local otherwise.
}
