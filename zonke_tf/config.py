"""The app config (``zonke.toml``): load, validate, and render to ``terraform.tfvars.json``.

A config file describes one Django app. Environments are tables under ``[env.<name>]``
whose keys override the base tables (``[env.staging.compute]`` overrides ``[compute]``).
Validation runs before anything touches AWS and names the field, the bad value and the
allowed range.
"""

from __future__ import annotations

import ipaddress
import json
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from zonke_tf.errors import ConfigError

CONFIG_FILE = "zonke.toml"

# Fargate task sizes AWS accepts: cpu units -> allowed memory (MiB).
FARGATE_MEMORY: dict[int, list[int]] = {
    256: [512, 1024, 2048],
    512: [1024 * g for g in range(1, 5)],
    1024: [1024 * g for g in range(2, 9)],
    2048: [1024 * g for g in range(4, 17)],
    4096: [1024 * g for g in range(8, 31)],
    8192: [1024 * g for g in range(16, 61, 4)],
    16384: [1024 * g for g in range(32, 121, 8)],
}

_NAME = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$")
_ENV_VAR = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_REGION = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")
_ARN = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+$")
# Secret keys the stack itself provides; an app must not declare them.
RESERVED_SECRET_KEYS = frozenset(
    {"DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD", "DJANGO_SECRET_KEY"}
)


def valid_branch(name: str) -> bool:
    """A git branch name as ``git check-ref-format --branch`` accepts it (the common rules)."""
    if not name or len(name) > 255 or name.startswith(("-", "/")) or name.endswith(("/", ".", ".lock")):
        return False
    if any(bad in name for bad in ("..", "//", "@{", "\\", " ", "~", "^", ":", "?", "*", "[")):
        return False
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return False
    return all(part and not part.startswith(".") for part in name.split("/"))


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class App(_Section):
    name: Annotated[str, Field(description="App name: lowercase letters, digits, hyphens")]
    environment: str = "prod"
    region: str = "us-east-1"

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not (2 <= len(v) <= 20) or not _NAME.match(v) or "--" in v:
            raise ValueError(
                f"{v!r} is not allowed: use 2-20 lowercase letters, digits and single hyphens, "
                "starting with a letter (for example 'shop')"
            )
        return v

    @field_validator("environment")
    @classmethod
    def _env(cls, v: str) -> str:
        if not (1 <= len(v) <= 10) or not re.match(r"^[a-z][a-z0-9]*$", v):
            raise ValueError(
                f"{v!r} is not allowed: use 1-10 lowercase letters and digits, starting with a letter "
                "(for example 'prod' or 'staging')"
            )
        return v

    @field_validator("region")
    @classmethod
    def _region(cls, v: str) -> str:
        if not _REGION.match(v):
            raise ValueError(f"{v!r} is not an AWS region name (for example 'eu-west-1')")
        return v


class Network(_Section):
    cidr: str = "10.0.0.0/16"
    az_count: Literal[2, 3] = 2
    nat: Literal["single", "per_az"] = "single"

    @field_validator("cidr")
    @classmethod
    def _cidr(cls, v: str) -> str:
        try:
            net = ipaddress.IPv4Network(v, strict=True)
        except ValueError as exc:
            raise ValueError(f"{v!r} is not an IPv4 network address with a prefix ({exc})") from None
        if not 16 <= net.prefixlen <= 24:
            raise ValueError(f"{v!r} has prefix /{net.prefixlen}; allowed: /16 to /24")
        if not net.is_private:
            raise ValueError(f"{v!r} is not a private range; use one inside 10/8, 172.16/12 or 192.168/16")
        return v


class Compute(_Section):
    capacity: Literal["FARGATE", "FARGATE_SPOT", "EC2"] = "FARGATE"
    cpu: int = 512
    memory: int = 1024
    min: Annotated[int, Field(ge=1, le=100)] = 1
    max: Annotated[int, Field(ge=1, le=100)] = 4
    cpu_target: Annotated[int, Field(ge=10, le=90)] = 60
    requests_per_target: Annotated[int, Field(ge=10, le=100000)] = 1000
    instance_type: str = "t3.small"

    @model_validator(mode="after")
    def _pairs(self) -> Compute:
        if self.capacity != "EC2":
            allowed = FARGATE_MEMORY.get(self.cpu)
            if allowed is None:
                raise ValueError(f"cpu={self.cpu} is not a Fargate size; allowed: {sorted(FARGATE_MEMORY)}")
            if self.memory not in allowed:
                raise ValueError(
                    f"memory={self.memory} does not fit cpu={self.cpu} on Fargate; allowed: "
                    f"{allowed[0]} to {allowed[-1]} MiB in steps of {allowed[1] - allowed[0]}"
                )
        if self.min > self.max:
            raise ValueError(f"min={self.min} is above max={self.max}; min must be <= max")
        return self


class Database(_Section):
    engine: Literal["postgres", "mysql"] = "postgres"
    version: str | None = None
    instance_class: str = "db.t4g.micro"
    storage: Annotated[int, Field(ge=20, le=65536)] = 20
    max_storage: Annotated[int, Field(ge=0, le=65536)] = 100
    multi_az: bool = False
    deletion_protection: bool = True

    @field_validator("instance_class")
    @classmethod
    def _class(cls, v: str) -> str:
        if not re.match(r"^db\.[a-z0-9]+\.[a-z0-9]+$", v):
            raise ValueError(f"{v!r} is not an RDS instance class (for example 'db.t4g.micro')")
        return v

    @model_validator(mode="after")
    def _storage(self) -> Database:
        # RDS storage autoscaling needs a ceiling at least 10 % above the allocated storage.
        least = -(-self.storage * 11 // 10)
        if self.max_storage != 0 and self.max_storage < least:
            raise ValueError(
                f"max_storage={self.max_storage} is too close to storage={self.storage}: use 0 (no storage "
                f"autoscaling) or at least {least} (10 % above storage), up to 65536"
            )
        return self


class Secrets(_Section):
    keys: list[str] = Field(default_factory=list)

    @field_validator("keys")
    @classmethod
    def _keys(cls, v: list[str]) -> list[str]:
        for key in v:
            if not _ENV_VAR.match(key):
                raise ValueError(
                    f"{key!r} is not an environment variable name; "
                    "use A-Z, 0-9 and _ (for example 'STRIPE_KEY')"
                )
            if key in RESERVED_SECRET_KEYS:
                raise ValueError(f"{key!r} is provided by the stack itself; choose another name")
        if len(set(v)) != len(v):
            raise ValueError("keys must not repeat a name")
        return sorted(v)


class Pipeline(_Section):
    repository: str | None = None
    branch: str = "main"
    connection_arn: str | None = None
    require_approval: bool = False

    @field_validator("repository")
    @classmethod
    def _repo(cls, v: str | None) -> str | None:
        if v is not None and not _REPO.match(v):
            raise ValueError(f"{v!r} is not a repository id; use 'owner/name' (for example 'acme/shop')")
        return v

    @field_validator("branch")
    @classmethod
    def _branch(cls, v: str) -> str:
        if not valid_branch(v):
            raise ValueError(f"{v!r} is not a valid git branch name (for example 'main' or 'release/2026')")
        return v

    @field_validator("connection_arn")
    @classmethod
    def _conn(cls, v: str | None) -> str | None:
        if v is not None and not (
            _ARN.match(v) and (":codestar-connections:" in v or ":codeconnections:" in v)
        ):
            raise ValueError(
                f"{v!r} is not a CodeConnections ARN (arn:aws:codeconnections:REGION:ACCOUNT:connection/ID)"
            )
        return v


class Domain(_Section):
    name: str | None = None
    certificate_arn: str | None = None

    @model_validator(mode="after")
    def _pair(self) -> Domain:
        if (self.name is None) != (self.certificate_arn is None):
            raise ValueError("name and certificate_arn go together: set both or neither")
        if self.name is not None and not re.match(
            r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", self.name
        ):
            raise ValueError(f"{self.name!r} is not a lowercase DNS name (for example 'shop.example.com')")
        if self.certificate_arn is not None and not (
            _ARN.match(self.certificate_arn) and ":acm:us-east-1:" in self.certificate_arn
        ):
            raise ValueError(
                f"{self.certificate_arn!r} is not an ACM certificate ARN in us-east-1 "
                "(CloudFront only uses certificates from us-east-1)"
            )
        return self


class State(_Section):
    bucket: str | None = None
    key: str | None = None
    region: str | None = None


class AppConfig(_Section):
    app: App
    network: Network = Network()
    compute: Compute = Compute()
    database: Database = Database()
    secrets: Secrets = Secrets()
    pipeline: Pipeline = Pipeline()
    domain: Domain = Domain()
    state: State = State()
    tags: dict[str, str] = Field(default_factory=dict)

    @property
    def prefix(self) -> str:
        return f"{self.app.name}-{self.app.environment}"

    @model_validator(mode="after")
    def _derived_names(self) -> AppConfig:
        # Names the stack derives from app.name and app.environment, with AWS's limits.
        for what, name, limit in derived_names(self.prefix):
            if len(name) > limit:
                raise ValueError(
                    f"app.name + app.environment make the {what} name {name!r} ({len(name)} chars), "
                    f"over AWS's limit of {limit}; shorten app.name or app.environment by "
                    f"{len(name) - limit}"
                )
        return self

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: dict[str, str]) -> dict[str, str]:
        for k, val in v.items():
            if not (1 <= len(k) <= 128) or len(val) > 256 or k.lower().startswith("aws:"):
                raise ValueError(f"tag {k!r}: keys are 1-128 chars and not 'aws:'; values up to 256 chars")
        return dict(sorted(v.items()))


def derived_names(prefix: str) -> list[tuple[str, str, int]]:
    """(what, name, AWS limit) of each name the stack builds from the prefix (``app-env``).

    They follow the modules: the ALB is named after the prefix and its target group adds a
    4-character hash; the static bucket adds ``-static-`` and the account ID; the database
    identifier is the prefix. IAM roles and other generated names cut the prefix to fit.
    """
    account = "123456789012"
    return [
        ("ALB", prefix, 32),
        ("target group", f"{prefix}-0a1b", 32),
        ("static S3 bucket", f"{prefix}-static-{account}", 63),
        ("RDS identifier", prefix, 63),
    ]


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _format_errors(exc: ValidationError, source: str) -> str:
    lines = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or "app"
        msg = err["msg"].removeprefix("Value error, ")
        value = err.get("input")
        shown = "" if isinstance(value, dict) or err["type"] == "missing" else f" (got {value!r})"
        if err["type"] == "extra_forbidden":
            msg = "unknown setting; check the spelling against `zonke init`'s starter file"
        lines.append(f"  {field}: {msg}{shown}")
    return f"{source} is not valid:\n" + "\n".join(lines)


def parse_config(data: Mapping[str, Any], env: str | None = None, source: str = CONFIG_FILE) -> AppConfig:
    """Validate a config mapping (as read from TOML), applying ``[env.<env>]`` overrides."""
    data = dict(data)
    envs = data.pop("env", {}) or {}
    if not isinstance(envs, Mapping):
        raise ConfigError(f"{source} is not valid:\n  env: must be a table of environments")
    if env is not None:
        if env in envs:
            data = _merge(data, envs[env])
        elif env != (data.get("app") or {}).get("environment", "prod"):
            raise ConfigError(
                f"{source} has no environment {env!r}; defined: {', '.join(sorted(envs)) or 'none'} "
                f"(add an [env.{env}] table)"
            )
        data = _merge(data, {"app": {"environment": env}})
    try:
        return AppConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_format_errors(exc, source)) from None


def find_config(start: Path | None = None) -> Path:
    """The nearest ``zonke.toml`` from ``start`` (default: the current folder) upwards."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate
    raise ConfigError(
        f"no {CONFIG_FILE} in {here} or its parents: run `zonke init` to write a starter file, "
        "or pass --config PATH"
    )


def load_config(path: Path | None = None, env: str | None = None) -> AppConfig:
    path = path or find_config()
    try:
        data = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise ConfigError(f"{path} does not exist: run `zonke init` or pass --config PATH") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    return parse_config(data, env=env, source=str(path))


def to_tfvars(config: AppConfig) -> dict[str, Any]:
    """The stack root's variables, from a validated config."""
    c = config
    return {
        "app_name": c.app.name,
        "environment": c.app.environment,
        "region": c.app.region,
        "vpc_cidr": c.network.cidr,
        "az_count": c.network.az_count,
        "nat_gateway_mode": c.network.nat,
        "capacity_type": c.compute.capacity,
        "cpu": c.compute.cpu,
        "memory": c.compute.memory,
        "min_count": c.compute.min,
        "max_count": c.compute.max,
        "cpu_target": c.compute.cpu_target,
        "requests_per_target": c.compute.requests_per_target,
        "ec2_instance_type": c.compute.instance_type,
        "db_engine": c.database.engine,
        "db_engine_version": c.database.version,
        "db_instance_class": c.database.instance_class,
        "db_allocated_storage": c.database.storage,
        "db_max_allocated_storage": c.database.max_storage,
        "db_multi_az": c.database.multi_az,
        "db_deletion_protection": c.database.deletion_protection,
        "secret_keys": list(c.secrets.keys),
        "repository_id": c.pipeline.repository,
        "branch": c.pipeline.branch,
        "connection_arn": c.pipeline.connection_arn,
        "require_approval": c.pipeline.require_approval,
        "state_bucket": c.state.bucket,
        "state_key": c.state.key,
        "domain_name": c.domain.name,
        "certificate_arn": c.domain.certificate_arn,
        "tags": dict(c.tags),
    }


def render_tfvars(config: AppConfig) -> str:
    """Deterministic ``terraform.tfvars.json`` text: same config, byte-identical output."""
    return json.dumps(to_tfvars(config), indent=2, sort_keys=True, ensure_ascii=True) + "\n"


STARTER = """# zonke.toml: how Zonké TF deploys this Django app. Every setting but app.name is optional;
# the values shown are the defaults. Docs: https://github.com/zonke-tf/zonke-tf

[app]
name = "{name}"                # 2-20 chars: lowercase letters, digits, hyphens
environment = "prod"           # 1-10 lowercase letters/digits; override per environment below
region = "us-east-1"

[network]
cidr = "10.0.0.0/16"           # private range, /16 to /24
az_count = 2                   # 2 or 3
nat = "single"                 # "single" (cheap) or "per_az" (survives an AZ outage)

[compute]
capacity = "FARGATE"           # "FARGATE", "FARGATE_SPOT" (mix with on-demand) or "EC2"
cpu = 512                      # Fargate units: 256, 512, 1024, 2048, 4096, 8192, 16384
memory = 1024                  # MiB; must fit cpu on Fargate (512: 1024-4096)
min = 1                        # tasks: autoscaling stays between min and max
max = 4
cpu_target = 60                # % CPU the autoscaling aims for
requests_per_target = 1000     # ALB requests per task per minute the autoscaling aims for

[database]
engine = "postgres"            # or "mysql"
instance_class = "db.t4g.micro"
storage = 20                   # GiB; grows automatically up to max_storage
max_storage = 100               # GiB ceiling of storage autoscaling (0: off; else >= storage + 10 %)
multi_az = false
deletion_protection = true

[secrets]
keys = []                      # env var names your app reads, e.g. ["STRIPE_API_KEY"]; set values
                               # with `zonke secrets set NAME VALUE`

[pipeline]
# repository = "acme/shop"     # owner/name on GitHub, GitLab or Bitbucket
branch = "main"
# connection_arn = "arn:aws:codeconnections:us-east-1:123456789012:connection/..."
require_approval = false       # a manual approval before each deploy

[domain]
# name = "shop.example.com"
# certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/..."  # must be us-east-1

[state]
# bucket = "acme-terraform-state"   # S3 bucket for Terraform state (not needed with --local)

[tags]
# team = "web"

# Per-environment overrides: any table above, under env.<name>.
# [env.staging.compute]
# min = 1
# max = 2
"""


def starter_config(name: str) -> str:
    """The commented starter file ``zonke init`` writes (validated before it is returned)."""
    text = STARTER.replace("{name}", name)
    parse_config(tomllib.loads(text))
    return text
