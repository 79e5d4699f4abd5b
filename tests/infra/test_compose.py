"""infra/docker-compose.yml parses and refers only to things that exist."""

from __future__ import annotations

import re

import pytest

from .refs import INFRA, app_env_names, check_command, load_yaml_docs, split_command

COMPOSE = INFRA / "docker-compose.yml"
APP_SERVICES = ["migrate", "web", "worker-default", "worker-indexing", "worker-email",
                "worker-exports", "beat"]  # fmt: skip


@pytest.fixture(scope="module")
def compose() -> dict:
    (doc,) = load_yaml_docs(COMPOSE)
    return doc


def test_the_stack_has_every_service(compose):
    services = compose["services"]
    assert set(APP_SERVICES) | {
        "postgres",
        "redis",
        "elasticsearch",
        "minio",
        "minio-bucket",
    } <= set(services)
    assert services["postgres"]["image"].startswith("postgres:16.")
    assert re.match(r"docker\.elastic\.co/elasticsearch/elasticsearch:8\.\d+\.\d+$",
                    services["elasticsearch"]["image"])  # fmt: skip
    es_env = services["elasticsearch"]["environment"]
    assert es_env["xpack.security.enabled"] == "true"
    assert es_env["discovery.type"] == "single-node"


def test_images_are_pinned(compose):
    for name, service in compose["services"].items():
        image = service["image"]
        if image.startswith("${"):
            continue  # the app image, built from the Dockerfile
        assert ":" in image and not image.endswith(":latest"), f"{name}: {image} is not pinned"


def test_long_running_services_have_health_checks_and_volumes(compose):
    services = compose["services"]
    for name in ("postgres", "redis", "elasticsearch", "minio", "web", "worker-default",
                 "worker-indexing", "worker-email", "worker-exports"):  # fmt: skip
        check = services[name].get("healthcheck", {})
        assert check.get("test") and not check.get("disable"), f"{name} has no health check"
    for name, mount in (("postgres", "pgdata"), ("redis", "redisdata"),
                        ("elasticsearch", "esdata"), ("minio", "miniodata")):  # fmt: skip
        assert any(v.startswith(f"{mount}:") for v in services[name]["volumes"])
        assert mount in compose["volumes"]
    assert "/readyz" in " ".join(services["web"]["healthcheck"]["test"])


def test_dependencies_exist_and_one_offs_run_first(compose):
    services = compose["services"]
    for name, service in services.items():
        for dep in service.get("depends_on", {}):
            assert dep in services, f"{name} depends on unknown {dep}"
    for name in APP_SERVICES:
        if name != "migrate":
            deps = services[name]["depends_on"]
            assert deps["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["depends_on"]["minio-bucket"]["condition"] == (
        "service_completed_successfully"
    )


def test_app_environment_is_read_by_the_settings(compose):
    known = app_env_names()
    for name in APP_SERVICES:
        env = compose["services"][name]["environment"]
        unknown = set(env) - known
        assert not unknown, f"{name}: {sorted(unknown)} are not read by backend/settings.py"
    env = compose["services"]["web"]["environment"]
    assert env["CELERY_TASK_ALWAYS_EAGER"] == "false"
    assert env["DEBUG"] == "false"
    assert env["STATICFILES_STORAGE"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_commands_exist(compose):
    for name in APP_SERVICES:
        for argv in split_command(compose["services"][name]["command"]):
            assert not check_command(argv), (name, argv, check_command(argv))


def test_one_worker_per_queue(compose):
    from django.conf import settings

    queues = {q.name for q in settings.CELERY_TASK_QUEUES}
    served = set()
    for name, service in compose["services"].items():
        if name.startswith("worker-"):
            argv = service["command"]
            served.add(argv[argv.index("-Q") + 1])
    assert served == queues
    beat = [s for s in compose["services"].values() if "beat" in s.get("command", [])]
    assert len(beat) == 1


def test_env_example_names_are_used(compose):
    text = COMPOSE.read_text()
    interpolated = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))
    example = INFRA / ".env.example"
    names = {
        line.split("=", 1)[0]
        for line in example.read_text().splitlines()
        if line and not line.startswith("#")
    }
    unused = names - interpolated
    assert not unused, f"{sorted(unused)} in .env.example are not used by docker-compose.yml"
    # Every required ${VAR:?...} has a line in the example.
    required = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*):\?", text))
    assert required <= names
