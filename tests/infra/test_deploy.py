"""The production environment passes `manage.py check --deploy`, and static files are
collected (hashed, compressed) and served by whitenoise -- each in a fresh process with
exactly that environment, as the container would run."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys

import pytest

from .refs import INFRA, ROOT, load_yaml_docs

_INTERPOLATION = re.compile(r"\$\{([A-Z][A-Z0-9_]*)(?::([-?])([^}]*))?\}")


def env_example() -> dict[str, str]:
    values = {}
    for line in (INFRA / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    return values


def interpolate(value: str, variables: dict[str, str]) -> str:
    def sub(m: re.Match) -> str:
        name, op, arg = m.groups()
        if variables.get(name):
            return variables[name]
        if op == "?":
            raise AssertionError(f"{name} is required: {arg}")
        return arg or ""

    return _INTERPOLATION.sub(sub, value)


def compose_web_env(secret_key: str) -> dict[str, str]:
    (compose,) = load_yaml_docs(INFRA / "docker-compose.yml")
    variables = {**env_example(), "SECRET_KEY": secret_key}
    return {
        k: interpolate(str(v), variables)
        for k, v in compose["services"]["web"]["environment"].items()
    }


def k8s_env(secret_key: str) -> dict[str, str]:
    (config,) = load_yaml_docs(INFRA / "k8s" / "configmap.yaml")
    (secret,) = load_yaml_docs(INFRA / "k8s" / "secret.example.yaml")
    return {**config["data"], **secret["stringData"], "SECRET_KEY": secret_key}


def run(args: list[str], env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess:
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def strong_key() -> str:
    return secrets.token_urlsafe(50)


@pytest.mark.parametrize("source", ["docker-compose", "k8s"])
def test_production_environment_passes_check_deploy(source):
    env = compose_web_env(strong_key()) if source == "docker-compose" else k8s_env(strong_key())
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_development_defaults_fail_check_deploy():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], {})
    assert result.returncode != 0
    output = result.stdout + result.stderr
    for warning in ("security.W004", "security.W008", "security.W009", "security.W012",
                    "security.W016"):  # fmt: skip
        assert warning in output


def test_example_secret_keys_are_refused():
    # Whoever copies an example unchanged gets a failing deploy check, not a guessable key.
    for env in (compose_web_env(env_example()["SECRET_KEY"]),
                k8s_env(load_yaml_docs(INFRA / "k8s" / "secret.example.yaml")[0]["stringData"]
                        ["SECRET_KEY"])):  # fmt: skip
        result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
        assert result.returncode != 0
        assert "security.W009" in result.stdout + result.stderr


SERVE_STATIC = """
import json, django
django.setup()
from django.conf import settings
from django.templatetags.static import static
from django.test import Client
url = static("admin/css/base.css")
response = Client().get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_HOST="shop.example.vn",
                        **{"wsgi.url_scheme": "https"})
print(json.dumps({"url": url, "status": response.status_code,
                  "cache": response.get("Cache-Control", ""),
                  "encoding": response.get("Content-Encoding", ""),
                  "storage": settings.STORAGES["staticfiles"]["BACKEND"]}))
"""


def test_collectstatic_and_whitenoise_serve_hashed_compressed_files(tmp_path):
    env = {
        **compose_web_env(strong_key()),
        "STATIC_ROOT": str(tmp_path / "static"),
        "ALLOWED_HOSTS": "shop.example.vn",
        "DJANGO_SETTINGS_MODULE": "backend.settings",
    }
    collect = run(["manage.py", "collectstatic", "--noinput"], env, timeout=300)
    assert collect.returncode == 0, collect.stderr
    assert (tmp_path / "static" / "staticfiles.json").is_file()
    result = run(["-c", SERVE_STATIC], env)
    assert result.returncode == 0, result.stderr
    served = json.loads(result.stdout.strip().splitlines()[-1])
    assert served["storage"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert re.search(r"/static/admin/css/base\.[0-9a-f]{12}\.css$", served["url"])
    assert served["status"] == 200
    assert served["encoding"] in ("gzip", "br")
    assert "immutable" in served["cache"]


SHOW_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "debug": settings.DEBUG,
    "cache": settings.CACHES["default"],
    "session_engine": settings.SESSION_ENGINE,
    "storages": settings.STORAGES,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "formatter": settings.LOGGING["handlers"]["console"]["formatter"],
    "search": settings.SEARCH_BACKEND,
    "middleware": settings.MIDDLEWARE[:3],
}, default=str))
"""


@pytest.mark.parametrize("source", ["docker-compose", "k8s"])
def test_production_environment_resolves_to_the_real_services(source):
    env = compose_web_env(strong_key()) if source == "docker-compose" else k8s_env(strong_key())
    result = run(["-c", SHOW_SETTINGS], {**env, "DJANGO_SETTINGS_MODULE": "backend.settings"})
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["debug"] is False
    assert out["cache"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert out["cache"]["OPTIONS"]["socket_timeout"] == 2
    assert out["session_engine"] == "django.contrib.sessions.backends.cached_db"
    assert out["storages"]["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    private = out["storages"]["private"]
    assert private["BACKEND"] == "storages.backends.s3.S3Storage"
    assert private["OPTIONS"]["querystring_auth"] is True
    assert private["OPTIONS"]["custom_domain"] is None
    assert out["eager"] is False
    assert out["broker"].startswith("redis://")
    assert out["formatter"] == "json"
    assert out["search"] == "elasticsearch"
    assert out["middleware"][:2] == [
        "backend.core.middleware.HealthCheckMiddleware",
        "backend.core.middleware.RequestIdMiddleware",
    ]


def test_development_defaults_stay_embedded():
    result = run(["-c", SHOW_SETTINGS], {"DJANGO_SETTINGS_MODULE": "backend.settings"})
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["cache"]["BACKEND"].endswith("LocMemCache")
    assert out["session_engine"] == "django.contrib.sessions.backends.db"
    assert out["storages"]["default"]["BACKEND"].endswith("FileSystemStorage")
    assert out["eager"] is True
    assert out["formatter"] == "text"
    assert out["search"] == "database"
