"""Zonké TF: put a Django application on AWS ECS with Terraform."""

__version__ = "0.1.0"
