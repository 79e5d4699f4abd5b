"""What the deployment files may refer to: environment variables read by the settings or by
the gunicorn config, management commands, Celery queues and modules that exist."""

from __future__ import annotations

import re
import shlex
from functools import cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"

# env.str("NAME", ...), env.bool("NAME"), env.db_url("NAME"), "NAME" in os.environ, environ.get
_ENV_CALL = re.compile(r"""env\.\w+\(\s*["']([A-Z][A-Z0-9_]*)["']""")
_OS_ENVIRON = re.compile(r"""["']([A-Z][A-Z0-9_]*)["']\s+in\s+os\.environ""")
_ENVIRON_GET = re.compile(r"""os\.environ\.get\(\s*["']([A-Z][A-Z0-9_]*)["']""")


@cache
def settings_env_names() -> frozenset[str]:
    text = (ROOT / "backend" / "settings.py").read_text()
    return frozenset(_ENV_CALL.findall(text)) | frozenset(_OS_ENVIRON.findall(text))


@cache
def gunicorn_env_names() -> frozenset[str]:
    return frozenset(_ENVIRON_GET.findall((INFRA / "gunicorn.conf.py").read_text()))


# Read by the image itself or by the containers' own entry points, not by Django.
RUNTIME_ENV = frozenset({"DJANGO_SETTINGS_MODULE", "PORT", "POD_NAME"})


def app_env_names() -> frozenset[str]:
    return settings_env_names() | gunicorn_env_names() | RUNTIME_ENV


@cache
def management_commands() -> frozenset[str]:
    import django
    from django.core.management import get_commands

    django.setup()
    return frozenset(get_commands())


def celery_queues() -> set[str]:
    from django.conf import settings

    return {q.name for q in settings.CELERY_TASK_QUEUES}


def load_yaml_docs(path: Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def split_command(command: str | list[str]) -> list[list[str]]:
    """The simple commands of a container command: ["sh", "-c", "a && b"] -> [a..., b...]."""
    argv = shlex.split(command) if isinstance(command, str) else list(command)
    if argv[:2] in (["/bin/sh", "-c"], ["sh", "-c"]):
        script = argv[2]
        return [shlex.split(part) for part in re.split(r"&&|\|\||;", script) if part.strip()]
    return [argv]


def check_command(argv: list[str]) -> list[str]:
    """Problems with one simple command run in the app image (empty list: fine)."""
    import importlib

    problems: list[str] = []
    program = argv[0]
    if program == "python" and argv[1:2] == ["manage.py"]:
        if argv[2] not in management_commands():
            problems.append(f"unknown management command {argv[2]!r}")
    elif program == "gunicorn":
        if "-c" in argv:
            config = argv[argv.index("-c") + 1]
            if not (ROOT / config).is_file():
                problems.append(f"gunicorn config {config} missing")
        module, _, attr = argv[-1].partition(":")
        if not hasattr(importlib.import_module(module), attr):
            problems.append(f"{argv[-1]} does not exist")
    elif program == "celery":
        app_module = argv[argv.index("-A") + 1]
        importlib.import_module(app_module)
        sub = next(a for a in argv[argv.index("-A") + 2 :] if not a.startswith("-"))
        if sub not in {"worker", "beat", "inspect", "call"}:
            problems.append(f"unexpected celery subcommand {sub!r}")
        if "-Q" in argv:
            unknown = set(argv[argv.index("-Q") + 1].split(",")) - celery_queues()
            if unknown:
                problems.append(f"queues {unknown} not in CELERY_TASK_QUEUES")
    else:
        problems.append(f"unexpected program {program!r}")
    return problems
