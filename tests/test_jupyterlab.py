"""A learner's session: JupyterLab in a real browser, cells run with Shift+Enter, then Run All.

Outputs are cleared first, so every output checked below was produced by this session's kernel
and compared with what the committed notebook stores for that cell.
"""

import re
import time

import pytest
from playwright.sync_api import expect

from notebook_tools import cell_index, normalized, png_outputs, shown_texts

pytestmark = pytest.mark.browser

FIRST_PAINT_TIMEOUT = 60_000  # ms; JupyterLab's first paint takes 7-9 s on 2 cores
CELL_TIMEOUT = 30_000  # ms; the slowest cell takes about a second, so this means "hung"
STDERR = '[data-mime-type="application/vnd.jupyter.stderr"]'  # stderr and tracebacks alike


def open_notebook(browser, url):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(CELL_TIMEOUT)
    page.goto(url)
    # The toolbar can say idle while the kernel still starts; the status bar cannot.
    expect(page.locator("#jp-main-statusbar")).to_contain_text("| Idle", timeout=FIRST_PAINT_TIMEOUT)
    return page


def menu(page, top, item):
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{top}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def dom_cells(page):
    return page.locator(".jp-Notebook .jp-Cell")


def check_cell(page, index, cell, count):
    """Cell `index` ran as execution `count`, with no stderr, showing the committed output."""
    dom = dom_cells(page).nth(index)
    expect(dom.locator(".jp-InputArea-prompt")).to_have_text(f"[{count}]:", timeout=CELL_TIMEOUT)
    stderr = dom.locator(STDERR)
    assert stderr.count() == 0, f"cell {cell.id} wrote to stderr:\n{stderr.first.inner_text()}"
    shown = normalized(" ".join(dom.locator(".jp-OutputArea-output").all_inner_texts()))
    for text in shown_texts(cell):
        assert text in shown, f"cell {cell.id} shows:\n{shown[:2000]}\nnot:\n{text[:2000]}"
    images = dom.locator(".jp-OutputArea-output img")
    expect(images).to_have_count(len(png_outputs(cell)))
    for image in images.all():
        loaded = image.evaluate("img => img.complete && img.naturalWidth > 0")
        assert loaded, f"cell {cell.id}: a plot did not load"


def check_every_code_cell(page, notebook):
    count = 0
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            count += 1
            check_cell(page, index, cell, count)


def select_cell(page, index):
    """Click the cell's prompt, as a learner does to select it."""
    dom_cells(page).nth(index).locator(".jp-InputArea-prompt").click()


def run_with_shift_enter(page, notebook, index, count):
    select_cell(page, index)
    page.keyboard.press("Shift+Enter")
    check_cell(page, index, notebook.cells[index], count)


def plot_image(page, notebook):
    index = cell_index(notebook.cells, "plot")
    return dom_cells(page).nth(index).locator(".jp-OutputArea-output img").get_attribute("src")


def test_learner_runs_every_cell_then_runs_all(browser, jupyterlab_url, notebook, artifacts):
    started = time.monotonic()
    page = open_notebook(browser, jupyterlab_url)
    menu(page, "Edit", "Clear Outputs of All Cells")
    expect(page.locator(".jp-Notebook .jp-OutputArea-output")).to_have_count(0)

    # Shift+Enter from the first cell down, checking each code cell as it finishes.
    dom_cells(page).first.click()
    page.keyboard.press("Escape")
    count = 0
    last_code = max(i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code")
    for index, cell in enumerate(notebook.cells[: last_code + 1]):  # past it, Shift+Enter adds a cell
        if cell.metadata.get("jupyter", {}).get("source_hidden"):
            # A collapsed solution: the learner clicks "⋯" to see it, then runs it.
            dom_cells(page).nth(index).locator(".jp-Placeholder-content").click()
            select_cell(page, index)
        page.keyboard.press("Shift+Enter")
        if cell.cell_type == "code":
            count += 1
            check_cell(page, index, cell, count)

    # Re-running the backward cell must not change the gradient the plot shows.
    plotted = plot_image(page, notebook)
    for cell_id in ("backward", "plot"):
        count += 1
        run_with_shift_enter(page, notebook, cell_index(notebook.cells, cell_id), count)
    assert plot_image(page, notebook) == plotted, "the plot changed after re-running the backward cell"

    # A fresh kernel, then Run → Run All Cells.
    menu(page, "Kernel", "Restart Kernel and Clear Outputs of All Cells")
    page.locator(".jp-Dialog .jp-mod-accept").click()
    expect(page.locator(".jp-Notebook .jp-OutputArea-output")).to_have_count(0)
    menu(page, "Run", "Run All Cells")
    check_every_code_cell(page, notebook)
    assert page.locator(STDERR).count() == 0

    # The whole notebook in one picture: scroll to the top and make the window as tall as the notebook.
    height = page.evaluate("""() => {
        const panel = document.querySelector('.jp-WindowedPanel-outer');
        panel.scrollTop = 0;
        return panel.scrollHeight;
    }""")
    page.set_viewport_size({"width": 1280, "height": min(height + 200, 16_000)})
    page.wait_for_timeout(500)  # let JupyterLab lay out the taller window
    page.screenshot(path=artifacts / "jupyterlab-run-all.png")
    print(f"browser session took {time.monotonic() - started:.1f} s")
