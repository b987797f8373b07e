"""The web app's browser test (``web/tests``, node + playwright-core + Debian's Chromium), run from
pytest so ``./scripts/test`` and ``.ci/run`` fail when it does. Screenshots land in
``test-artifacts/screenshots/`` (git-ignored). See docs/web.md.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.slow

#: Well above the ~80 s the suite takes on a loaded two-core machine.
BROWSER_TEST_TIMEOUT_S = 600


def chromium_path() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if Path(configured).exists() else None
    return shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


def test_the_browser_walkthrough_passes() -> None:
    node = shutil.which("node")
    chromium = chromium_path()
    # CI installs both (./scripts/setup): a missing one is a failure here, not a quiet skip.
    assert node, "node is not installed (./scripts/setup installs Node.js)"
    assert chromium, "Chromium is not installed (./scripts/setup runs apt-get install chromium)"
    build = subprocess.run(
        [str(REPO_ROOT / "scripts" / "build-web"), "--if-stale"], capture_output=True, text=True, check=False
    )
    assert build.returncode == 0, build.stdout + build.stderr

    env = {**os.environ, "ALBUMEN_PYTHON": sys.executable, "CHROMIUM_PATH": chromium}
    result = subprocess.run(
        [node, "--test", "--test-reporter=tap", "tests/"],
        cwd=REPO_ROOT / "web",
        env=env,
        capture_output=True,
        text=True,
        timeout=BROWSER_TEST_TIMEOUT_S,
        check=False,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report[-20_000:]
    assert "# skipped 0" in report, "a browser step was skipped:\n" + report[-5_000:]
