# EC2 capacity (capacity.type = "EC2"): an Auto Scaling group of ECS-optimized Amazon Linux
# 2023 instances in the private subnets, scaled by an ECS capacity provider. The tasks keep
# their own network interfaces (awsvpc) and the service's security group; the instances
# take no inbound traffic at all.

locals {
  ec2_capacity_provider_name = "zonke-${var.name}-ec2"
  ami_parameter = (
    var.cpu_architecture == "ARM64"
    ? "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id"
    : "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
  )
  ecs_agent_config = join("\n", [
    "ECS_CLUSTER=${var.name}",
    "ECS_ENABLE_TASK_IAM_ROLE=true",
    "ECS_AWSVPC_BLOCK_IMDS=true",
    "ECS_ENABLE_CONTAINER_METADATA=true",
    "ECS_CONTAINER_STOP_TIMEOUT=30s",
  ])
}

data "aws_ssm_parameter" "ecs_ami" {
  count = local.is_ec2 ? 1 : 0

  name = local.ami_parameter
}

data "aws_iam_policy_document" "instance_assume" {
  count = local.is_ec2 ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "instance" {
  count = local.is_ec2 ? 1 : 0

  name_prefix          = "${substr(var.name, 0, 24)}-host-"
  path                 = var.iam_path
  permissions_boundary = var.permissions_boundary
  description          = "ECS container instances of ${var.name}"
  assume_role_policy   = data.aws_iam_policy_document.instance_assume[0].json

  tags = local.tags
}

# AWS's managed policy for the ECS agent: registering the instance with the cluster and
# polling for work are account-wide calls AWS offers no resource to scope to.
resource "aws_iam_role_policy_attachment" "instance_ecs" {
  count = local.is_ec2 ? 1 : 0

  role       = aws_iam_role.instance[0].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
}

resource "aws_iam_instance_profile" "instance" {
  count = local.is_ec2 ? 1 : 0

  name_prefix = "${substr(var.name, 0, 24)}-host-"
  path        = var.iam_path
  role        = aws_iam_role.instance[0].name

  tags = local.tags
}

resource "aws_security_group" "instance" {
  count = local.is_ec2 ? 1 : 0

  name_prefix = "${var.name}-hosts-"
  description = "ECS container instances of ${var.name}: no inbound traffic, HTTPS out for the ECS agent"
  vpc_id      = var.vpc_id

  tags = merge(local.tags, { Name = "${var.name}-hosts" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_egress_rule" "instance_https" {
  count = local.is_ec2 ? 1 : 0

  security_group_id = aws_security_group.instance[0].id
  description       = "HTTPS out: ECS, ECR, CloudWatch and SSM endpoints"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"

  tags = local.tags
}

resource "aws_launch_template" "ec2" {
  count = local.is_ec2 ? 1 : 0

  name_prefix            = "${var.name}-"
  description            = "ECS container instances of ${var.name}"
  image_id               = data.aws_ssm_parameter.ecs_ami[0].insecure_value
  instance_type          = var.capacity.instance_type
  vpc_security_group_ids = [aws_security_group.instance[0].id]
  user_data              = base64encode("#!/bin/bash\ncat >> /etc/ecs/ecs.config <<'EOF'\n${local.ecs_agent_config}\nEOF\n")
  update_default_version = true
  ebs_optimized          = true

  iam_instance_profile {
    arn = aws_iam_instance_profile.instance[0].arn
  }

  # IMDSv2 only, one hop: containers cannot reach the instance's credentials.
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  block_device_mappings {
    device_name = "/dev/xvda"

    ebs {
      volume_size           = var.capacity.volume_size_gb
      volume_type           = "gp3"
      encrypted             = true
      kms_key_id            = var.capacity.ebs_kms_key_arn
      delete_on_termination = true
    }
  }

  monitoring {
    enabled = true
  }

  tag_specifications {
    resource_type = "instance"
    tags          = merge(local.tags, { Name = "${var.name}-ecs-host" })
  }

  tag_specifications {
    resource_type = "volume"
    tags          = merge(local.tags, { Name = "${var.name}-ecs-host" })
  }

  tags = local.tags
}

resource "aws_autoscaling_group" "ec2" {
  count = local.is_ec2 ? 1 : 0

  name_prefix         = "${var.name}-ecs-"
  vpc_zone_identifier = var.private_subnet_ids
  min_size            = var.capacity.min_size
  max_size            = var.capacity.max_size
  health_check_type   = "EC2"

  # ECS decides which instances may go (managed termination protection), so they start
  # protected from scale-in. force_delete lets a destroy remove protected instances.
  protect_from_scale_in = true
  force_delete          = true

  launch_template {
    id      = aws_launch_template.ec2[0].id
    version = "$Latest"
  }

  tag {
    key                 = "AmazonECSManaged"
    value               = "true"
    propagate_at_launch = true
  }

  dynamic "tag" {
    for_each = local.tags

    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }

  lifecycle {
    # The capacity provider's managed scaling owns the number of instances.
    ignore_changes = [desired_capacity]
  }
}

resource "aws_ecs_capacity_provider" "ec2" {
  count = local.is_ec2 ? 1 : 0

  name = local.ec2_capacity_provider_name

  auto_scaling_group_provider {
    auto_scaling_group_arn         = aws_autoscaling_group.ec2[0].arn
    managed_termination_protection = "ENABLED"
    managed_draining               = "ENABLED"

    managed_scaling {
      status                    = "ENABLED"
      target_capacity           = 100
      minimum_scaling_step_size = 1
      maximum_scaling_step_size = 2
    }
  }

  tags = local.tags
}
