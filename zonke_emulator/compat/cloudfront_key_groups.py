"""CloudFront: key groups are deleted; unknown public keys and key groups answer 404.

On AWS, DeleteKeyGroup removes a key group, GetKeyGroup answers ``NoSuchResource`` for an
unknown ID, GetPublicKey ``NoSuchPublicKey``, and DeletePublicKey refuses a key that a key
group still lists (``PublicKeyInUse``)
(https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DeleteKeyGroup.html,
https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_GetKeyGroup.html,
https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DeletePublicKey.html).
The emulator (moto 5.2.5) has no DeleteKeyGroup (HTTP 500), so destroying an
``aws_cloudfront_key_group`` fails; an unknown ID is a Python ``KeyError`` (HTTP 500), and a
public key in use is deleted anyway. The fix adds the call and the three errors.
"""

from __future__ import annotations

from typing import Any

from . import MOTO_RANGE, fix


def _error(code: str, message: str) -> Exception:
    """An error of the service's model: the emulator answers with the model's HTTP status."""
    from moto.cloudfront.exceptions import CloudFrontException

    return CloudFrontException(code, message)


def delete_key_group(self: Any) -> Any:
    from moto.core.responses import EmptyResult

    group_id = self._get_param("Id")
    if self.backend.key_groups.pop(group_id, None) is None:
        raise _error("NoSuchResource", f"The key group {group_id} does not exist.")
    return EmptyResult()


def get_key_group(self: Any, group_id: str) -> Any:
    if group_id not in self.key_groups:
        raise _error("NoSuchResource", f"The key group {group_id} does not exist.")
    return self.key_groups[group_id]


def get_public_key(self: Any, key_id: str) -> Any:
    if key_id not in self.public_keys:
        raise _error("NoSuchPublicKey", f"The public key {key_id} does not exist.")
    return self.public_keys[key_id]


def delete_public_key(self: Any, key_id: str) -> None:
    users = [g.id for g in self.key_groups.values() if key_id in g.items]
    if users:
        raise _error("PublicKeyInUse", f"The public key {key_id} is in use by key groups {users}.")
    if self.public_keys.pop(key_id, None) is None:
        raise _error("NoSuchPublicKey", f"The public key {key_id} does not exist.")


@fix(
    name="cloudfront-key-groups",
    restores="CloudFront DeleteKeyGroup, and NoSuchResource/NoSuchPublicKey/PublicKeyInUse errors",
    moto=MOTO_RANGE,
    upstream=(
        "unreported: moto 5.2.5 has no CloudFront DeleteKeyGroup (HTTP 500), answers an "
        "unknown key group or public key with HTTP 500 and deletes a public key a key group "
        "still lists, while AWS deletes the group and answers NoSuchResource, NoSuchPublicKey "
        "or PublicKeyInUse "
        "(https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DeleteKeyGroup.html)"
    ),
)
def install() -> None:
    from moto.cloudfront.models import CloudFrontBackend
    from moto.cloudfront.responses import CloudFrontResponse

    CloudFrontResponse.delete_key_group = delete_key_group  # type: ignore[attr-defined]  # adds the missing call
    CloudFrontBackend.get_key_group = get_key_group  # type: ignore[method-assign]  # 404 for an unknown ID
    CloudFrontBackend.get_public_key = get_public_key  # type: ignore[method-assign]  # 404 for an unknown ID
    CloudFrontBackend.delete_public_key = delete_public_key  # type: ignore[method-assign]  # in use, unknown
