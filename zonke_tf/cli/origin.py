"""``zonke origin-secret rotate``: the header CloudFront sends to the load balancer."""

from __future__ import annotations

import argparse

from zonke_tf import ops
from zonke_tf.cli.common import Common, Subparsers, connect, local_flag
from zonke_tf.cli.console import Console


def cmd_origin_secret_rotate(args: argparse.Namespace, console: Console) -> int:
    ops.check_rotation_timing(args.timeout, args.grace)  # before anything touches AWS
    stack, _ = connect(args)
    console.info("Rotating the origin secret in two phases (no value is printed) ...")
    result = ops.rotate_origin_secret(
        stack, on_update=lambda m: console.info(f"  {m}"), timeout=args.timeout, grace=args.grace
    )
    console.emit(
        {
            "resumed": result.resumed,
            "distribution_deployed": result.distribution_deployed,
            "old_value_gone": result.old_value_gone,
            "waited_seconds": round(result.waited_seconds, 1),
            "parameter_version": result.parameter_version,
        }
    )
    if result.old_value_gone:
        console.result("Origin secret rotated: CloudFront sends the new value; the old value is gone.")
        console.next_step(f"`zonke status{local_flag(args)}` to check the site")
        return 0
    console.result("CloudFront has not finished deploying: the ALB still accepts the old and the new value.")
    console.next_step(f"rerun `zonke origin-secret rotate{local_flag(args)}` to finish the rotation")
    return 1


def add_commands(sub: Subparsers, common: Common) -> None:
    p = sub.add_parser("origin-secret", help="the secret header CloudFront sends to the load balancer")
    origin = p.add_subparsers(dest="origin_secret_command", required=True, metavar="ACTION")
    s = origin.add_parser("rotate", help="new value in two phases, without refused requests")
    common(s)
    s.add_argument("--timeout", type=float, default=1800, help="seconds to wait for CloudFront")
    s.add_argument("--grace", type=float, default=60, help="seconds the old value stays valid after that")
    s.set_defaults(func=cmd_origin_secret_rotate)
