# Example root: the recaption bucket and the worker's IRSA role for an existing EKS cluster.
#
#   terraform init
#   terraform apply -var region=eu-west-1 -var cluster_name=my-cluster -var bucket_name=my-recaption-bucket
#
# then copy the outputs into the Kubernetes overlay (README, "Deployment").

provider "aws" {
  region = var.region

  default_tags {
    tags = var.tags
  }
}

data "aws_eks_cluster" "this" {
  name = var.cluster_name
}

data "aws_iam_openid_connect_provider" "this" {
  url = data.aws_eks_cluster.this.identity[0].oidc[0].issuer
}

module "recaption" {
  source = "../../modules/recaption"

  bucket_name       = var.bucket_name
  oidc_provider_arn = data.aws_iam_openid_connect_provider.this.arn

  # namespace, service account, prefixes, topics: the module's defaults match k8s/ and application.properties
}
