"""Shared fixtures. ``label_studio_server``: a real Label Studio server on 127.0.0.1;
:func:`headless_chromium`: Debian's Chromium driven by Selenium, for the tests marked ``browser``.

The server runs the ``label-studio`` package with its embedded SQLite in a temporary folder,
a user and a legacy API token given through environment variables, and every outbound call
(version check, analytics, Sentry) switched off. Migrating an empty data folder takes about a
minute, so one session-scoped fixture migrates a template folder once; each test copies it and
starts its own server in seconds, then stops it by its process id.

Tests that use it are marked ``labelstudio``. They are skipped only when the ``label_studio``
package is not importable and the ``CI`` environment variable is unset (or empty); in CI they
fail instead, so a broken install can never pass as skipped.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

# no example database in the repository: tests write only under their temporary folders
settings.register_profile("frnewsbench", database=None)
settings.load_profile("frnewsbench")

LABEL_STUDIO_USER = "annotator@frnewsbench.test"
LABEL_STUDIO_PASSWORD = "frnewsbench-password"
LABEL_STUDIO_TOKEN = "frnewsbench-test-token-4f1c"
COLD_START_TIMEOUT = 300.0
WARM_START_TIMEOUT = 120.0
# Settings are read as LABEL_STUDIO_X, then HEARTEX_X, then plain X: clear the plain names too.
STRAY_SETTINGS = ("HOST", "PORT", "USERNAME", "PASSWORD", "DEBUG", "USER_TOKEN", "SECRET_KEY", "DJANGO_DB")


@dataclass(frozen=True)
class LabelStudioServer:
    url: str
    token: str
    data_dir: Path
    startup_seconds: float


def _in_ci() -> bool:
    return bool(os.environ.get("CI"))


def require_label_studio() -> None:
    """Skip when the server package is missing outside CI; fail in CI."""
    if importlib.util.find_spec("label_studio") is not None:
        return
    message = "the label-studio server package is not installed (pip install 'frnewsbench[labelstudio-server]')"
    if _in_ci():
        pytest.fail(f"{message}; CI is set, so this test fails instead of skipping")
    pytest.skip(message)


BROWSER_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1400,1000")


def _require_browser() -> tuple[str, str]:
    """Chromium and chromedriver paths; skip outside CI when missing, fail in CI."""
    missing = []
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip install 'frnewsbench[test]')")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not chromium:
        missing.append("chromium (apt-get install chromium)")
    if not driver:
        missing.append("chromedriver (apt-get install chromium-driver)")
    if missing:
        message = "the browser test needs " + ", ".join(missing)
        if _in_ci():
            pytest.fail(f"{message}; CI is set, so this test fails instead of skipping")
        pytest.skip(message)
    return chromium, driver


def headless_chromium(profile: Path):
    """A Selenium driver of a new headless Chromium with its profile in ``profile`` (skips or
    fails as :func:`_require_browser` says when it cannot start); the caller quits it."""
    chromium, driver_path = _require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in BROWSER_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    return webdriver.Chrome(service=Service(driver_path), options=options)


def _executable() -> str:
    beside = Path(sys.executable).with_name("label-studio")
    found = str(beside) if beside.exists() else shutil.which("label-studio")
    if not found:
        pytest.fail("the label_studio package is importable but its `label-studio` command is not on PATH")
    return found


def _environment(data_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("LABEL_STUDIO_", "HEARTEX_")) and key not in STRAY_SETTINGS}
    env.update({
        "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir),
        "DJANGO_DB": "sqlite",
        "LABEL_STUDIO_USERNAME": LABEL_STUDIO_USER,
        "LABEL_STUDIO_PASSWORD": LABEL_STUDIO_PASSWORD,
        "LABEL_STUDIO_USER_TOKEN": LABEL_STUDIO_TOKEN,
        "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
        "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
        "LABEL_STUDIO_LATEST_VERSION_CHECK": "false",
        "LABEL_STUDIO_COLLECT_ANALYTICS": "false",
        "LABEL_STUDIO_SENTRY_DSN": "",
        "LABEL_STUDIO_FRONTEND_SENTRY_DSN": "",
        # let it reach an ML backend on 127.0.0.1 (`frnewsbench labelstudio serve-model`): the backend's
        # URL and the webhook Label Studio registers at its /webhook are both refused as local otherwise
        "LABEL_STUDIO_ML_BLOCK_LOCAL_IP": "false",
        "LABEL_STUDIO_SSRF_PROTECTION_ENABLED": "false",
    })
    return env


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(url: str) -> bool:
    request = urllib.request.Request(f"{url}/api/current-user/whoami",
                                     headers={"Authorization": f"Token {LABEL_STUDIO_TOKEN}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


class _Process:
    """One ``label-studio start`` process, stopped by its pid."""

    def __init__(self, data_dir: Path, log: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        with open(log, "wb") as out:
            self.process = subprocess.Popen(
                [_executable(), "start", "--no-browser", "--internal-host", "127.0.0.1", "--port", str(self.port)],
                env=_environment(data_dir), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                cwd=data_dir.parent,
            )

    def wait_ready(self, timeout: float) -> float:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                self.fail(f"exited with status {self.process.returncode} before answering")
            text = self.log.read_text(encoding="utf-8", errors="replace")
            if "Starting development server at" in text and f"127.0.0.1:{self.port}/" not in text:
                self.fail(f"port {self.port} was taken and the server moved to another one")
            if _answers(self.url):
                return time.monotonic() - started
            time.sleep(0.5)
        self.fail(f"did not answer within {timeout:.0f} s")
        raise AssertionError  # unreachable

    def fail(self, why: str) -> None:
        self.stop()
        tail = "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-30:])
        pytest.fail(f"Label Studio at {self.url} {why}; last lines of {self.log}:\n{tail}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)


@pytest.fixture(scope="session")
def label_studio_template(tmp_path_factory) -> tuple[Path, float]:
    """A data folder migrated once (user, organisation and token created), and the cold start time."""
    require_label_studio()
    root = tmp_path_factory.mktemp("label-studio-template")
    data_dir = root / "data"
    data_dir.mkdir()
    server = _Process(data_dir, root / "server.log")
    try:
        seconds = server.wait_ready(COLD_START_TIMEOUT)
    finally:
        server.stop()
    return data_dir, seconds


@pytest.fixture
def label_studio_server(label_studio_template, tmp_path) -> LabelStudioServer:
    """A Label Studio server of its own for one test, started from a copy of the migrated folder."""
    template, _ = label_studio_template
    data_dir = tmp_path / "label-studio-data"
    shutil.copytree(template, data_dir)
    server = _Process(data_dir, tmp_path / "label-studio.log")
    try:
        seconds = server.wait_ready(WARM_START_TIMEOUT)
        yield LabelStudioServer(server.url, LABEL_STUDIO_TOKEN, data_dir, seconds)
    finally:
        server.stop()
