variable "name" {
  description = "Name prefix of every resource (for example `shop-prod`): lowercase letters, digits and hyphens."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", var.name))
    error_message = "name must be 2-32 characters of lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (for example \"shop-prod\")."
  }
}

variable "cidr_block" {
  description = "IPv4 CIDR of the VPC, /16 to /24. Each tier gets one subnet per AZ, carved as /(prefix+4) blocks."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrhost(var.cidr_block, 0)) && can(regex("^[0-9.]+/[0-9]+$", var.cidr_block))
    error_message = "cidr_block must be an IPv4 CIDR such as \"10.0.0.0/16\"."
  }

  validation {
    condition     = !can(regex("/", var.cidr_block)) || (can(tonumber(split("/", var.cidr_block)[1])) && try(tonumber(split("/", var.cidr_block)[1]) >= 16 && tonumber(split("/", var.cidr_block)[1]) <= 24, false))
    error_message = "cidr_block must have a prefix length from /16 to /24 (AWS allows /16 to /28 for a VPC, and each subnet here is 4 bits smaller); use for example \"10.0.0.0/16\"."
  }

  validation {
    condition     = !can(cidrhost(var.cidr_block, 0)) || try(cidrhost(var.cidr_block, 0) == split("/", var.cidr_block)[0], false)
    error_message = "cidr_block must name the network address of its range (for example \"10.0.0.0/16\", not \"10.0.0.1/16\")."
  }
}

variable "az_count" {
  description = "Number of availability zones to spread the subnets over: 2 or 3."
  type        = number
  default     = 2

  validation {
    condition     = contains([2, 3], var.az_count)
    error_message = "az_count must be 2 or 3."
  }
}

variable "availability_zones" {
  description = "Availability zone names to use. Empty (the default) takes the first `az_count` available zones of the region."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.availability_zones) == 0 || contains([2, 3], length(var.availability_zones))
    error_message = "availability_zones must be empty (automatic) or list 2 or 3 zone names."
  }
}

variable "nat_gateway_mode" {
  description = "NAT for the private subnets: `single` (one shared NAT gateway, the cheap default) or `per_az` (one per AZ, for resilience to an AZ outage)."
  type        = string
  default     = "single"

  validation {
    condition     = contains(["single", "per_az"], var.nat_gateway_mode)
    error_message = "nat_gateway_mode must be \"single\" or \"per_az\"."
  }
}

variable "map_public_ip_on_launch" {
  description = "Whether instances launched in the public subnets get a public IP. Nothing in Zonké TF launches instances there (only the ALB and NAT gateways, which do not use this)."
  type        = bool
  default     = true
}

variable "enable_s3_gateway_endpoint" {
  description = "Add an S3 gateway endpoint (free) to the private and isolated route tables, so image layers and static files do not cross the NAT."
  type        = bool
  default     = true
}

variable "interface_endpoints" {
  description = "Interface VPC endpoints to create in the private subnets, from: `ecr.api`, `ecr.dkr`, `logs`, `secretsmanager`, `sts`. Each costs an hourly fee per AZ; they cut NAT traffic."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.interface_endpoints : contains(["ecr.api", "ecr.dkr", "logs", "secretsmanager", "sts"], e)])
    error_message = "interface_endpoints may only contain \"ecr.api\", \"ecr.dkr\", \"logs\", \"secretsmanager\" and \"sts\"."
  }
}

variable "flow_log_retention_days" {
  description = "Days to keep VPC flow logs in CloudWatch Logs (a value CloudWatch accepts)."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_log_retention_days)
    error_message = "flow_log_retention_days must be one of the values CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "flow_log_traffic_type" {
  description = "Which traffic the flow logs record: `ALL`, `ACCEPT` or `REJECT`."
  type        = string
  default     = "ALL"

  validation {
    condition     = contains(["ALL", "ACCEPT", "REJECT"], var.flow_log_traffic_type)
    error_message = "flow_log_traffic_type must be \"ALL\", \"ACCEPT\" or \"REJECT\"."
  }
}

variable "flow_log_kms_key_arn" {
  description = "ARN of an existing KMS key for the flow log group. Null (the default) creates a dedicated key with rotation on."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to every taggable resource."
  type        = map(string)
  default     = {}
}

