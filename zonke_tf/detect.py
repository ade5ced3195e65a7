"""What `zonke init` finds in an existing Django project, and the files it writes from it.

Everything here reads files only: no import of the project, no network. What cannot be
decided (two settings modules that both look like production, no WSGI module) is written
as a comment in zonke.toml for the person to settle.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from zonke_tf.config import starter_config

SKIP_DIRS = {".git", ".venv", "venv", "env", "node_modules", ".zonke", "__pycache__", ".tox", "site-packages"}
REQUIREMENT_FILES = (
    "requirements.txt",
    "requirements/production.txt",
    "requirements/prod.txt",
    "requirements/base.txt",
    "pyproject.toml",
    "Pipfile",
    "poetry.lock",
    "uv.lock",
    "Pipfile.lock",
    "setup.py",
)
_PRODUCTION = ("production", "prod", "live", "deploy")
_DEVELOPMENT = ("dev", "local", "test", "ci")
_POSTGRES_DRIVERS = ("psycopg", "psycopg2", "psycopg2-binary", "psycopg-binary", "psycopg[binary]")


@dataclass
class Dockerfile:
    path: str
    workdir: str | None = None
    entrypoint: list[str] | None = None
    cmd: list[str] | None = None
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Detected:
    project_path: str | None = None
    settings_modules: list[str] = field(default_factory=list)
    settings_module: str | None = None
    wsgi_module: str | None = None
    asgi_module: str | None = None
    requirement_files: list[str] = field(default_factory=list)
    dockerfile: Dockerfile | None = None
    static_root: str | None = None
    has_gunicorn: bool = False
    has_postgres_driver: bool = False
    notes: list[str] = field(default_factory=list)


def _walk(root: Path, pattern: str) -> list[Path]:
    found = []
    for path in sorted(root.rglob(pattern)):
        if not any(part in SKIP_DIRS for part in path.relative_to(root).parts[:-1]):
            found.append(path)
    return found


def _module(root: Path, path: Path) -> str:
    rel = path.relative_to(root).with_suffix("")
    return ".".join(rel.parts)


def _exec_form(value: str) -> list[str]:
    value = value.strip()
    if value.startswith("["):
        return [s for s in re.findall(r'"((?:[^"\\]|\\.)*)"', value)]
    return ["/bin/sh", "-c", value]


def parse_dockerfile(path: Path, root: Path) -> Dockerfile:
    """WORKDIR, ENTRYPOINT, CMD and ENV of the last stage (line continuations joined)."""
    text = re.sub(r"\\\n", " ", path.read_text(errors="replace"))
    found = Dockerfile(path=path.relative_to(root).as_posix())
    for line in text.splitlines():
        match = re.match(r"^\s*(FROM|WORKDIR|ENTRYPOINT|CMD|ENV)\s+(.*)$", line, re.IGNORECASE)
        if not match:
            continue
        word, rest = match.group(1).upper(), match.group(2)
        if word == "FROM":
            found = Dockerfile(path=found.path)
        elif word == "WORKDIR":
            found.workdir = (
                rest.strip() if rest.strip().startswith("/") else f"{found.workdir or ''}/{rest.strip()}"
            )
        elif word == "ENTRYPOINT":
            found.entrypoint = _exec_form(rest)
        elif word == "CMD":
            found.cmd = _exec_form(rest)
        elif word == "ENV":
            found.env.update(_env_form(rest))
    return found


def _env_form(rest: str) -> dict[str, str]:
    """`ENV A=1 B="two words"`, or the legacy `ENV A one value` (one variable, the rest its value)."""
    try:
        words = shlex.split(rest)
    except ValueError:
        return {}
    if words and "=" not in words[0]:
        return {words[0]: " ".join(words[1:])}
    return dict(word.split("=", 1) for word in words if "=" in word)


def detect_project(root: Path) -> Detected:
    root = root.resolve()
    found = Detected()
    manage = _walk(root, "manage.py")
    if not manage:
        found.notes.append("no manage.py found: set [django] project_path to the folder that holds it")
        return found
    app_dir = manage[0].parent
    if len(manage) > 1:
        found.notes.append(f"several manage.py files; using {manage[0].relative_to(root).as_posix()}")
    found.project_path = app_dir.relative_to(root).as_posix() or "."

    text = manage[0].read_text(errors="replace")
    default = re.search(r"DJANGO_SETTINGS_MODULE['\"]\s*,\s*['\"]([\w.]+)['\"]", text)
    settings = [
        _module(app_dir, p)
        for p in _walk(app_dir, "*.py")
        if (p.name == "settings.py" or p.parent.name == "settings") and p.name != "__init__.py"
    ]
    found.settings_modules = settings
    production = [m for m in settings if any(w in m.rsplit(".", 1)[-1] for w in _PRODUCTION)]
    if len(production) == 1:
        found.settings_module = production[0]
    elif default and not any(w in default.group(1).rsplit(".", 1)[-1] for w in _DEVELOPMENT):
        found.settings_module = None  # manage.py's default is fine: no need to set it
    else:
        found.notes.append(
            "could not tell which settings module is for production: set [django] settings_module "
            f"(found: {', '.join(settings) or 'none'})"
        )
    if default and found.settings_module is None and settings and len(production) != 1:
        dev_default = any(w in default.group(1).rsplit(".", 1)[-1] for w in _DEVELOPMENT)
        if dev_default:
            found.notes.append(
                f"manage.py defaults to {default.group(1)}, which looks like development settings"
            )

    wsgi = [p for p in _walk(app_dir, "wsgi.py")]
    asgi = [p for p in _walk(app_dir, "asgi.py")]
    found.wsgi_module = _module(app_dir, wsgi[0]) if wsgi else None
    found.asgi_module = _module(app_dir, asgi[0]) if asgi else None
    if not wsgi:
        found.notes.append("no wsgi.py found: set [django] wsgi_application (or asgi_application)")

    for name in REQUIREMENT_FILES:
        for base in (app_dir, root):
            if (base / name).is_file():
                rel = (base / name).relative_to(root).as_posix()
                if rel not in found.requirement_files:
                    found.requirement_files.append(rel)
    deps = " ".join((root / f).read_text(errors="replace").lower() for f in found.requirement_files)
    found.has_gunicorn = bool(re.search(r"\bgunicorn\b", deps))
    found.has_postgres_driver = any(d in deps for d in _POSTGRES_DRIVERS)
    if not found.has_gunicorn:
        found.notes.append("gunicorn is not in your requirements: the stack serves the app with it; add it")
    if not found.has_postgres_driver:
        found.notes.append("no PostgreSQL driver in your requirements: add psycopg[binary]")

    for base in (app_dir, root):
        if (base / "Dockerfile").is_file():
            found.dockerfile = parse_dockerfile(base / "Dockerfile", root)
            break

    for module in [found.settings_module, *settings]:
        if module is None:
            continue
        source = (app_dir / Path(*module.split("."))).with_suffix(".py").read_text(errors="replace")
        match = re.search(r"^STATIC_ROOT\s*=\s*(.+)$", source, re.MULTILINE)
        if match:
            folder = re.findall(r"['\"]([\w./-]+)['\"]", match.group(1))
            if "BASE_DIR" in match.group(1) and folder:
                workdir = (found.dockerfile.workdir if found.dockerfile else None) or "/app"
                found.static_root = f"{workdir.rstrip('/')}/{folder[-1].strip('/')}"
            break
    return found


def _toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def project_config(name: str, found: Detected) -> str:
    """The starter zonke.toml with a [django] table of what was found."""
    text = starter_config(name)
    start = text.index("[django]\n")
    end = text.index("[django.environment]\n")
    lines = ["[django]"]
    if found.project_path is not None:
        lines.append(f"project_path = {_toml_str(found.project_path)}   # the folder with manage.py")
    if found.dockerfile is not None:
        lines.append(f"dockerfile = {_toml_str(found.dockerfile.path)}   # found")
        if found.dockerfile.entrypoint:
            lines.append(
                f"# the image's ENTRYPOINT ({shlex.join(found.dockerfile.entrypoint)}) runs before the "
                "command; set run_entrypoint = false if it must not"
            )
    if found.wsgi_module:
        lines.append(f"wsgi_application = {_toml_str(found.wsgi_module + ':application')}")
    elif found.asgi_module:
        lines.append(f"asgi_application = {_toml_str(found.asgi_module + ':application')}")
    if found.settings_module:
        lines.append(f"settings_module = {_toml_str(found.settings_module)}   # looks like production")
    elif found.settings_modules:
        lines.append(f"# settings_module = ...   # one of: {', '.join(found.settings_modules)}")
    lines.append(
        f"static_root = {_toml_str(found.static_root or '/app/staticfiles')}   # STATIC_ROOT inside the image"
    )
    lines.append('release_commands = ["migrate --noinput"]')
    for note in found.notes:
        lines.append(f"# TODO: {note}")
    return text[:start] + "\n".join(lines) + "\n\n" + text[end:]


DOCKERFILE = """# Written by `zonke init`: a small image for the Zonké TF stack. Non-root, and fine with
# a read-only root filesystem (only /tmp is writable in the task).
FROM public.ecr.aws/docker/library/python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \\
    PYTHONUNBUFFERED=1 \\
    PIP_NO_CACHE_DIR=1 \\
    XDG_RUNTIME_DIR=/tmp

WORKDIR /app
COPY {requirements} ./requirements.txt
RUN pip install -r requirements.txt

COPY . .
# The static files manifest belongs in the image ({{% static %}} reads it).
RUN python manage.py collectstatic --noinput
RUN useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin django
USER 10001

EXPOSE 8000
CMD ["gunicorn", "{wsgi}", "--bind", "0.0.0.0:8000"]
"""


def _ignore(path: Path, line: str) -> bool:
    """Add ``line`` to an ignore file unless it is there; True when the file changed."""
    existing = path.read_text().splitlines() if path.is_file() else []
    if line in existing or line.rstrip("/") in existing:
        return False
    prefix = "" if not existing or path.read_text().endswith("\n") else "\n"
    with path.open("a") as handle:
        handle.write(f"{prefix}{line}\n")
    return True


@dataclass
class InitResult:
    written: list[str]
    detected: Detected
    notes: list[str]


def init_project(folder: Path, name: str, force: bool = False) -> InitResult:
    """Detect the project in ``folder`` and write zonke.toml (and a Dockerfile when none exists)."""
    from zonke_tf.config import CONFIG_FILE
    from zonke_tf.errors import ConfigError

    target = folder / CONFIG_FILE
    if target.exists() and not force:
        raise ConfigError(f"{target} already exists: edit it, or pass --force to overwrite it")
    found = detect_project(folder)
    written = [str(target)]
    if found.project_path is not None and found.dockerfile is None:
        app_dir = folder / found.project_path
        inside = [
            (folder / f).relative_to(app_dir).as_posix()
            for f in found.requirement_files
            if f.endswith(".txt") and (folder / f).resolve().is_relative_to(app_dir.resolve())
        ]
        requirements = inside[0] if inside else "requirements.txt"
        if not inside:
            found.notes.append(f"the Dockerfile installs {found.project_path}/requirements.txt: create it")
        (app_dir / "Dockerfile").write_text(
            DOCKERFILE.format(
                requirements=requirements, wsgi=(found.wsgi_module or "config.wsgi") + ":application"
            )
        )
        found.dockerfile = Dockerfile(
            path=(Path(found.project_path) / "Dockerfile").as_posix(), workdir="/app"
        )
        written.append(str(app_dir / "Dockerfile"))
    target.write_text(project_config(name, found))
    # .zonke/ holds the local workspaces (Terraform state of --local runs): never committed,
    # never sent to a Docker build.
    context = folder / (found.project_path or ".")
    for ignore in (folder / ".gitignore", context / ".dockerignore"):
        if _ignore(ignore, ".zonke/"):
            written.append(str(ignore))
    return InitResult(written=written, detected=found, notes=list(found.notes))
