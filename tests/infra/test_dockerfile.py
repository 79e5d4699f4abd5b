"""The Dockerfile: multi-stage, pinned base, lock-file install, non-root, health check."""

from __future__ import annotations

import json
import re
import shlex

from .refs import ROOT, check_command

DOCKERFILE = (ROOT / "Dockerfile").read_text()


def instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_multi_stage_with_a_pinned_python_311_slim_base():
    froms = [rest for word, rest in instructions() if word == "FROM"]
    assert len(froms) >= 2
    (arg,) = [rest for word, rest in instructions() if word == "ARG" and "PYTHON_IMAGE" in rest]
    image = arg.split("=", 1)[1]
    # An exact patch release (or a digest), never a floating tag like 3.11-slim.
    assert re.match(r"python:3\.11\.\d+-slim(-\w+)?(@sha256:[0-9a-f]{64})?$", image), image


def test_installs_from_the_lock_file():
    assert "requirements/base.lock" in DOCKERFILE
    assert (ROOT / "requirements" / "base.lock").is_file()
    assert "--no-deps -r /tmp/base.lock" in DOCKERFILE


def test_runs_as_non_root_and_collects_static():
    users = [rest for word, rest in instructions() if word == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert any("collectstatic --noinput" in rest for word, rest in instructions() if word == "RUN")
    assert "CompressedManifestStaticFilesStorage" in DOCKERFILE


def test_health_check_and_command():
    (health,) = [rest for word, rest in instructions() if word == "HEALTHCHECK"]
    assert "/healthz" in health
    (cmd,) = [rest for word, rest in instructions() if word == "CMD"]
    argv = json.loads(cmd)
    assert argv[0] == "gunicorn"
    assert not check_command(argv)


def test_dockerignore_keeps_secrets_and_local_state_out():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".git", ".venv", ".env", "var", "infra/.env"} <= ignored
    assert not any(shlex.split(line) == ["requirements"] for line in ignored)


def test_gunicorn_config_and_app_load():
    import subprocess
    import sys

    from .test_deploy import compose_web_env, strong_key

    env = {**compose_web_env(strong_key()), "DJANGO_SETTINGS_MODULE": "backend.settings"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--check-config",
            "-c",
            "infra/gunicorn.conf.py",
            "backend.wsgi:application",
        ],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
