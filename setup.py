"""Build hook: ship the Terraform modules and the stack root inside the package.

``zonke`` installed from a wheel has no repository around it, so the build copies
``modules/`` and ``examples/django-monolith`` (Terraform files and templates only) into
``zonke_tf/_bundle/``. Everything else is configured in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
BUNDLED = {"modules": HERE / "modules", "examples/django-monolith": HERE / "examples" / "django-monolith"}
SKIP = shutil.ignore_patterns(
    ".terraform", ".terraform.lock.hcl", "terraform.tfstate*", "*.tfvars.json", "__pycache__", "app", "*.pyc"
)
# The stack root's committed lock file is shipped: it pins the provider for the CLI and the pipeline.
SKIP_IN_STACK = shutil.ignore_patterns(
    ".terraform", "terraform.tfstate*", "*.tfvars.json", "__pycache__", "app", "*.pyc"
)


class BuildWithStack(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "zonke_tf" / "_bundle"
        if target.exists():
            shutil.rmtree(target)
        for rel, source in BUNDLED.items():
            shutil.copytree(source, target / rel, ignore=SKIP_IN_STACK if rel.startswith("examples/") else SKIP)


setup(cmdclass={"build_py": BuildWithStack})
