"""The emulator launcher: loopback only, fixes installed and reported, reset forgets everything."""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from zonke_emulator import (
    HOST,
    MOTO_REQUIREMENT,
    Emulator,
    check_moto,
    compat,
    provider_block,
    server,
)
from zonke_emulator.errors import MotoUnavailableError
from zonke_tf.cli.exits import EXIT_TOOL


def test_binds_to_loopback_and_reports_its_fixes(emulator: Emulator) -> None:
    assert emulator.url.startswith(f"http://{HOST}:")
    assert emulator.applied_fixes() == sorted(compat.discover())


def test_refuses_a_non_loopback_address() -> None:
    with pytest.raises(SystemExit):
        server.main(["--host", "0.0.0.0"])


def test_reset_forgets_resources(emulator: Emulator) -> None:
    s3 = emulator.boto3_session().client("s3")
    s3.create_bucket(Bucket="zonke-reset-probe")
    assert "zonke-reset-probe" in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    emulator.reset()
    assert "zonke-reset-probe" not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_a_fix_cannot_be_registered_twice() -> None:
    compat.discover()
    probe = compat.fix(name="probe-duplicate", restores="nothing", moto="", upstream="")
    with pytest.raises(ValueError, match="registered twice"):
        probe(lambda: None)
        probe(lambda: None)
    compat._REGISTRY.pop("probe-duplicate", None)


def test_every_fix_says_what_it_restores() -> None:
    for fix in compat.discover().values():
        assert len(fix.restores) > 20, f"{fix.name} must name the AWS behaviour it restores"


def test_every_fix_names_the_moto_releases_it_was_written_for() -> None:
    """A fix's range is a version specifier that admits the moto installed for the tests: a
    moto upgrade outside a fix's range fails here until its canary has been looked at."""
    installed = Version(importlib.metadata.version("moto"))
    assert installed in SpecifierSet(compat.MOTO_RANGE)
    for fix in compat.discover().values():
        assert installed in SpecifierSet(fix.moto), f"{fix.name}: moto {installed} is outside {fix.moto}"


def test_every_fix_names_the_upstream_report_or_what_to_report() -> None:
    for fix in compat.discover().values():
        upstream = fix.upstream
        if upstream.startswith("unreported: "):
            assert len(upstream) > 40 and "TODO" not in upstream, (
                f"{fix.name}: say what an upstream report should contain"
            )
        else:
            assert re.fullmatch(r"https://github\.com/getmoto/moto/(issues|pull)/\d+", upstream), (
                f"{fix.name}: upstream must be a getmoto/moto issue or pull request URL"
            )


def test_every_fix_has_a_canary() -> None:
    """Each fix has a behavioural test marked with its name, which the suite also runs on an
    emulator without the fix and expects to fail (tests/emulator/conftest.py)."""
    marked = {
        name
        for path in Path(__file__).parent.glob("test_*.py")
        for name in re.findall(r'@pytest\.mark\.fix\("([^"]+)"\)', path.read_text())
    }
    assert sorted(set(compat.discover()) - marked) == []
    assert sorted(marked - set(compat.discover())) == []


def test_an_unknown_fix_cannot_be_left_out() -> None:
    with pytest.raises(ValueError, match="no compatibility fix is named no-such-fix"):
        compat.install_all(without=["no-such-fix"])


def test_provider_block_points_every_service_at_the_emulator() -> None:
    hcl = provider_block("http://127.0.0.1:1234")
    assert "max_retries = 2" in hcl
    assert "skip_credentials_validation = true" in hcl
    for svc in ("ec2", "s3", "ecs", "rds", "sts", "cloudfront", "codepipeline"):
        assert f"{svc} " in hcl
    assert "amazonaws.com" not in hcl


# --------------------------------------------------------------------------- moto version check

REPO = Path(__file__).resolve().parents[2]


def test_the_required_moto_range_is_the_one_pyproject_installs() -> None:
    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert [r for r in extras["emulator"] if r.startswith("moto")] == [MOTO_REQUIREMENT]


@pytest.mark.parametrize("installed", ["5.2.1", "5.1.9", "5.2.6", "5.3.0", "6.0.0"])
def test_a_moto_outside_the_range_is_refused_with_both_versions_and_the_fix(installed: str) -> None:
    with pytest.raises(MotoUnavailableError) as err:
        check_moto(lambda _: installed)
    message = str(err.value)
    assert f"moto {installed} is installed" in message
    assert MOTO_REQUIREMENT in message
    assert "pip install 'zonke-tf[emulator]'" in message


@pytest.mark.parametrize("installed", ["5.2.5", "5.2.5.post1"])
def test_a_moto_inside_the_range_is_accepted(installed: str) -> None:
    assert check_moto(lambda _: installed) == installed


def test_a_missing_moto_names_the_install_command() -> None:
    def missing(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    with pytest.raises(MotoUnavailableError, match=r"not installed.*pip install 'zonke-tf\[emulator\]'"):
        check_moto(missing)


def test_local_mode_with_an_old_moto_says_so_instead_of_failing_in_a_log(tmp_path: Path) -> None:
    """As a user with the machine's moto 5.2.1 sees it: `zonke plan --local` exits with the
    message, and no emulator process or log file is started."""
    fake = tmp_path / "site"
    dist = fake / "moto-5.2.1.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: moto\nVersion: 5.2.1\n")
    (fake / "moto").mkdir()
    (fake / "moto" / "__init__.py").write_text("")
    project = tmp_path / "project"
    project.mkdir()
    (project / "zonke.toml").write_text('[app]\nname = "oldmoto"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ZONKE_"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(fake), os.environ.get("PYTHONPATH")]))
    proc = subprocess.run(
        [sys.executable, "-m", "zonke_tf", "plan", "--local"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == EXIT_TOOL, "the emulator's error is the wrapper's missing tool (exit 3)"
    assert "moto 5.2.1 is installed" in proc.stderr, proc.stderr
    assert MOTO_REQUIREMENT in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (project / ".zonke" / "local-emulator.log").exists()
