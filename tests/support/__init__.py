"""The tests' support package: the Terraform harness (the real Terraform and the real AWS
provider, offline) and the helpers the test folders share.

- :mod:`.terraform`: finds the binary, writes the CLI config (filesystem mirror, no registry).
- :mod:`.roots`: copies a module or fixture root into a temporary folder with a provider file.
- :mod:`.plan`: init + plan, planned values flattened by address, counts by type, outputs.
- :mod:`.expect`: subset match of a plan against expectations kept in YAML.
- :mod:`.apply`: apply against the emulator, re-plan (no changes), destroy (nothing left).
- :mod:`.moves`: upgrade plans from an old state, offline, proving that `moved` blocks keep resources.
- :mod:`.iam` and :mod:`.iamlint`: policy statements, ARN patterns, AWS's IAM reference.
- :mod:`.keys`, :mod:`.postgres`, :mod:`.mysql`: RSA keys, throwaway database servers.
- :mod:`.standin`: stand-in stacks for the day-2 operations.
- :mod:`.wrapper`: running ``zonke`` as a process (``zonke_env``, the mini stack).
- :mod:`.example`: the example stack's local-mode variables.

See tests/README.md for how a module's tests use it.
"""

from .apply import AppliedStack, LeftoverError, ReplanError, applied, snapshot
from .expect import ABSENT, ExpectationError, assert_plan_matches, load_expectations, match
from .plan import PlanResult, TerraformRoot, one_line
from .roots import REPO_ROOT, copy_root
from .terraform import TerraformEnv, find_terraform

__all__ = [
    "ABSENT",
    "REPO_ROOT",
    "AppliedStack",
    "ExpectationError",
    "LeftoverError",
    "PlanResult",
    "ReplanError",
    "TerraformEnv",
    "TerraformRoot",
    "applied",
    "assert_plan_matches",
    "copy_root",
    "find_terraform",
    "load_expectations",
    "match",
    "one_line",
    "snapshot",
]
