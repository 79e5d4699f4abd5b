"""infra/k8s/ manifests parse, hang together and refer only to things that exist."""

from __future__ import annotations

import pytest

from .refs import INFRA, app_env_names, check_command, load_yaml_docs, split_command

K8S = INFRA / "k8s"


@pytest.fixture(scope="module")
def resources() -> list[dict]:
    kustomization = load_yaml_docs(K8S / "kustomization.yaml")[0]
    docs: list[dict] = []
    for name in kustomization["resources"]:
        assert (K8S / name).is_file(), f"kustomization lists missing {name}"
        docs.extend(load_yaml_docs(K8S / name))
    return docs


def by_kind(resources, kind):
    return {d["metadata"]["name"]: d for d in resources if d["kind"] == kind}


def containers(resources):
    for doc in resources:
        if doc["kind"] in ("Deployment", "Job"):
            for c in doc["spec"]["template"]["spec"]["containers"]:
                yield doc, c


def test_every_file_parses_with_kind_and_name():
    for path in sorted(K8S.rglob("*.yaml")):
        for doc in load_yaml_docs(path):
            assert doc.get("apiVersion") and doc.get("kind"), path
            if doc["kind"] != "Kustomization":
                assert doc["metadata"]["name"], path


def test_expected_objects(resources):
    deployments = by_kind(resources, "Deployment")
    assert {"ocop-web", "ocop-beat"} <= set(deployments)
    assert {"ocop-worker-default", "ocop-worker-indexing", "ocop-worker-email",
            "ocop-worker-exports"} <= set(deployments)  # fmt: skip
    assert "ocop-migrate" in by_kind(resources, "Job")
    assert "ocop-config" in by_kind(resources, "ConfigMap")
    assert "ocop-web" in by_kind(resources, "Service")
    assert "ocop-web" in by_kind(resources, "Ingress")
    assert "ocop-web" in by_kind(resources, "HorizontalPodAutoscaler")
    # The Secret is an example only: never applied with real values from the repository.
    assert not by_kind(resources, "Secret")
    (secret,) = load_yaml_docs(K8S / "secret.example.yaml")
    assert secret["kind"] == "Secret" and secret["metadata"]["name"] == "ocop-secrets"


def test_web_probes_hit_the_health_endpoints(resources):
    web = by_kind(resources, "Deployment")["ocop-web"]
    (container,) = web["spec"]["template"]["spec"]["containers"]
    port_names = {p["name"] for p in container["ports"]}
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        assert container[probe]["httpGet"]["port"] in port_names


def test_hpa_service_and_ingress_point_at_real_objects(resources):
    deployments = by_kind(resources, "Deployment")
    for hpa in by_kind(resources, "HorizontalPodAutoscaler").values():
        target = hpa["spec"]["scaleTargetRef"]
        assert target["kind"] == "Deployment" and target["name"] in deployments
        assert hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
    services = by_kind(resources, "Service")
    web = deployments["ocop-web"]
    service = services["ocop-web"]
    labels = web["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    assert web["spec"]["selector"]["matchLabels"].items() <= labels.items()
    container_ports = {p["name"] for p in web["spec"]["template"]["spec"]["containers"][0]["ports"]}
    assert {p["targetPort"] for p in service["spec"]["ports"]} <= container_ports
    for rule in by_kind(resources, "Ingress")["ocop-web"]["spec"]["rules"]:
        for path in rule["http"]["paths"]:
            backend = path["backend"]["service"]
            assert backend["name"] in services
            assert backend["port"]["name"] in {
                p["name"] for p in services[backend["name"]]["spec"]["ports"]
            }


def test_config_and_secret_keys_are_settings():
    known = app_env_names()
    (config,) = load_yaml_docs(K8S / "configmap.yaml")
    (secret,) = load_yaml_docs(K8S / "secret.example.yaml")
    for name, keys in (("ConfigMap", config["data"]), ("Secret", secret["stringData"])):
        unknown = set(keys) - known
        assert not unknown, f"{name} keys {sorted(unknown)} are not read by backend/settings.py"
    assert config["data"]["DEBUG"] == "false"
    assert config["data"]["CELERY_TASK_ALWAYS_EAGER"] == "false"


def test_containers_run_existing_commands_as_non_root(resources):
    known = app_env_names()
    for doc, container in containers(resources):
        for argv in split_command(container["command"]):
            assert not check_command(argv), (doc["metadata"]["name"], argv)
        pod = doc["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] != 0
        assert container["securityContext"]["allowPrivilegeEscalation"] is False
        refs = {r.get("configMapRef", r.get("secretRef"))["name"] for r in container["envFrom"]}
        assert refs == {"ocop-config", "ocop-secrets"}
        assert {e["name"] for e in container.get("env", [])} <= known
        assert container["image"] == "ocop-market"  # rewritten by kustomization `images`


def test_migration_job_migrates_then_reindexes(resources):
    job = by_kind(resources, "Job")["ocop-migrate"]
    (container,) = job["spec"]["template"]["spec"]["containers"]
    commands = split_command(container["command"])
    assert commands[0][:3] == ["python", "manage.py", "migrate"]
    assert commands[1][:3] == ["python", "manage.py", "search_reindex"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"


def test_one_worker_deployment_per_queue_and_a_single_beat(resources):
    from django.conf import settings

    served = set()
    for name, dep in by_kind(resources, "Deployment").items():
        if name.startswith("ocop-worker-"):
            argv = dep["spec"]["template"]["spec"]["containers"][0]["command"]
            served.add(argv[argv.index("-Q") + 1])
    assert served == {q.name for q in settings.CELERY_TASK_QUEUES}
    beat = by_kind(resources, "Deployment")["ocop-beat"]
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"]["type"] == "Recreate"
