"""Fixtures shared by every test: Terraform offline, the AWS emulator, temporary roots."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import REPO_ROOT, TerraformEnv, TerraformRoot
from tests.support.cases import CASES_FILE, UPDATE_OPTION, CasesModule
from tests.support.terraform import TerraformNotFoundError
from zonke_emulator import Emulator, provider_block
from zonke_tf.errors import ZonkeError


@pytest.fixture(scope="session")
def tf_env(tmp_path_factory: pytest.TempPathFactory) -> TerraformEnv:
    try:
        return TerraformEnv.create(tmp_path_factory.mktemp("terraform"))
    except TerraformNotFoundError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    """One emulator per test process (each xdist worker has its own), on 127.0.0.1."""
    emu = Emulator()
    try:
        emu.start()
    except ZonkeError as exc:
        pytest.fail(str(exc), pytrace=False)
    yield emu
    emu.stop()


@pytest.fixture(scope="session")
def provider_hcl(emulator: Emulator) -> str:
    return provider_block(emulator.url)


@pytest.fixture
def aws(emulator: Emulator) -> Any:
    """A boto3 session on the emulator, which is reset first: the test starts from nothing."""
    emulator.reset()
    return emulator.boto3_session()


RootFactory = Callable[..., TerraformRoot]


@pytest.fixture(scope="module")
def make_root(
    tmp_path_factory: pytest.TempPathFactory, tf_env: TerraformEnv, provider_hcl: str
) -> RootFactory:
    """Copy a root (path relative to the repository) to a temporary folder and wrap it.

    Module-scoped, so a test module can init a root once and plan it many times.
    """

    def factory(rel: str, with_provider: bool = True) -> TerraformRoot:
        workdir = tmp_path_factory.mktemp(Path(rel).name)
        return TerraformRoot(REPO_ROOT / rel, workdir, tf_env, provider_hcl if with_provider else None)

    return factory


# --- module plan cases kept as data: tests/support/cases.py ---


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        UPDATE_OPTION,
        action="store_true",
        help="rewrite what failing cases.yaml cases expect with what Terraform plans (review the diff)",
    )


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.name == CASES_FILE:
        return CasesModule.from_parent(parent, path=file_path)
    return None
