"""A real JupyterLab server and a real Chromium, for the tests that look at what learners see.

The browser is Debian's `chromium` package or a local Chrome (CHROMIUM overrides), driven by Playwright:
`playwright install` downloads its own browser, which cannot work offline.
"""

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

# Debian's package first (what CI installs), then where Chromium and Chrome usually live.
CHROMIUM_CANDIDATES = [
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
]
# Headless on a closed network: without the networking flags Chromium keeps dialling out.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

# User settings a fresh JupyterLab gets in its own settings directory.
JUPYTERLAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false"},  # no news toast over the page
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},  # every cell in the DOM
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},  # never write the notebook back
}


def chromium_or_skip():
    """The browser's path (CHROMIUM, if set). Without one, a learner's run skips; CI (CI=true) fails."""
    candidates = [os.environ["CHROMIUM"]] if os.environ.get("CHROMIUM") else CHROMIUM_CANDIDATES
    for candidate in map(Path, candidates):
        if candidate.is_file():
            return candidate
    message = (
        f"no Chromium or Chrome at {', '.join(candidates)}: install one (Debian/Ubuntu: "
        "apt-get install chromium) or set CHROMIUM to its path to run the browser tests"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@contextlib.contextmanager
def chromium_browser():
    from playwright.sync_api import sync_playwright

    path = chromium_or_skip()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(path), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def jupyterlab_server(notebook, folder):
    """JupyterLab as `make lab` starts it, on a copy of `notebook` in `folder`; yields the notebook's URL.

    Bound to 127.0.0.1 on a free port with a random token and its own config, data, runtime and
    settings directories; stopped, kernels included, by process id, whether the test passed or not.
    """
    served = folder / "served"
    served.mkdir()
    shutil.copy(notebook, served)
    for plugin, values in JUPYTERLAB_SETTINGS.items():
        settings_file = folder / "settings" / f"{plugin}.jupyterlab-settings"
        settings_file.parent.mkdir(parents=True, exist_ok=True)
        settings_file.write_text(json.dumps(values))
    port, token = free_port(), secrets.token_hex(16)
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(folder / "config"),
        JUPYTER_DATA_DIR=str(folder / "data"),
        JUPYTER_RUNTIME_DIR=str(folder / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(folder / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(folder / "workspaces"),
    )
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={served}",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")  # as `make lab` does; JupyterLab exits without it as root
    log = folder / "jupyterlab.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(command, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        wait_until_serving(server, f"http://127.0.0.1:{port}/api/status?token={token}", log)
        yield f"http://127.0.0.1:{port}/lab/tree/{notebook.name}?token={token}"
    finally:
        stop(server)


def wait_until_serving(server, status_url, log, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"JupyterLab exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError), urllib.request.urlopen(status_url, timeout=2):
            return
        time.sleep(0.2)
    pytest.fail(f"JupyterLab did not answer within {timeout} s:\n{log.read_text()[-3000:]}")


def stop(server):
    """SIGTERM lets the server shut its kernels down; whatever is left is killed by its own pid."""
    children = []
    with contextlib.suppress(psutil.NoSuchProcess):
        children = psutil.Process(server.pid).children(recursive=True)
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
    _, alive = psutil.wait_procs(children, timeout=5)
    for process in alive:
        process.kill()
