"""ElastiCache: a replication group's member clusters exist, and a deleted group goes away.

On AWS, each node of a replication group is a cache cluster (``<group>-001``, ``-002``...)
that DescribeCacheClusters answers with the group's settings (node type, engine and version,
subnet group, security groups, parameter group, maintenance window, encryption at rest and
in transit); after DeleteReplicationGroup the group and its clusters disappear, and
DescribeReplicationGroups then answers ``ReplicationGroupNotFoundFault``
(https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DescribeCacheClusters.html,
https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DeleteReplicationGroup.html).

The emulator (moto 5.2.5) names the member clusters in the group but never creates them
(the AWS provider, v5.100.0, fails reading ``aws_elasticache_replication_group`` with
"CacheClusterNotFound"), and DeleteReplicationGroup only marks the group ``deleting``
forever (destroy waits until it times out).

The fix creates the member clusters with the group's settings when the group is created,
and removes them and the group when it is deleted (answering the group as ``deleting``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import MOTO_RANGE, fix


def _member(backend: Any, group: Any, cluster_id: str) -> Any:
    from moto.elasticache.models import CacheCluster

    cluster: Any = CacheCluster(
        account_id=backend.account_id,
        region_name=backend.region_name,
        cache_cluster_id=cluster_id,
        cache_node_type=group.cache_node_type,
        replication_group_id=group.replication_group_id,
        az_mode=None,
        preferred_availability_zone=None,
        num_cache_nodes=1,
        engine=group.engine,
        engine_version=group.engine_version,
        cache_parameter_group_name=group.cache_parameter_group_name,
        cache_subnet_group_name=group.cache_subnet_group_name,
        transit_encryption_enabled=group.transit_encryption_enabled,
        network_type=group.network_type,
        ip_discovery=group.ip_discovery,
        snapshot_name=None,
        preferred_maintenance_window=group.preferred_maintenance_window,
        port=group.port,
        notification_topic_arn=group.notification_topic_arn,
        auto_minor_version_upgrade=group.auto_minor_version_upgrade,
        snapshot_retention_limit=group.snapshot_retention_limit,
        snapshot_window=group.snapshot_window,
        auth_token=None,
        outpost_mode=None,
        preferred_outpost_arn=None,
        preferred_availability_zones=None,
        cache_security_group_names=None,
        security_group_ids=group.security_group_ids,
        tags=None,
        snapshot_arns=None,
        preferred_outpost_arns=None,
        log_delivery_configurations=[],
        cache_node_ids_to_remove=None,
        cache_node_ids_to_reboot=None,
    )
    # what the emulator's cache cluster does not keep (it sets some for engine "redis" only)
    cluster.replication_group_id = group.replication_group_id
    cluster.num_cache_nodes = 1
    cluster.snapshot_window = group.snapshot_window
    cluster.auth_token_enabled = group.auth_token_enabled
    cluster.at_rest_encryption_enabled = group.at_rest_encryption_enabled
    cluster.transit_encryption_mode = group.transit_encryption_mode
    cluster.security_groups = [
        {"SecurityGroupId": sg, "Status": "active"} for sg in group.security_group_ids or []
    ]
    if group.cache_parameter_group_name:
        cluster.cache_parameter_group = {
            "CacheParameterGroupName": group.cache_parameter_group_name,
            "ParameterApplyStatus": "in-sync",
        }
    return cluster


def _wrap_create(original: Callable[..., Any]) -> Callable[..., Any]:
    def create_replication_group(self: Any, **kwargs: Any) -> Any:
        group = original(self, **kwargs)
        for cluster_id in group.member_clusters:
            if cluster_id not in self.cache_clusters:
                self.cache_clusters[cluster_id] = _member(self, group, cluster_id)
        return group

    return create_replication_group


def _wrap_delete(original: Callable[..., Any]) -> Callable[..., Any]:
    def delete_replication_group(
        self: Any, replication_group_id: str, retain_primary_cluster: bool | None
    ) -> Any:
        members = list(getattr(self.replication_groups.get(replication_group_id), "member_clusters", []))
        group = original(self, replication_group_id, retain_primary_cluster)
        for cluster_id in members:
            cluster = self.cache_clusters.get(cluster_id)
            if cluster is not None and getattr(cluster, "replication_group_id", None) == replication_group_id:
                del self.cache_clusters[cluster_id]
        self.replication_groups.pop(replication_group_id, None)
        self.tagging_service.delete_all_tags_for_resource(group.arn)
        return group

    return delete_replication_group


@fix(
    name="elasticache-replication-group-members",
    restores=(
        "ElastiCache replication groups have their member cache clusters, with the group's "
        "settings, and DeleteReplicationGroup removes the group and its clusters"
    ),
    moto=MOTO_RANGE,
    upstream=(
        "unreported: ElastiCache CreateReplicationGroup in moto 5.2.5 lists MemberClusters "
        "(<group>-001...) that DescribeCacheClusters answers CacheClusterNotFound for, and "
        "DeleteReplicationGroup leaves the group 'deleting' forever, while on AWS each member is a "
        "cache cluster with the group's settings and a deleted group and its clusters go away "
        "(https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/"
        "API_DeleteReplicationGroup.html)"
    ),
)
def install() -> None:
    from moto.elasticache.models import ElastiCacheBackend

    ElastiCacheBackend.create_replication_group = _wrap_create(ElastiCacheBackend.create_replication_group)  # type: ignore[method-assign]  # replaces the emulator's method
    ElastiCacheBackend.delete_replication_group = _wrap_delete(ElastiCacheBackend.delete_replication_group)  # type: ignore[method-assign]  # replaces the emulator's method
