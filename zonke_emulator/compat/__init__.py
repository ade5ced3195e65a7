"""A small compatibility layer that brings the emulator closer to AWS.

Each fix lives in a module of this package and registers itself with :func:`fix`,
naming the AWS behaviour it restores. Fixes are as narrow as possible: they patch
one emulator method, in memory, in the emulator's own process only. Every fix is
covered by a test in ``tests/emulator/``.

To add one, create ``zonke_emulator/compat/<service>_<topic>.py`` with a
function decorated with ``@fix(name=..., restores=..., moto=..., upstream=...)``;
:func:`install_all` imports every module of the package and runs every registered fix.

Every fix records the moto releases it was written for and checked against (``moto``, a
version specifier such as ``">=5.2.5,<5.3"``) and where the difference is known upstream
(``upstream``: the getmoto/moto issue or pull request, or ``"unreported: <what to report>"``).
Each fix's behavioural tests carry ``@pytest.mark.fix("<name>")``; the test suite runs each
of them a second time on an emulator started without that fix, expecting it to fail (a
strict xfail, the "canary"). When a moto upgrade makes a canary pass, the emulator has
caught up with AWS and the fix can go.

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
from collections.abc import Callable, Collection
from dataclasses import dataclass

# The moto releases the layer is written and tested against. pyproject.toml's `emulator` extra
# states the same range (tests/emulator/test_emulator.py checks they agree). The lower bound:
# moto.server.MotoRequestHandler, which the server needs, first ships in 5.2.5's line. The upper
# bound admits that one release only: the fixes patch moto's internals, and a patch release
# changes them too (5.2.6 dropped the CodePipeline ``metadata`` property that a fix wraps, so the
# emulator exited at start on any fresh install). A new release is therefore tried first, with
# the canaries showing which fixes it breaks or makes unnecessary, before this bound moves. A
# fix written for a narrower range says so in its own ``moto=``.
MOTO_MINIMUM = (5, 2, 5)
MOTO_BELOW = (5, 2, 6)
MOTO_RANGE = f">={'.'.join(map(str, MOTO_MINIMUM))},<{'.'.join(map(str, MOTO_BELOW))}"


@dataclass(frozen=True)
class Fix:
    name: str
    restores: str
    moto: str
    upstream: str
    install: Callable[[], None]


_REGISTRY: dict[str, Fix] = {}


def fix(
    name: str, restores: str, *, moto: str, upstream: str
) -> Callable[[Callable[[], None]], Callable[[], None]]:
    """Register ``install`` as the compatibility fix ``name``.

    ``restores`` says, in one sentence, which AWS behaviour the fix restores; ``moto`` is the
    range of moto releases the fix was written for (a PEP 440 specifier); ``upstream`` names
    the getmoto/moto issue or pull request about the difference, or starts with
    ``"unreported: "`` and says what an upstream report should contain.
    """

    def register(install: Callable[[], None]) -> Callable[[], None]:
        if name in _REGISTRY:
            raise ValueError(f"compatibility fix {name!r} is registered twice")
        _REGISTRY[name] = Fix(name=name, restores=restores, moto=moto, upstream=upstream, install=install)
        return install

    return register


def discover() -> dict[str, Fix]:
    """Import every fix module of this package and return the registry."""
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    return dict(_REGISTRY)


def install_all(without: Collection[str] = ()) -> list[str]:
    """Install every registered fix but those named in ``without`` (the canary tests start an
    emulator without one fix); return the installed names in order."""
    fixes = discover()
    unknown = sorted(set(without) - set(fixes))
    if unknown:
        raise ValueError(f"no compatibility fix is named {', '.join(unknown)}")
    installed = sorted(set(fixes) - set(without))
    for name in installed:
        fixes[name].install()
    return installed
