"""A small compatibility layer that brings the emulator closer to AWS.

Each fix lives in a module of this package and registers itself with :func:`fix`,
naming the AWS behaviour it restores. Fixes are as narrow as possible: they patch
one emulator method, in memory, in the emulator's own process only. Every fix is
covered by a test in ``tests/emulator/``.

To add one, create ``zonke_tf/emulator/compat/<service>_<topic>.py`` with a
function decorated with ``@fix(name=..., restores=...)``; :func:`install_all`
imports every module of the package and runs every registered fix.

Types: a fix's replacement functions are annotated like any other code (mypy --strict).
The one line that sets a replacement on an emulator class carries a narrow ignore, since
mypy refuses assignments to methods (``[method-assign]``) and to attributes a class does
not declare (``[attr-defined]``), followed by the reason in a comment. A function that
builds a replacement around the emulator's method returns ``Callable[..., R]``: the
replacement takes the method's parameters by their names, which a ``Callable[[A, B], R]``
(positional only) does not promise, so mypy would refuse it in the method's place.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Fix:
    name: str
    restores: str
    install: Callable[[], None]


_REGISTRY: dict[str, Fix] = {}


def fix(name: str, restores: str) -> Callable[[Callable[[], None]], Callable[[], None]]:
    """Register ``install`` as the compatibility fix ``name``.

    ``restores`` says, in one sentence, which AWS behaviour the fix restores.
    """

    def register(install: Callable[[], None]) -> Callable[[], None]:
        if name in _REGISTRY:
            raise ValueError(f"compatibility fix {name!r} is registered twice")
        _REGISTRY[name] = Fix(name=name, restores=restores, install=install)
        return install

    return register


def discover() -> dict[str, Fix]:
    """Import every fix module of this package and return the registry."""
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    return dict(_REGISTRY)


def install_all() -> list[str]:
    """Install every registered fix; return their names in order."""
    fixes = discover()
    for name in sorted(fixes):
        fixes[name].install()
    return sorted(fixes)
