"""The RDS CA bundle zonke reads for the stack's db_ca_bundle: the region's URL, what it
accepts, the errors it gives, and which targets and engines get it (no network: the fetch
is a stand-in)."""

from __future__ import annotations

import json
import subprocess
import urllib.error
from pathlib import Path

import pytest

from zonke_tf import dbca
from zonke_tf.config import parse_config
from zonke_tf.errors import AwsUnreachableError
from zonke_tf.target import AwsTarget, LocalTarget

REPO = Path(__file__).resolve().parents[2]


def _pem(tmp: Path, name: str) -> str:
    subprocess.run(
        ["openssl", "req", "-new", "-x509", "-days", "1", "-nodes", "-subj", f"/CN={name}",
         "-keyout", str(tmp / f"{name}.key"), "-out", str(tmp / f"{name}.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    return (tmp / f"{name}.pem").read_text()


def test_the_regions_bundle_is_read_from_its_url_and_kept_as_certificates(tmp_path: Path) -> None:
    asked: list[str] = []
    body = ("comment line\n" + _pem(tmp_path, "one") + "\n\n" + _pem(tmp_path, "two")).encode()

    def fetch(url: str) -> bytes:
        asked.append(url)
        return body

    bundle = dbca.region_bundle("eu-west-3", fetch)
    assert asked == ["https://truststore.pki.rds.amazonaws.com/eu-west-3/eu-west-3-bundle.pem"]
    assert bundle.startswith(dbca.BEGIN) and bundle.count(dbca.BEGIN) == 2 and "comment" not in bundle
    assert len(dbca.certificates(bundle)) == 2


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<html>Access Denied</html>", "did not answer a PEM certificate bundle"),
        (
            b"-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n",
            "did not answer a PEM",
        ),
        (b"-----BEGIN CERTIFICATE-----\nMIIB\n", "did not answer a PEM"),
        (b"x" * (dbca.MAX_BYTES + 1), "more than 32768 bytes"),
    ],
)
def test_anything_but_a_bundle_is_refused_naming_the_url(body: bytes, expected: str) -> None:
    with pytest.raises(AwsUnreachableError) as err:
        dbca.region_bundle("us-east-1", lambda _url: body)
    assert expected in str(err.value) and "us-east-1-bundle.pem" in str(err.value)


def test_no_network_says_what_failed_and_what_to_do() -> None:
    def fetch(url: str) -> bytes:
        raise urllib.error.URLError("Name or service not known")

    with pytest.raises(AwsUnreachableError) as err:
        dbca.region_bundle("us-east-1", fetch)
    message = str(err.value)
    assert "could not download the RDS certificate bundle" in message and "run the command again" in message


def test_aws_gets_the_bundle_and_the_emulator_none(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pem = _pem(tmp_path, "rds")
    monkeypatch.setattr(dbca, "_fetch", lambda url: pem.encode())
    config = parse_config({"app": {"name": "shop", "region": "ap-southeast-2"}})
    assert AwsTarget().db_ca_bundle(config) == pem
    assert LocalTarget(endpoint="http://127.0.0.1:1").db_ca_bundle(config) == ""


def test_the_workspace_passes_it_for_postgresql_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from zonke_tf.engine import TerraformBinary, Workspace

    pem = _pem(tmp_path, "rds")
    monkeypatch.setattr(AwsTarget, "db_ca_bundle", lambda self, config: pem)
    monkeypatch.setattr(AwsTarget, "app_image_exists", lambda self, config: True)
    for engine, expected in (("postgres", pem), ("mysql", None)):
        config = parse_config({"app": {"name": "shop"}, "database": {"engine": engine}})
        (tmp_path / engine).mkdir()
        ws = Workspace(
            config, tmp_path / engine, TerraformBinary(("terraform",), "t"), target=AwsTarget(), sources=REPO,
            environ={},
        )  # fmt: skip
        assert json.loads(ws.tfvars()).get("db_ca_bundle") == expected, engine
        # commands that plan nothing of the task definitions do not read it
        assert "db_ca_bundle" not in json.loads(ws.tfvars(probe=False))
        assert json.loads(ws.tfvars(probe=False, ca_bundle=True)).get("db_ca_bundle") == expected
