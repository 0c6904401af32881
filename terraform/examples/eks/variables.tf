variable "region" {
  description = "AWS region of the cluster and the bucket (QUARKUS_S3_AWS_REGION in k8s/base/worker.env)."
  type        = string
}

variable "cluster_name" {
  description = "Name of the EKS cluster the worker runs on; its IAM OIDC provider must exist (eksctl utils associate-iam-oidc-provider, or the EKS module)."
  type        = string
}

variable "bucket_name" {
  description = "Globally unique name of the uploads/artifacts/models bucket."
  type        = string
}

variable "model_name" {
  description = "Folder under models/ that holds the diffusers snapshot the worker loads (upload it with `aws s3 sync`)."
  type        = string
  default     = "stable-diffusion-v1-5"
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = { app = "recaption" }
}
