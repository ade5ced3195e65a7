"""ElastiCache: user groups (role-based access control) exist.

On AWS, CreateUserGroup makes a group of ElastiCache users that a replication group names in
``UserGroupIds``; DescribeUserGroups reads it back (``UserGroupNotFound`` once deleted),
ModifyUserGroup adds and removes users, DeleteUserGroup removes it, and its ARN
(``arn:aws:elasticache:<region>:<account>:usergroup:<id>``) takes tags like any other
ElastiCache resource (the user group API reference:
https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateUserGroup.html).

The emulator (moto 5.2.5) has users but no user groups: every call answers HTTP 500, so an
``aws_elasticache_user_group`` cannot be created, and its ListTagsForResource refuses a
user group ARN as invalid.

The fix keeps user groups in the emulator's ElastiCache backend (in memory, per account and
region, cleared by a reset), answers the four calls with AWS's shapes (a group is ``active``
at once, and it refuses unknown users and a group without a ``default`` user as AWS does),
and lets ListTagsForResource read a user group's tags.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import MOTO_RANGE, fix


def _groups(backend: Any) -> dict[str, dict[str, Any]]:
    groups: dict[str, dict[str, Any]] | None = getattr(backend, "zonke_user_groups", None)
    if groups is None:
        groups = {}
        backend.zonke_user_groups = groups
    return groups


def _not_found(group_id: str) -> Exception:
    from moto.elasticache.exceptions import ElastiCacheException

    error = ElastiCacheException(f"User group {group_id} not found.")
    error.code = "UserGroupNotFound"
    return error


def _invalid(code: str, message: str) -> Exception:
    from moto.elasticache.exceptions import ElastiCacheException

    error = ElastiCacheException(message)
    error.code = code
    return error


def _check_users(backend: Any, user_ids: list[str]) -> None:
    missing = [u for u in user_ids if u not in backend.users]
    if missing:
        raise _invalid("UserNotFound", f"User {missing[0]} not found.")
    if user_ids and not any(backend.users[u].name == "default" for u in user_ids):
        raise _invalid("DefaultUserRequired", "A user group must contain a user named default.")


def create_user_group(self: Any) -> Any:
    from moto.core.responses import ActionResult

    backend = self.elasticache_backend
    group_id = self._get_param("UserGroupId")
    user_ids = list(self._get_param("UserIds", []) or [])
    groups = _groups(backend)
    if group_id in groups:
        raise _invalid("UserGroupAlreadyExists", f"User group {group_id} already exists.")
    _check_users(backend, user_ids)
    arn = f"arn:aws:elasticache:{backend.region_name}:{backend.account_id}:usergroup:{group_id}"
    group = {
        "UserGroupId": group_id,
        "Status": "active",
        "Engine": (self._get_param("Engine") or "redis").lower(),
        "UserIds": user_ids,
        "MinimumEngineVersion": "6.0",
        "ReplicationGroups": [],
        "ServerlessCaches": [],
        "ARN": arn,
    }
    groups[group_id] = group
    tags = self._get_param("Tags", []) or []
    if tags:
        backend.tagging_service.tag_resource(arn, tags)
    return ActionResult(dict(group))


def describe_user_groups(self: Any) -> Any:
    from moto.core.responses import ActionResult

    groups = _groups(self.elasticache_backend)
    group_id = self._get_param("UserGroupId")
    if group_id:
        if group_id not in groups:
            raise _not_found(group_id)
        return ActionResult({"UserGroups": [dict(groups[group_id])]})
    return ActionResult({"UserGroups": [dict(g) for g in groups.values()]})


def modify_user_group(self: Any) -> Any:
    from moto.core.responses import ActionResult

    backend = self.elasticache_backend
    groups = _groups(backend)
    group_id = self._get_param("UserGroupId")
    if group_id not in groups:
        raise _not_found(group_id)
    group = groups[group_id]
    removed = set(self._get_param("UserIdsToRemove", []) or [])
    users = [u for u in group["UserIds"] if u not in removed]
    users += [u for u in self._get_param("UserIdsToAdd", []) or [] if u not in users]
    _check_users(backend, users)
    group["UserIds"] = users
    return ActionResult(dict(group))


def delete_user_group(self: Any) -> Any:
    from moto.core.responses import ActionResult

    backend = self.elasticache_backend
    groups = _groups(backend)
    group_id = self._get_param("UserGroupId")
    if group_id not in groups:
        raise _not_found(group_id)
    group = groups.pop(group_id)
    backend.tagging_service.delete_all_tags_for_resource(group["ARN"])
    return ActionResult({**group, "Status": "deleting"})


def _wrap_tags(original: Callable[..., Any]) -> Callable[..., Any]:
    def list_tags_for_resource(self: Any, arn: str) -> Any:
        if ":usergroup:" in arn and arn.startswith("arn:aws:elasticache:"):
            return self.tagging_service.list_tags_for_resource(arn)
        return original(self, arn)

    return list_tags_for_resource


@fix(
    name="elasticache-user-groups",
    restores=(
        "ElastiCache CreateUserGroup, DescribeUserGroups, ModifyUserGroup and DeleteUserGroup work, "
        "and a user group's ARN takes tags"
    ),
    moto=MOTO_RANGE,
    upstream=(
        "unreported: ElastiCache CreateUserGroup, DescribeUserGroups, ModifyUserGroup and "
        "DeleteUserGroup answer HTTP 500 in moto 5.2.5 (not implemented) and ListTagsForResource "
        "refuses a user group ARN, while AWS keeps user groups and tags them "
        "(https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateUserGroup.html)"
    ),
)
def install() -> None:
    from moto.elasticache.models import ElastiCacheBackend
    from moto.elasticache.responses import ElastiCacheResponse

    ElastiCacheResponse.create_user_group = create_user_group  # type: ignore[attr-defined]  # adds the missing call
    ElastiCacheResponse.describe_user_groups = describe_user_groups  # type: ignore[attr-defined]  # adds the missing call
    ElastiCacheResponse.modify_user_group = modify_user_group  # type: ignore[attr-defined]  # adds the missing call
    ElastiCacheResponse.delete_user_group = delete_user_group  # type: ignore[attr-defined]  # adds the missing call
    ElastiCacheBackend.list_tags_for_resource = _wrap_tags(ElastiCacheBackend.list_tags_for_resource)  # type: ignore[method-assign]  # replaces the emulator's method
