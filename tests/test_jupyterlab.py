"""A learner's session, in each edition: `make lab` starts JupyterLab, headless Chromium opens the notebook,
the math typesets, Shift+Enter through each cell shows the stored outputs; screenshots in test-artifacts/."""

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
CJK = re.compile(r"[\u4e00-\u9fff]")
# Two different characters drawn alike are the boxes of a missing font.
SAME_GLYPHS = """characters => characters.map(character => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 40;
    const context = canvas.getContext("2d");
    context.font = "32px sans-serif";
    context.fillText(character, 2, 34);
    return context.getImageData(0, 0, 40, 40).data.join();
}).every((drawn, _, all) => drawn === all[0])"""
# Shift+Enter, n times, sent from the page itself (through Chromium's input pipeline a key takes 0.1 s).
SHIFT_ENTER = """times => { for (let i = 0; i < times; i++) document.activeElement.dispatchEvent(
    new KeyboardEvent("keydown", {key: "Enter", keyCode: 13, shiftKey: true, bubbles: true, cancelable: true})
); }"""
# What each cell shows: prompt, outputs' text (spaces folded), stderr, and whether each picture loaded.
SHOWN = """() => [...document.querySelectorAll(".jp-Notebook .jp-Cell")].map(cell => ({
    prompt: cell.querySelector(".jp-InputArea-prompt")?.innerText.trim(),
    text: [...cell.querySelectorAll(".jp-OutputArea-output")].map(o => o.innerText).join(" ")
        .split(/\\s+/).join(" "),
    stderr: cell.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]').length,
    images: [...cell.querySelectorAll(".jp-OutputArea-output img")].map(img => img.naturalWidth > 0),
}))"""


@pytest.fixture(scope="module")
def lab_url(edition, tmp_path_factory):
    """`make lab` on a copy of the notebook, on 127.0.0.1 and a free port; stopped by its process id."""
    folder = tmp_path_factory.mktemp("lab")
    (folder / "served").mkdir()
    for path in (edition, nbfile.HELPERS):  # what a learner downloads
        shutil.copy(path, folder / "served")
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
    command = ["make", "-s", "--no-print-directory", "lab", f"NOTEBOOK={edition.name}", f"LAB_FLAGS={flags}"]
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
        yield f"http://127.0.0.1:{port}/?token={token}"  # to where `make lab` sends a learner: the notebook
    finally:  # make, JupyterLab and its kernels, each by its process id
        family = [psutil.Process(server.pid), *psutil.Process(server.pid).children(recursive=True)]
        for process in family:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.terminate()
        for process in psutil.wait_procs(family, timeout=15)[1]:
            process.kill()
        server.wait()


@pytest.fixture(scope="module")
def browser():
    found = [path for path in [os.environ.get("CHROMIUM", ""), *CHROMIUM] if path and Path(path).is_file()]
    if not found:
        message = f"no Chromium at {CHROMIUM}: apt-get install chromium, or set CHROMIUM to one"
        pytest.fail(message) if os.environ.get("CI") == "true" else pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=found[0], args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def page(browser, lab_url):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(60_000)  # the slowest cell takes about a second: this means "hung"
    page.goto(lab_url)
    # The toolbar can say idle while the kernel still starts; the status bar cannot.
    expect(page.locator("#jp-main-statusbar")).to_contain_text("| Idle", timeout=60_000)
    yield page
    page.close()


def test_mathjax_3_typesets_every_formula(page, edition):
    markdown = [cell.source for cell in nbfile.read(edition).cells if cell.cell_type == "markdown"]
    formulas = sum(len(nbfile.FORMULA.findall(nbfile.CODE_SPAN.sub("", source))) for source in markdown)
    expect(page.locator(".jp-MarkdownOutput mjx-container")).to_have_count(formulas)
    errors = page.locator(".jp-MarkdownOutput mjx-merror, .jp-MarkdownOutput [data-mjx-error]")
    assert errors.count() == 0, errors.first.get_attribute("data-mjx-error")
    undefined = page.locator(".jp-MarkdownOutput mjx-container [style*='color: red']")
    assert undefined.count() == 0, f"an undefined TeX command: {undefined.first.text_content()}"
    assert page.locator(".jp-MarkdownOutput").filter(has_text="$").count() == 0, "a $ was left untypeset"


def test_shift_enter_through_every_cell_shows_its_outputs(page, edition):
    notebook = nbfile.read(edition)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Edit$")).click()
    page.locator(".lm-Menu-itemLabel", has_text="Clear Outputs of All Cells").click()
    expect(page.locator(".jp-OutputArea-output")).to_have_count(0)
    open_what_is_collapsed(page)
    cells = page.locator(".jp-Notebook .jp-Cell")
    cells.first.click()
    page.keyboard.press("Escape")
    code = [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
    page.evaluate(SHIFT_ENTER, code[-1] + 1)  # up to the last code cell: past it, Shift+Enter adds a cell
    last_prompt = cells.nth(code[-1]).locator(".jp-InputArea-prompt")
    expect(last_prompt).to_have_text(f"[{len(code)}]:", timeout=60_000)  # the whole notebook has run
    open_what_is_collapsed(page)  # the solutions' outputs
    page.wait_for_function("[...document.images].every(img => img.complete)")
    shown = page.evaluate(SHOWN)
    for k, i in enumerate(code):
        cell, dom = notebook.cells[i], shown[i]
        assert dom["prompt"] == f"[{k + 1}]:", f"{cell.id} ran as {dom['prompt']}, not as [{k + 1}]:"
        assert not dom["stderr"], f"{cell.id} wrote to stderr: {dom['text']}"
        for out in cell.outputs:
            if "image/png" not in out.get("data", {}):  # a picture's text/plain is not shown
                text = " ".join((out.get("text") or out.data["text/plain"]).split())
                assert text in dom["text"], f"{cell.id} shows:\n{dom['text'][:2000]}\nnot:\n{text[:2000]}"
        assert dom["images"] == [True] * len(nbfile.png_outputs(cell)), f"{cell.id} shows {dom['images']}"
    screenshots(page, edition.stem)
    characters = sorted(set(CJK.findall(" ".join(cell.source for cell in notebook.cells))))[:2]
    if characters:
        boxes = page.evaluate(SAME_GLYPHS, characters)
        assert not boxes, f"{characters} are drawn alike, as boxes: install a CJK font (fonts-noto-cjk)"


def open_what_is_collapsed(page):
    """Click every "⋯" of a collapsed input or output, as a learner does to see it."""
    while page.locator(".jp-Placeholder-content").count():
        page.locator(".jp-Placeholder-content").first.click()


def screenshots(page, name):
    """The top and the end of the notebook, in test-artifacts/."""
    folder = nbfile.ROOT / "test-artifacts"
    folder.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 3000})
    for where, cell in (("", 0), ("-end", -1)):
        page.locator(".jp-Notebook .jp-Cell").nth(cell).scroll_into_view_if_needed()
        page.wait_for_timeout(300)  # let JupyterLab lay out the taller window
        page.screenshot(path=folder / f"{name}{where}.png")
