terraform {
  # 1.5: optional() attributes with defaults in variable types; the tests/ folder needs 1.7 (mock providers)
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # validated offline against 5.100.0 (the mirror in /opt/tf-plugins); 6.x is untested
      version = ">= 5.40, < 6.0"
    }
  }
}
