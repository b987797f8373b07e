"""deploy/helm/albumen: rendered by Helm's own engine and checked against Kubernetes' schemas.

The ``helm-python-sdk`` wheel carries Helm 4's Go library, so ``helm lint``, schema validation
and ``helm template`` run here without a helm binary or a cluster. Built-in kinds are validated
with ``kubernetes-validate`` (the API's OpenAPI schemas, strict); the CloudNativePG Cluster,
HTTPRoute and ServiceMonitor custom resources are checked field by field.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from tests.deploy.support import CHART, need_module

KUBERNETES_VERSION = "1.30.0"
CUSTOM_KINDS = {
    ("postgresql.cnpg.io/v1", "Cluster"),
    ("gateway.networking.k8s.io/v1", "HTTPRoute"),
    ("monitoring.coreos.com/v1", "ServiceMonitor"),
}
EVERYTHING_ON: dict[str, Any] = {
    "postgresql": {"cnpg": {"enabled": False}},
    "database": {"url": {"existingSecret": "albumen-database", "key": "url"}},
    "worker": {"enabled": True, "replicas": 2},
    "server": {"workers": False, "trustedProxies": "10.0.0.0/8"},
    "config": {"existingConfigMap": "albumen-config"},
    "ingress": {
        "enabled": True,
        "className": "nginx",
        "annotations": {"nginx.ingress.kubernetes.io/proxy-body-size": "0"},
        "tls": [{"secretName": "photos-tls", "hosts": ["photos.example.com"]}],
    },
    "httpRoute": {"enabled": True},
    "metrics": {"serviceMonitor": {"enabled": True, "labels": {"release": "prometheus"}}},
    "persistence": {"media": {"existingClaim": "photos", "accessModes": ["ReadWriteMany"], "size": "1Ti"}},
}
GPU_ML: dict[str, Any] = {
    "ml": {
        "image": {"repository": "ghcr.io/immich-app/immich-machine-learning", "tag": "v3.2.2-cuda"},
        "resources": {"limits": {"nvidia.com/gpu": 1, "memory": "8Gi"}},
    }
}


@pytest.fixture(scope="module")
def helm() -> Any:
    return need_module("helm_python", "helm-python-sdk")


def render(helm: Any, values: dict[str, Any]) -> list[dict[str, Any]]:
    with helm.Chart.load(str(CHART)) as chart:
        chart.validate_schema(values)
        manifests = chart.render(values, name="photos", namespace="media", is_install=True)
    documents: list[dict[str, Any]] = []
    for path, text in sorted(manifests.items()):
        if path.endswith(".yaml"):
            documents += [document for document in yaml.safe_load_all(text) if document]
    return documents


def of_kind(documents: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {document["metadata"]["name"]: document for document in documents if document["kind"] == kind}


def containers(documents: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    for name, deployment in of_kind(documents, "Deployment").items():
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            yield name, deployment, container


SCENARIOS = {"defaults": {}, "everything-on": EVERYTHING_ON, "gpu-ml": GPU_ML}


@pytest.fixture(scope="module", params=list(SCENARIOS))
def documents(request: pytest.FixtureRequest, helm: Any) -> list[dict[str, Any]]:
    return render(helm, SCENARIOS[request.param])


def test_helm_lint_is_clean(helm: Any) -> None:
    for values in SCENARIOS.values():
        report = helm.lint(str(CHART), values, strict=True, kube_version=f"v{KUBERNETES_VERSION}")
        problems = [message for message in report["messages"] if message["severity"] >= 2]
        assert not problems and not report["errors"], report
        assert report["total_charts_linted"] == 1


def test_values_yaml_matches_its_schema() -> None:
    jsonschema = need_module("jsonschema", "jsonschema")
    schema = json.loads((CHART / "values.schema.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.validate(yaml.safe_load((CHART / "values.yaml").read_text()), schema)


@pytest.mark.parametrize(
    "values",
    [
        {"server": {"replicas": "two"}},
        {"server": {"logLevel": "chatty"}},
        {"servr": {"replicas": 1}},
        {"persistence": {"media": {"accessModes": ["ReadWriteSometimes"]}}},
        {"service": {"port": 70000}},
    ],
    ids=["wrong type", "unknown log level", "misspelt key", "unknown access mode", "port out of range"],
)
def test_schema_refuses_wrong_values(helm: Any, values: dict[str, Any]) -> None:
    with helm.Chart.load(str(CHART)) as chart, pytest.raises(helm.HelmValuesError):
        chart.validate_schema(values)


def test_without_a_database_rendering_fails_with_advice(helm: Any) -> None:
    with pytest.raises(helm.HelmRenderError, match=r"database\.url\.existingSecret"):
        render(helm, {"postgresql": {"cnpg": {"enabled": False}}})


def test_builtin_kinds_match_the_kubernetes_api(documents: list[dict[str, Any]]) -> None:
    validator = need_module("kubernetes_validate", "kubernetes-validate")
    for document in documents:
        if (document["apiVersion"], document["kind"]) in CUSTOM_KINDS:
            continue
        validator.validate(document, KUBERNETES_VERSION, strict=True)


def test_every_container_is_non_root_limited_and_read_only(documents: list[dict[str, Any]]) -> None:
    for name, deployment, container in containers(documents):
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["runAsUser"] != 0, name
        assert pod["automountServiceAccountToken"] is False, name
        assert container["securityContext"]["allowPrivilegeEscalation"] is False, name
        assert container["securityContext"]["capabilities"]["drop"] == ["ALL"], name
        assert container["securityContext"]["readOnlyRootFilesystem"] is True, name
        assert container["resources"]["limits"]["memory"], name
        assert container["resources"]["requests"], name


def test_server_probes_and_role(documents: list[dict[str, Any]]) -> None:
    server = next(c for name, _, c in containers(documents) if name.endswith("-server"))
    assert server["args"] == ["serve"]
    assert server["livenessProbe"]["httpGet"]["path"] == "/api/server/ping"
    assert server["readinessProbe"]["httpGet"]["path"] == "/api/server/ready"
    assert server["startupProbe"]["httpGet"]["path"] == "/api/server/ping"
    ports = {port["name"]: port["containerPort"] for port in server["ports"]}
    assert ports["http"] == 2283 and ports["metrics"] == 8081


def test_ml_probes_and_image(documents: list[dict[str, Any]]) -> None:
    ml = next(c for name, _, c in containers(documents) if name.endswith("-ml"))
    assert ml["livenessProbe"]["httpGet"]["path"] == "/ping"
    assert ml["readinessProbe"]["httpGet"]["path"] == "/ping"
    assert {"name": "MACHINE_LEARNING_CACHE_FOLDER", "value": "/cache"} in ml["env"]
    if ml["image"].startswith("ghcr.io/immich-app/"):
        assert "args" not in ml, "Immich's ML image starts its own service"
    else:
        assert ml["args"] == ["ml"]


def test_database_url_comes_from_a_secret_reference(documents: list[dict[str, Any]]) -> None:
    clusters = of_kind(documents, "Cluster")
    for name, _, container in containers(documents):
        if name.endswith("-ml"):
            continue
        env = {entry["name"]: entry for entry in container["env"]}
        assert "DB_PASSWORD" not in env and "value" not in env["DB_URL"], "no secret in the manifest"
        reference = env["DB_URL"]["valueFrom"]["secretKeyRef"]
        if clusters:
            # CloudNativePG writes the application's connection URI to `<cluster>-app`, key `uri`.
            assert reference == {"name": f"{next(iter(clusters))}-app", "key": "uri"}
        else:
            assert reference == {"name": "albumen-database", "key": "url"}


def test_cloudnativepg_cluster_has_pgvector(documents: list[dict[str, Any]]) -> None:
    clusters = of_kind(documents, "Cluster")
    if not clusters:
        pytest.skip("this scenario uses an external database")
    (cluster,) = clusters.values()
    spec = cluster["spec"]
    assert spec["instances"] >= 1
    assert "standard" in spec["imageName"], "CloudNativePG's standard images ship pgvector"
    assert spec["storage"]["size"]
    initdb = spec["bootstrap"]["initdb"]
    assert initdb["database"] == "albumen" and initdb["owner"] == "albumen"
    assert "CREATE EXTENSION IF NOT EXISTS vector" in initdb["postInitApplicationSQL"]
    assert cluster["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"


def test_services_select_pods_and_name_real_ports(documents: list[dict[str, Any]]) -> None:
    deployments = of_kind(documents, "Deployment").values()
    for name, service in of_kind(documents, "Service").items():
        selector = service["spec"]["selector"]
        matching = [
            deployment
            for deployment in deployments
            if selector.items() <= deployment["spec"]["template"]["metadata"]["labels"].items()
        ]
        assert matching, f"Service {name} selects no pods"
        port_names = {
            port["name"]
            for deployment in matching
            for container in deployment["spec"]["template"]["spec"]["containers"]
            for port in container.get("ports", [])
        }
        for port in service["spec"]["ports"]:
            assert port["targetPort"] in port_names, f"Service {name}: no container port {port['targetPort']}"


def test_volumes_point_at_claims_that_exist(documents: list[dict[str, Any]]) -> None:
    claims = set(of_kind(documents, "PersistentVolumeClaim")) | {"photos"}  # `photos`: existingClaim
    for name, deployment, container in containers(documents):
        volumes = {volume["name"]: volume for volume in deployment["spec"]["template"]["spec"]["volumes"]}
        for mount in container["volumeMounts"]:
            volume = volumes[mount["name"]]
            if "persistentVolumeClaim" in volume:
                assert volume["persistentVolumeClaim"]["claimName"] in claims, name
    for claim in of_kind(documents, "PersistentVolumeClaim").values():
        assert claim["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"


def test_routes_and_monitoring_when_enabled(helm: Any) -> None:
    documents = render(helm, EVERYTHING_ON)
    (route,) = of_kind(documents, "HTTPRoute").values()
    assert route["spec"]["parentRefs"][0]["name"] == "gateway"
    assert route["spec"]["hostnames"] == ["photos.example.com"]
    assert route["spec"]["rules"][0]["backendRefs"] == [{"name": "photos-albumen", "port": 2283}]
    (ingress,) = of_kind(documents, "Ingress").values()
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": "photos-albumen", "port": {"name": "http"}}
    (monitor,) = of_kind(documents, "ServiceMonitor").values()
    assert monitor["metadata"]["labels"]["release"] == "prometheus"
    assert monitor["spec"]["endpoints"][0]["port"] == "metrics"
    monitored = [
        service
        for service in of_kind(documents, "Service").values()
        if service["metadata"]["labels"]["app.kubernetes.io/component"] in ("server", "worker")
    ]
    assert len(monitored) == 2
    assert all("metrics" in {port["name"] for port in service["spec"]["ports"]} for service in monitored)
    (worker,) = (c for name, _, c in containers(documents) if name.endswith("-worker"))
    assert worker["args"] == ["worker"]
    assert {"name": "IMMICH_CONFIG_FILE", "value": "/config/albumen.yaml"} in worker["env"]
    (server,) = (c for name, _, c in containers(documents) if name.endswith("-server"))
    assert {"name": "ALBUMEN_WORKERS", "value": "false"} in server["env"]
    assert {"name": "IMMICH_TRUSTED_PROXIES", "value": "10.0.0.0/8"} in server["env"]
    assert "PersistentVolumeClaim" not in {
        d["kind"] for d in documents if d["metadata"]["name"].endswith("-media")
    }


def test_defaults_keep_optional_parts_off(helm: Any) -> None:
    kinds = sorted(document["kind"] for document in render(helm, {}))
    assert kinds == sorted(
        [
            "Cluster",
            "Deployment",
            "Deployment",
            "PersistentVolumeClaim",
            "PersistentVolumeClaim",
            "Service",
            "Service",
        ]
    )
