"""ElastiCache: cache parameter groups exist.

On AWS, CreateCacheParameterGroup makes a parameter group of a family (``valkey8``,
``redis7``...), ModifyCacheParameterGroup sets parameters, which DescribeCacheParameters then
reports with ``Source: user`` (and, given a ``Source``, only those of that source),
ResetCacheParameterGroup puts them back to the engine's defaults, DescribeCacheParameterGroups
reads the group (``CacheParameterGroupNotFound`` once deleted) and DeleteCacheParameterGroup
removes it; its ARN (``...:parametergroup:<name>``) takes tags
(https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateCacheParameterGroup.html,
https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DescribeCacheParameters.html).

The emulator (moto 5.2.5) has no cache parameter groups: every call answers HTTP 500, so an
``aws_elasticache_parameter_group`` cannot be created.

The fix keeps parameter groups in the emulator's ElastiCache backend (in memory, cleared by a
reset). It holds no engine defaults, so every parameter it reports was set by a user.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import MOTO_RANGE, fix


def _groups(backend: Any) -> dict[str, dict[str, Any]]:
    groups: dict[str, dict[str, Any]] | None = getattr(backend, "zonke_parameter_groups", None)
    if groups is None:
        groups = {}
        backend.zonke_parameter_groups = groups
    return groups


def _error(code: str, message: str) -> Exception:
    from moto.elasticache.exceptions import ElastiCacheException

    error = ElastiCacheException(message)
    error.code = code
    return error


def _group(self: Any) -> dict[str, Any]:
    name = self._get_param("CacheParameterGroupName")
    groups = _groups(self.elasticache_backend)
    if name not in groups:
        raise _error("CacheParameterGroupNotFound", f"CacheParameterGroup {name} not found.")
    return groups[name]


def _public(group: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in group.items() if k != "Parameters"}


def create_cache_parameter_group(self: Any) -> Any:
    from moto.core.responses import ActionResult

    backend = self.elasticache_backend
    name = self._get_param("CacheParameterGroupName")
    groups = _groups(backend)
    if name in groups:
        raise _error("CacheParameterGroupAlreadyExists", f"Parameter group {name} already exists.")
    arn = f"arn:aws:elasticache:{backend.region_name}:{backend.account_id}:parametergroup:{name}"
    groups[name] = {
        "CacheParameterGroupName": name,
        "CacheParameterGroupFamily": self._get_param("CacheParameterGroupFamily"),
        "Description": self._get_param("Description"),
        "IsGlobal": False,
        "ARN": arn,
        "Parameters": {},
    }
    tags = self._get_param("Tags", []) or []
    if tags:
        backend.tagging_service.tag_resource(arn, tags)
    return ActionResult({"CacheParameterGroup": _public(groups[name])})


def describe_cache_parameter_groups(self: Any) -> Any:
    from moto.core.responses import ActionResult

    if self._get_param("CacheParameterGroupName"):
        return ActionResult({"CacheParameterGroups": [_public(_group(self))]})
    return ActionResult(
        {"CacheParameterGroups": [_public(g) for g in _groups(self.elasticache_backend).values()]}
    )


def modify_cache_parameter_group(self: Any) -> Any:
    from moto.core.responses import ActionResult

    group = _group(self)
    for p in self._get_param("ParameterNameValues", []) or []:
        group["Parameters"][p["ParameterName"]] = p.get("ParameterValue")
    return ActionResult({"CacheParameterGroupName": group["CacheParameterGroupName"]})


def reset_cache_parameter_group(self: Any) -> Any:
    from moto.core.responses import ActionResult

    group = _group(self)
    if self._get_param("ResetAllParameters"):
        group["Parameters"].clear()
    for p in self._get_param("ParameterNameValues", []) or []:
        group["Parameters"].pop(p["ParameterName"], None)
    return ActionResult({"CacheParameterGroupName": group["CacheParameterGroupName"]})


def describe_cache_parameters(self: Any) -> Any:
    from moto.core.responses import ActionResult

    group = _group(self)
    source = self._get_param("Source")
    parameters = [
        {
            "ParameterName": k,
            "ParameterValue": v,
            "Source": "user",
            "IsModifiable": True,
            "DataType": "string",
        }
        for k, v in sorted(group["Parameters"].items())
    ]
    if source not in (None, "user"):
        parameters = []
    return ActionResult({"Parameters": parameters, "CacheNodeTypeSpecificParameters": []})


def delete_cache_parameter_group(self: Any) -> Any:
    from moto.core.responses import EmptyResult

    group = _group(self)
    backend = self.elasticache_backend
    del _groups(backend)[group["CacheParameterGroupName"]]
    backend.tagging_service.delete_all_tags_for_resource(group["ARN"])
    return EmptyResult()


def _wrap_tags(original: Callable[..., Any]) -> Callable[..., Any]:
    def list_tags_for_resource(self: Any, arn: str) -> Any:
        if ":parametergroup:" in arn and arn.startswith("arn:aws:elasticache:"):
            return self.tagging_service.list_tags_for_resource(arn)
        return original(self, arn)

    return list_tags_for_resource


@fix(
    name="elasticache-parameter-groups",
    restores=(
        "ElastiCache cache parameter groups can be created, modified, reset, described (their "
        "parameters with Source=user) and deleted, and take tags"
    ),
    moto=MOTO_RANGE,
    upstream=(
        "unreported: ElastiCache CreateCacheParameterGroup, DescribeCacheParameterGroups, "
        "ModifyCacheParameterGroup, ResetCacheParameterGroup, DescribeCacheParameters and "
        "DeleteCacheParameterGroup answer HTTP 500 in moto 5.2.5 (not implemented), while AWS "
        "keeps the group and reports parameters set with ModifyCacheParameterGroup as Source=user "
        "(https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/"
        "API_CreateCacheParameterGroup.html)"
    ),
)
def install() -> None:
    from moto.elasticache.models import ElastiCacheBackend
    from moto.elasticache.responses import ElastiCacheResponse

    calls = {
        "create_cache_parameter_group": create_cache_parameter_group,
        "describe_cache_parameter_groups": describe_cache_parameter_groups,
        "modify_cache_parameter_group": modify_cache_parameter_group,
        "reset_cache_parameter_group": reset_cache_parameter_group,
        "describe_cache_parameters": describe_cache_parameters,
        "delete_cache_parameter_group": delete_cache_parameter_group,
    }
    for name, call in calls.items():
        setattr(ElastiCacheResponse, name, call)  # adds the missing call
    ElastiCacheBackend.list_tags_for_resource = _wrap_tags(ElastiCacheBackend.list_tags_for_resource)  # type: ignore[method-assign]  # replaces the emulator's method
