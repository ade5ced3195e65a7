"""EC2 ``DescribeSecurityGroupRules``: the description of a rule that references a group.

AWS returns each security group rule's description, whatever its source. The emulator
keeps the description of a rule that references another security group (it sits with the
referenced group), but ``DescribeSecurityGroupRules`` only reports descriptions of CIDR
rules. The AWS provider reads ``aws_vpc_security_group_ingress_rule`` through that call,
so a rule with ``referenced_security_group_id`` and a description never plans clean.

The fix makes a rule's description fall back to the one stored with its referenced group
when the emulator finds none; rules whose description the emulator already reports are
unchanged.
"""

from __future__ import annotations

from typing import Any, cast

from . import MOTO_RANGE, fix


@fix(
    name="ec2-group-rule-description",
    restores=(
        "EC2 DescribeSecurityGroupRules returns the description of a rule that references "
        "another security group"
    ),
    moto=MOTO_RANGE,
    upstream=(
        "unreported: DescribeSecurityGroupRules: moto 5.2.5 omits the Description of a "
        "rule whose source is another security group (UserIdGroupPairs), where AWS "
        "returns it (EC2 API Reference, API_SecurityGroupRule)"
    ),
)
def install() -> None:
    from moto.ec2.models.security_groups import SecurityGroupRule

    # read on the class, a property is the property object (mypy types it as the getter)
    original = cast(property, SecurityGroupRule.description)

    def description(self: Any) -> str | None:
        found: str | None = original.fget(self) if original.fget is not None else None
        if found is None and self.source_group:
            referenced: str | None = self.source_group.get("Description")
            return referenced
        return found

    SecurityGroupRule.description = property(description)  # type: ignore[method-assign,assignment]  # a new property in place of the emulator's
