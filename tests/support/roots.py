"""Copy a Terraform root into a temporary folder, beside the repository's modules."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PROVIDER_FILE = "zz_test_provider.tf"

_IGNORE = shutil.ignore_patterns(
    ".terraform", ".terraform.lock.hcl", "terraform.tfstate*", "*.tfvars.json", "__pycache__"
)


def copy_root(source: Path, dest_base: Path, provider_hcl: str | None = None) -> Path:
    """Copy ``source`` (a module or fixture root inside the repository) under ``dest_base``.

    The copy keeps its path relative to the repository, and ``dest_base/modules`` links
    to the repository's modules, so relative module sources (``../../modules/x``) still
    resolve. ``provider_hcl``, when given, is written beside the copied files.
    """
    source = source.resolve()
    try:
        rel = source.relative_to(REPO_ROOT)
    except ValueError as exc:
        raise ValueError(f"{source} is not inside the repository {REPO_ROOT}") from exc
    dest = dest_base / rel
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(source, dest, ignore=_IGNORE, symlinks=True)
    for shared in ("modules", "examples"):
        link = dest_base / shared
        if not link.exists() and rel.parts[0] != shared:
            link.symlink_to(REPO_ROOT / shared, target_is_directory=True)
        elif rel.parts[0] == shared and shared == "modules":
            # The root itself is a module: its siblings are linked one by one.
            for sibling in (REPO_ROOT / "modules").iterdir():
                target = dest_base / "modules" / sibling.name
                if not target.exists():
                    target.symlink_to(sibling, target_is_directory=True)
    if provider_hcl is not None:
        (dest / PROVIDER_FILE).write_text(provider_hcl)
    return dest
