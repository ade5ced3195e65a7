"""Where a stack lives: an AWS account, or the local AWS emulator.

A :class:`Target` is the one seam between "deploy to AWS" and "deploy into the emulator".
It supplies everything that differs between the two: the tfvars overrides, the Terraform
backend, the environment of Terraform's process, the provider override file, the boto3
clients of the day-2 operations, and what happens after a destroy. No other code asks
whether it runs locally; it asks its target.

``LocalTarget.tfvars_overrides`` is also what the test suite passes to the example stack
(``tests/examples/conftest.py``), so the tests plan exactly what ``zonke deploy --local``
deploys.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zonke_tf.config import AppConfig
from zonke_tf.errors import ConfigError

# aws provider aliases of the example root, with their regions (examples/django-monolith/
# providers.tf); the local target points each one that a root declares at the emulator.
ALIAS_REGIONS: Mapping[str, str] = {"us_east_1": "us-east-1"}
DEFAULT_ALIASES: tuple[str, ...] = tuple(ALIAS_REGIONS)

# AWS's managed "CachingDisabled" cache policy: local mode uses it for requests to Django,
# since the emulator cannot create the cache policy the cdn-static module makes on AWS.
MANAGED_CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
LOCAL_CONNECTION_ARN = (
    "arn:aws:codeconnections:{region}:123456789012:connection/00000000-0000-4000-8000-000000000000"
)
BACKEND_FILE = "zonke_backend.tf"
PROVIDER_OVERRIDE_FILE = "zonke_local_override.tf"
# Set to keep the emulator running after `zonke destroy --local` (a debugging aid).
KEEP_EMULATOR_ENV = "ZONKE_KEEP_EMULATOR"
# Set by `zonke pipeline run --local` in its stages' environment: a zonke run there (the
# Infrastructure stage's `zonke apply`) targets this emulator with the stage's credentials
# (the AWS_* variables), as CodeBuild's zonke targets AWS with the project's role.
EMULATOR_URL_ENV = "ZONKE_EMULATOR_URL"

ClientFactory = Callable[[str], Any]


def _retrying_config() -> Any:
    from botocore.config import Config

    return Config(retries={"max_attempts": 3, "mode": "standard"})


class Target(ABC):
    """Where a stack lives. Subclasses: :class:`AwsTarget`, :class:`LocalTarget`."""

    #: "aws" or "local" (for --json output)
    name: str = ""
    #: appended to the `zonke` commands the CLI suggests as next steps (" --local" or "")
    cli_flag: str = ""
    #: appended to the workspace folder's name, so a local and an AWS stack never share state
    workspace_suffix: str = ""
    #: True when a destroy must be confirmed (--yes) because it deletes real data
    confirm_destroy: bool = True

    @property
    @abstractmethod
    def description(self) -> str:
        """A few words for messages and --json output: "AWS" or "the local emulator at URL"."""

    @abstractmethod
    def tfvars_overrides(self, config: AppConfig, rendered: Mapping[str, Any]) -> dict[str, Any]:
        """Variables to set on top of what ``zonke.toml`` renders to (``rendered``)."""

    @abstractmethod
    def backend_file(self) -> str | None:
        """The contents of the backend file of the stack root, or None for local state."""

    @abstractmethod
    def backend_args(self, config: AppConfig) -> list[str]:
        """``terraform init`` arguments that configure the backend."""

    @abstractmethod
    def provider_override(self, region: str, aliases: Collection[str] = DEFAULT_ALIASES) -> str | None:
        """An override file for the stack's aws provider (and its ``aliases``: each must be
        declared by the root, as an override of an undeclared alias is an error), or None to
        keep them as they are."""

    @abstractmethod
    def environ(self, base: Mapping[str, str]) -> dict[str, str]:
        """The environment of Terraform's process, from ``base``."""

    @abstractmethod
    def client_factory(self, region: str) -> ClientFactory:
        """A function making boto3 clients for the day-2 operations."""

    def after_destroy(self) -> bool:
        """Called after a successful destroy; True if it stopped something (the emulator)."""
        return False

    def prepare_backend(self, config: AppConfig) -> None:
        """Make sure the state's home exists before ``terraform init`` (on AWS that is
        `zonke bootstrap`'s job, run once by a person)."""
        return None

    def init_args(self, root: Path) -> list[str]:
        """Extra ``terraform init`` arguments for the stack root ``root``."""
        return []

    def db_ca_bundle(self, config: AppConfig) -> str:
        """The RDS CA bundle of the stack's region (:mod:`zonke_tf.dbca`), for the stack's
        ``db_ca_bundle``: the containers verify the database server with it."""
        from zonke_tf.dbca import region_bundle

        return region_bundle(config.app.region)

    def app_image_exists(self, config: AppConfig) -> bool:
        """Whether the stack's web service has an image to run, read from where the stack
        lives (:func:`zonke_tf.ops.app_image_exists`): the stack's ``app_image_exists``."""
        from zonke_tf.ops import app_image_exists, stack_names

        names = stack_names(config.prefix)
        return app_image_exists(
            self.client_factory(config.app.region), names["cluster"], names["service"], names["repository"]
        )


class AwsTarget(Target):
    """A real AWS account: credentials from the usual AWS sources, state in S3."""

    name = "aws"
    cli_flag = ""
    workspace_suffix = ""
    confirm_destroy = True

    @property
    def description(self) -> str:
        return "AWS"

    def tfvars_overrides(self, config: AppConfig, rendered: Mapping[str, Any]) -> dict[str, Any]:
        return {}

    def backend_file(self) -> str | None:
        # The stack ships its own `backend "s3" {}` block (backend.tf), the one the pipeline
        # uses too; workspaces written by older versions had a copy here, which is removed.
        return None

    def backend_args(self, config: AppConfig) -> list[str]:
        state = config.state
        if not state.bucket:
            raise ConfigError(
                'state.bucket is not set: add [state] bucket = "<an S3 bucket for Terraform state>" '
                "to zonke.toml, or use --local to deploy into the local emulator"
            )
        return s3_backend_args(config, state.bucket)

    def provider_override(self, region: str, aliases: Collection[str] = DEFAULT_ALIASES) -> str | None:
        return None

    def environ(self, base: Mapping[str, str]) -> dict[str, str]:
        return dict(base)

    def client_factory(self, region: str) -> ClientFactory:
        import boto3

        from zonke_tf.aws_errors import translating

        session = boto3.session.Session(region_name=region)
        config = _retrying_config()
        return lambda service: translating(session.client(service, config=config))


@dataclass
class LocalTarget(Target):
    """The local AWS emulator at ``endpoint``: dummy credentials, local state, throwaway resources.

    ``stop``, when given, stops the emulator after a destroy (the background launcher's stop).
    """

    endpoint: str
    stop: Callable[[], bool] | None = None
    # The emulator's administrator key when it enforces IAM (zonke_emulator.iam.Credentials);
    # None: dummy keys.
    credentials: Any = None

    name = "local"
    cli_flag = " --local"
    workspace_suffix = "-local"
    confirm_destroy = False

    @property
    def description(self) -> str:
        return f"the local emulator at {self.endpoint}"

    def tfvars_overrides(self, config: AppConfig, rendered: Mapping[str, Any]) -> dict[str, Any]:
        return local_tfvars_overrides(config, rendered)

    def db_ca_bundle(self, config: AppConfig) -> str:
        # The emulator's database is no server: nothing to verify, and no internet here.
        return ""

    def backend_file(self) -> str | None:
        return None

    def backend_args(self, config: AppConfig) -> list[str]:
        # The same S3 backend as on AWS, in the emulator's S3: the pipeline's Infrastructure
        # stage, run locally, finds the state `zonke deploy --local` wrote.
        return s3_backend_args(config, local_state_bucket(config))

    def prepare_backend(self, config: AppConfig) -> None:
        from zonke_tf.bootstrap import ensure_state_bucket

        s3 = self.client_factory(state_region(config))("s3")
        bucket = local_state_bucket(config)
        try:
            s3.head_bucket(Bucket=bucket)
        except Exception:  # missing: what `zonke bootstrap` makes on AWS, made here
            ensure_state_bucket(s3, bucket, state_region(config))

    def init_args(self, root: Path) -> list[str]:
        # The backend's endpoint is the emulator's URL, which changes when it restarts (and
        # its S3 starts empty): take the new settings as they are. A local state file left
        # by an older zonke (local backend) is copied into the bucket instead.
        if (root / "terraform.tfstate").is_file():
            return ["-migrate-state", "-force-copy"]
        return ["-reconfigure"]

    def provider_override(self, region: str, aliases: Collection[str] = DEFAULT_ALIASES) -> str:
        from zonke_tf.local import provider_block

        # An override file merges into the root's provider block, keeping its default_tags:
        # https://developer.hashicorp.com/terraform/language/files/override
        # The example root's us-east-1 alias (CloudFront's certificate, domain.tf) must
        # reach the emulator too.
        blocks = [provider_block(self.endpoint, region, keys=False)]
        for alias in sorted(aliases):
            blocks.append(
                provider_block(self.endpoint, ALIAS_REGIONS.get(alias, region), keys=False).replace(
                    'provider "aws" {\n', f'provider "aws" {{\n  alias                       = "{alias}"\n', 1
                )
            )
        # The stack's backend "s3" block, pointed at the emulator (an override's backend
        # block replaces the root's); bucket, key and region come with -backend-config as on
        # AWS. https://developer.hashicorp.com/terraform/language/backend/s3
        backend = (
            'terraform {\n  backend "s3" {\n'
            f'    endpoints                   = {{ s3 = "{self.endpoint}", sts = "{self.endpoint}" }}\n'
            "    use_path_style              = true\n"
            "    skip_credentials_validation = true\n"
            "    skip_requesting_account_id  = true\n"
            "    skip_metadata_api_check     = true\n"
            "    skip_region_validation      = true\n"
            "  }\n}\n\n"
        )
        return (
            "# Written by zonke for --local: every AWS call goes to the emulator on 127.0.0.1,\n"
            "# the state too (its S3).\n" + backend + "".join(blocks)
        )

    def environ(self, base: Mapping[str, str]) -> dict[str, str]:
        from zonke_tf.local import DUMMY_CREDENTIALS

        env = {k: v for k, v in base.items() if not k.startswith("AWS_")}
        env.update(DUMMY_CREDENTIALS)
        if self.credentials is not None:
            if self.credentials.session_token is None:
                env.pop("AWS_SESSION_TOKEN", None)
            env.update(self.credentials.env())
        return env

    def client_factory(self, region: str) -> ClientFactory:
        import boto3

        creds = self.credentials
        session = boto3.session.Session(
            aws_access_key_id=creds.access_key_id if creds else "testing",
            aws_secret_access_key=creds.secret_access_key if creds else "testing",
            aws_session_token=creds.session_token if creds else None,
            region_name=region,
        )
        from zonke_tf.aws_errors import translating

        config = _retrying_config()
        endpoint = self.endpoint
        return lambda service: translating(session.client(service, endpoint_url=endpoint, config=config))

    def after_destroy(self) -> bool:
        if self.stop is None or os.environ.get(KEEP_EMULATOR_ENV):
            return False
        return self.stop()


def state_region(config: AppConfig) -> str:
    return config.state.region or config.app.region


def state_key(config: AppConfig) -> str:
    """The state object's key; the stack root computes the same default (local.state_key)."""
    return config.state.key or f"zonke/{config.app.name}/{config.app.environment}/terraform.tfstate"


def local_state_bucket(config: AppConfig) -> str:
    """The local stack's state bucket in the emulator (the stack's `state_bucket` too),
    whatever bucket the config names for AWS."""
    return f"{config.prefix}-local-state"


def s3_backend_args(config: AppConfig, bucket: str) -> list[str]:
    """``terraform init`` arguments of the S3 backend: S3-native state locking (use_lockfile)
    and server-side encryption of the state object,
    https://developer.hashicorp.com/terraform/language/backend/s3"""
    return [
        f"-backend-config=bucket={bucket}",
        f"-backend-config=key={state_key(config)}",
        f"-backend-config=region={state_region(config)}",
        "-backend-config=use_lockfile=true",
        "-backend-config=encrypt=true",
    ]


def target_for(endpoint: str | None) -> Target:
    """The target of an emulator endpoint, or AWS for None (for callers that hold an endpoint)."""
    return LocalTarget(endpoint) if endpoint else AwsTarget()


def local_tfvars_overrides(config: AppConfig, rendered: Mapping[str, Any]) -> dict[str, Any]:
    """What local mode sets on top of the config: throwaway resources, and stand-ins for what
    the emulator lacks (a CodeConnections connection, CloudFront cache policies)."""
    overrides: dict[str, Any] = {
        "db_deletion_protection": False,
        "db_skip_final_snapshot": True,
        "alb_deletion_protection": False,
        "force_destroy": True,
        "cdn_app_cache_policy_id": MANAGED_CACHING_DISABLED,
    }
    if not rendered.get("connection_arn"):
        overrides["connection_arn"] = LOCAL_CONNECTION_ARN.format(region=config.app.region)
    overrides["create_connection"] = False  # the emulator has no CodeConnections
    if not rendered.get("repository_id"):
        overrides["repository_id"] = f"local/{config.app.name}"
    overrides["state_bucket"] = local_state_bucket(config)
    return overrides
