"""A learner's session: `make lab` starts JupyterLab, headless Chromium opens the notebook, the math is
typeset, and Shift+Enter through every cell shows what the committed notebook stores. Screenshots are
left in test-artifacts/ for a person to look at."""

import contextlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import psutil
import pytest
from playwright.sync_api import expect, sync_playwright

from tools import notebook as nbfile

pytestmark = pytest.mark.browser

MAC_CHROME = "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"
CHROMIUM = ["/usr/bin/chromium", "/usr/bin/google-chrome", MAC_CHROME]
# Headless on a closed network: without the networking flags Chromium keeps dialling out.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
SETTINGS = {  # a fresh JupyterLab's own settings directory
    "apputils-extension/notification": {"fetchNews": "false"},  # no news toast over the page
    "notebook-extension/tracker": {"windowingMode": "none"},  # every cell in the page, as a screenshot needs
    "docmanager-extension/plugin": {"autosave": False},  # never write the notebook back
}
MATH = re.compile(r"\$\$.+?\$\$|\$.+?\$", re.S)
STDERR = '[data-mime-type="application/vnd.jupyter.stderr"]'  # stderr and tracebacks alike


@pytest.fixture(scope="module")
def lab_url(tmp_path_factory):
    """`make lab` on a copy of the notebook, on 127.0.0.1 and a free port; stopped by its process id."""
    folder = tmp_path_factory.mktemp("lab")
    (folder / "served").mkdir()
    shutil.copy(nbfile.NOTEBOOK, folder / "served")
    for plugin, values in SETTINGS.items():
        path = folder / "settings" / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    token = secrets.token_hex(16)
    flags = f"--no-browser --ip=127.0.0.1 --port={port} --notebook-dir={folder / 'served'}"
    flags += f" --IdentityProvider.token={token}"
    env = os.environ | {
        "JUPYTER_CONFIG_DIR": str(folder / "config"),
        "JUPYTER_DATA_DIR": str(folder / "data"),
        "JUPYTER_RUNTIME_DIR": str(folder / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(folder / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(folder),
    }
    log = (folder / "lab.log").open("w")
    command = ["make", "-s", "--no-print-directory", "lab", f"LAB_FLAGS={flags}"]
    server = subprocess.Popen(command, cwd=nbfile.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None and time.monotonic() < deadline, (folder / "lab.log").read_text()
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/lab/tree/{nbfile.NOTEBOOK.name}?token={token}"
    finally:  # make, JupyterLab and its kernels, each by its process id
        family = [psutil.Process(server.pid), *psutil.Process(server.pid).children(recursive=True)]
        for process in family:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.terminate()
        for process in psutil.wait_procs(family, timeout=15)[1]:
            process.kill()
        server.wait()


@pytest.fixture(scope="module")
def page(lab_url):
    found = [path for path in [os.environ.get("CHROMIUM", ""), *CHROMIUM] if path and Path(path).is_file()]
    if not found:
        message = f"no Chromium at {CHROMIUM}: apt-get install chromium, or set CHROMIUM to one"
        pytest.fail(message) if os.environ.get("CI") == "true" else pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=found[0], args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.set_default_timeout(30_000)  # the slowest cell takes about a second: this means "hung"
        page.goto(lab_url)
        # The toolbar can say idle while the kernel still starts; the status bar cannot.
        expect(page.locator("#jp-main-statusbar")).to_contain_text("| Idle", timeout=60_000)
        yield page
        browser.close()


def test_mathjax_3_typesets_every_formula(page, notebook):
    markdown = [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
    formulas = sum(len(MATH.findall(re.sub(r"`[^`]*`", "", source))) for source in markdown)
    expect(page.locator(".jp-MarkdownOutput mjx-container")).to_have_count(formulas)
    errors = page.locator(".jp-MarkdownOutput mjx-merror, .jp-MarkdownOutput [data-mjx-error]")
    assert errors.count() == 0, errors.first.get_attribute("data-mjx-error")
    undefined = page.locator(".jp-MarkdownOutput mjx-container [style*='color: red']")
    assert undefined.count() == 0, f"an undefined TeX command: {undefined.first.text_content()}"
    assert page.locator(".jp-MarkdownOutput").filter(has_text="$").count() == 0, "a $ was left untypeset"


def test_shift_enter_through_every_cell_shows_its_outputs(page, notebook):
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Edit$")).click()
    page.locator(".lm-Menu-itemLabel", has_text="Clear Outputs of All Cells").click()
    expect(page.locator(".jp-OutputArea-output")).to_have_count(0)
    cells = page.locator(".jp-Notebook .jp-Cell")
    cells.first.click()
    page.keyboard.press("Escape")
    count = 0
    last_code = max(i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code")
    for i, cell in enumerate(notebook.cells[: last_code + 1]):  # past it, Shift+Enter adds a cell
        if cell.metadata.get("jupyter", {}).get("source_hidden"):  # a collapsed solution: open it first
            while cells.nth(i).locator(".jp-Placeholder-content").count():
                cells.nth(i).locator(".jp-Placeholder-content").first.click()
            cells.nth(i).locator(".jp-InputArea-prompt").click()
        page.keyboard.press("Shift+Enter")
        if cell.cell_type == "code":
            count += 1
            shows_its_outputs(cells.nth(i), cell, count)
    screenshots(page)


def shows_its_outputs(dom, cell, count):
    expect(dom.locator(".jp-InputArea-prompt")).to_have_text(f"[{count}]:")
    while dom.locator(".jp-Placeholder-content").count():  # a collapsed output
        dom.locator(".jp-Placeholder-content").first.click()
    stderr = dom.locator(STDERR)
    assert stderr.count() == 0, f"{cell.id} wrote to stderr: {stderr.first.inner_text()}"
    shown = " ".join(" ".join(dom.locator(".jp-OutputArea-output").all_inner_texts()).split())
    for out in cell.outputs:
        if "image/png" not in out.get("data", {}):  # a picture's text/plain is not shown
            text = " ".join((out.get("text") or out.data["text/plain"]).split())
            assert text in shown, f"{cell.id} shows:\n{shown[:2000]}\nnot:\n{text[:2000]}"
    images = dom.locator(".jp-OutputArea-output img")
    expect(images).to_have_count(len(nbfile.png_outputs(cell)))
    for image in images.all():
        assert image.evaluate("img => img.complete && img.naturalWidth > 0"), f"{cell.id}: broken picture"


def screenshots(page):
    """The whole notebook in one picture, and its end (the solutions, opened), in test-artifacts/."""
    folder = nbfile.ROOT / "test-artifacts"
    folder.mkdir(exist_ok=True)
    height = page.evaluate("""() => {
        const panel = document.querySelector('.jp-WindowedPanel-outer');
        panel.scrollTop = 0;
        return panel.scrollHeight;
    }""")
    page.set_viewport_size({"width": 1280, "height": min(height + 200, 16_000)})  # Chromium's limit
    page.wait_for_timeout(500)  # let JupyterLab lay out the taller window
    page.screenshot(path=folder / "jupyterlab.png")
    page.set_viewport_size({"width": 1280, "height": 3000})
    page.locator(".jp-Notebook .jp-Cell").last.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    page.screenshot(path=folder / "jupyterlab-end.png")
