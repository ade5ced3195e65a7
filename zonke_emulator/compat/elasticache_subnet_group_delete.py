"""ElastiCache: DeleteCacheSubnetGroup removes a cache subnet group.

On AWS, DeleteCacheSubnetGroup deletes the group, and DescribeCacheSubnetGroups then answers
``CacheSubnetGroupNotFoundFault`` for it
(https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DeleteCacheSubnetGroup.html).
The emulator (moto 5.2.5) creates and describes subnet groups but has no DeleteCacheSubnetGroup
(HTTP 500), so destroying an ``aws_elasticache_subnet_group`` fails. The fix adds the call.
"""

from __future__ import annotations

from typing import Any

from . import MOTO_RANGE, fix


def delete_cache_subnet_group(self: Any) -> Any:
    from moto.core.responses import EmptyResult
    from moto.elasticache.exceptions import CacheSubnetGroupNotFound

    backend = self.elasticache_backend
    name = self._get_param("CacheSubnetGroupName")
    group = backend.cache_subnet_groups.pop(name, None)
    if group is None:
        raise CacheSubnetGroupNotFound(name)
    backend.tagging_service.delete_all_tags_for_resource(group.arn)
    return EmptyResult()


@fix(
    name="elasticache-subnet-group-delete",
    restores="ElastiCache DeleteCacheSubnetGroup deletes a cache subnet group",
    moto=MOTO_RANGE,
    upstream=(
        "unreported: ElastiCache DeleteCacheSubnetGroup answers HTTP 500 in moto 5.2.5 (not "
        "implemented), while AWS deletes the group and DescribeCacheSubnetGroups then answers "
        "CacheSubnetGroupNotFoundFault "
        "(https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/"
        "API_DeleteCacheSubnetGroup.html)"
    ),
)
def install() -> None:
    from moto.elasticache.responses import ElastiCacheResponse

    ElastiCacheResponse.delete_cache_subnet_group = delete_cache_subnet_group  # type: ignore[attr-defined]  # adds the missing call
