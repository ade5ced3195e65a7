output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "IPv4 CIDR of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "availability_zones" {
  description = "Availability zones the subnets are in, in subnet order."
  value       = local.azs
}

output "public_subnet_ids" {
  description = "IDs of the public subnets (ALB, NAT gateways), one per AZ, in AZ order."
  value       = [for az in local.azs : aws_subnet.public[az].id]
}

output "private_subnet_ids" {
  description = "IDs of the private subnets (ECS tasks), one per AZ, in AZ order."
  value       = [for az in local.azs : aws_subnet.private[az].id]
}

output "isolated_subnet_ids" {
  description = "IDs of the isolated subnets (database; no internet route), one per AZ, in AZ order."
  value       = [for az in local.azs : aws_subnet.isolated[az].id]
}

output "public_route_table_id" {
  description = "ID of the public route table (default route to the internet gateway)."
  value       = aws_route_table.public.id
}

output "private_route_table_ids" {
  description = "IDs of the private route tables (default route to a NAT gateway), one per AZ, in AZ order."
  value       = [for az in local.azs : aws_route_table.private[az].id]
}

output "isolated_route_table_id" {
  description = "ID of the isolated route table (local routes only)."
  value       = aws_route_table.isolated.id
}

output "nat_gateway_ids" {
  description = "IDs of the NAT gateways."
  value       = [for az in local.nat_azs : aws_nat_gateway.this[az].id]
}

output "nat_public_ips" {
  description = "Public IPs of the NAT gateways: the addresses the app's outbound traffic comes from."
  value       = [for az in local.nat_azs : aws_eip.nat[az].public_ip]
}

output "default_security_group_id" {
  description = "ID of the VPC's default security group, stripped of all rules."
  value       = aws_default_security_group.this.id
}

output "flow_log_group_name" {
  description = "CloudWatch log group receiving the VPC flow logs."
  value       = aws_cloudwatch_log_group.flow_logs.name
}

output "s3_gateway_endpoint_id" {
  description = "ID of the S3 gateway endpoint, or null when disabled."
  value       = try(aws_vpc_endpoint.s3[0].id, null)
}

output "interface_endpoint_ids" {
  description = "IDs of the interface endpoints, by service (`ecr.api`, `logs`...)."
  value       = { for k, e in aws_vpc_endpoint.interface : k => e.id }
}
