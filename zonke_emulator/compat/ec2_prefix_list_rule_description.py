"""EC2 ``DescribeSecurityGroupRules``: the description of a rule whose source is a prefix list.

AWS returns each security group rule's description, whatever its source. The emulator
receives the description of a rule that admits a managed prefix list (it arrives beside
the ``PrefixListId``) but keeps only the prefix list's ID, so ``DescribeSecurityGroupRules``
reports no description. The AWS provider reads ``aws_vpc_security_group_ingress_rule``
through that call, so a rule with ``prefix_list_id`` and a description (the ALB's rule
admitting CloudFront's origin-facing prefix list) never plans clean.

The fix keeps the description given with the prefix list when the rule is created and
reports it when the emulator finds no other; other rules are unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from . import MOTO_RANGE, fix

_ATTR = "_zonke_prefix_list_description"


@fix(
    name="ec2-prefix-list-rule-description",
    restores=(
        "EC2 DescribeSecurityGroupRules returns the description of a rule whose source is a "
        "managed prefix list"
    ),
    moto=MOTO_RANGE,
    upstream=(
        "unreported: DescribeSecurityGroupRules: moto 5.2.5 drops the Description given "
        "with a PrefixListIds source, where AWS returns it (EC2 API Reference, "
        "API_SecurityGroupRule)"
    ),
)
def install() -> None:
    from moto.ec2.models.security_groups import SecurityGroupRule

    original_init: Callable[..., None] = SecurityGroupRule.__init__
    # read on the class, a property is the property object (mypy types it as the getter)
    original_description = cast(property, SecurityGroupRule.description)

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        prefix_list = kwargs.get("prefix_list_id")
        if prefix_list is None and len(args) >= 8:
            # positional: ec2_backend, ip_protocol, group_id, from_port, to_port, ip_range,
            # source_group, prefix_list_id
            prefix_list = args[7]
        description = prefix_list.get("Description") if isinstance(prefix_list, dict) else None
        setattr(self, _ATTR, description)

    def description(self: Any) -> str | None:
        found: str | None = original_description.fget(self) if original_description.fget is not None else None
        if found is None and self.prefix_list_id:
            return getattr(self, _ATTR, None)
        return found

    SecurityGroupRule.__init__ = __init__  # type: ignore[method-assign]  # replaces the emulator's method
    SecurityGroupRule.description = property(description)  # type: ignore[method-assign,assignment]  # a new property in place of the emulator's
