"""The operations guides in docs/: every link and anchor resolves, every file of deploy/ they
name exists, and every deployment file is explained by a guide."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.deploy.support import DEPLOY, REPO

DOCS = REPO / "docs"
GUIDES = [
    "install.md",
    "deploy-podman.md",
    "deploy-compose.md",
    "deploy-kubernetes.md",
    "reverse-proxy-and-sso.md",
    "gpu.md",
    "backup-and-restore.md",
    "upgrading.md",
    "migrating-from-immich.md",
    "troubleshooting.md",
    "monitoring.md",
]


def anchors(path: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    found = set()
    for line in path.read_text().splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            found.add(re.sub(r"\s", "-", re.sub(r"[^\w\s-]", "", title)))
    return found


@pytest.mark.parametrize("guide", GUIDES)
def test_links_resolve(guide: str) -> None:
    text = (DOCS / guide).read_text()
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if target.startswith(("http://", "https://")):
            continue
        file_part, _, anchor = target.partition("#")
        path = (DOCS / file_part).resolve() if file_part else DOCS / guide
        assert path.exists(), f"{guide}: link to missing {target}"
        if anchor:
            assert anchor in anchors(path), f"{guide}: no heading for #{anchor} in {path.name}"


@pytest.mark.parametrize("guide", GUIDES)
def test_named_deploy_files_exist(guide: str) -> None:
    text = (DOCS / guide).read_text()
    for name in set(
        re.findall(r"deploy/(?:Containerfile|compose|quadlet|helm|prometheus|grafana)[\w./-]*\w", text)
    ):
        assert (REPO / name).exists(), f"{guide} names {name}, which does not exist"
    for unit in set(re.findall(r"\b(albumen[\w-]*\.(?:container|network|volume))\b", text)):
        if unit != "albumen-egress.network":  # an example the reader writes
            assert (DEPLOY / "quadlet" / unit).exists(), f"{guide} names {unit}, which does not exist"


def test_every_deployment_file_is_explained() -> None:
    text = "\n".join((DOCS / guide).read_text() for guide in GUIDES)
    for path in sorted((DEPLOY / "quadlet").iterdir()):
        assert path.name in text, f"no guide mentions deploy/quadlet/{path.name}"
    for name in ("deploy/Containerfile", "deploy/compose.yaml", "deploy/helm/albumen",
                 "deploy/prometheus/alerts.yml", "deploy/grafana/albumen-dashboard.json"):  # fmt: skip
        assert name in text, f"no guide mentions {name}"
