"""The browser tier: the dashboard served as `make demo` serves it, driven in Debian's chromium.

Playwright's own browser download cannot work offline, so the tests launch the system's
`chromium` (`tools/install-chromium` installs it; `make test` runs that first). The server is
`python -m experiments.classroom.app` on a free loopback port, started once per module and killed after.
Every request the page makes is recorded: the dashboard must work with no internet, so a
request leaving the machine, or a front-end file the server cannot serve, fails the test.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "results" / "browser"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_SECONDS = 90
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")


def chromium_path() -> str | None:
    return (
        shutil.which("chromium")
        or (os.path.exists("/usr/bin/chromium") and "/usr/bin/chromium")
        or None
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(
                f"the dashboard server exited with {server.returncode}:\n{log.read_text()[-3000:]}"
            )
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the dashboard did not answer at {url} within {SERVER_START_SECONDS} s")


def stop(server: subprocess.Popen) -> None:
    """End the server's process group: solara, uvicorn and any kernel threads with it."""
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=15)


@contextlib.contextmanager
def served(folder: Path, *flags: str, cwd: Path = ROOT):
    """`python -m experiments.classroom.app` on a free loopback port (what `make demo` runs),
    with `flags`, from the checkout `cwd` (`-m` imports its own code first: this one, or
    another for `benchmarks/bench_dashboard.py --baseline`); yields (url, log path) once it
    serves, and stops it after."""
    port = free_port()
    log = folder / "server.log"
    with open(log, "w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "experiments.classroom.app", *flags]
            + ["--host", "127.0.0.1", "--port", str(port)],
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_serving(url, server, log)
        yield url, log
    finally:
        stop(server)


@pytest.fixture(scope="module")
def dashboard_url(tmp_path_factory):
    """The URL of a dashboard served as `make demo` serves it."""
    with served(tmp_path_factory.mktemp("dashboard")) as (url, _):
        yield url


class Traffic:
    """What the page asked for: requests that left the machine and requests that failed."""

    def __init__(self):
        self.outside: list[str] = []
        self.failed: list[str] = []

    def on_request(self, request) -> None:
        parsed = urlparse(request.url)
        if parsed.scheme in ("http", "https", "ws", "wss") and parsed.hostname not in (
            "127.0.0.1",
            "localhost",
            "::1",
        ):
            self.outside.append(request.url)

    def on_response(self, response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")

    def on_failed(self, request) -> None:
        self.failed.append(f"failed {request.url}")


@pytest.fixture(scope="module")
def browser():
    path = chromium_path()
    if path is None:
        message = "Debian's chromium is not installed: run tools/install-chromium (make test does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=path,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1600, "height": 1000},
            device_scale_factor=1,
        )
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def traffic():
    return Traffic()


@pytest.fixture
def page(browser, traffic):
    page = browser.new_page()
    page.on("request", traffic.on_request)
    page.on("response", traffic.on_response)
    page.on("requestfailed", traffic.on_failed)
    page.set_default_timeout(30_000)
    yield page
    page.close()


@pytest.fixture(scope="session")
def results_dir() -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    return RESULTS
