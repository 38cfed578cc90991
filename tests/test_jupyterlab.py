"""A learner's session in a real JupyterLab, in phases that share one server and one page.

Each phase starts from a state it sets up itself (outputs cleared, or everything run), so it passes or
fails on its own. Every output checked was produced by this session's kernel and is compared with what
the committed notebook stores for that cell.
"""

import re

import pytest
from playwright.sync_api import expect

from notebook_tools import cell_index, markdown_math, normalized, shown_texts
from tools.notebook import PLOT_CELL_ID, png_outputs

pytestmark = pytest.mark.browser

FIRST_PAINT_TIMEOUT = 60_000  # ms; JupyterLab's first paint takes 7-9 s on 2 cores
CELL_TIMEOUT = 30_000  # ms; the slowest cell takes about a second, so this means "hung"
STDERR = '[data-mime-type="application/vnd.jupyter.stderr"]'  # stderr and tracebacks alike


@pytest.fixture(scope="module")
def page(browser, jupyterlab_url):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(CELL_TIMEOUT)
    page.goto(jupyterlab_url)
    # The toolbar can say idle while the kernel still starts; the status bar cannot.
    expect(page.locator("#jp-main-statusbar")).to_contain_text("| Idle", timeout=FIRST_PAINT_TIMEOUT)
    yield page
    page.close()


def menu(page, top, item):
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{top}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def dom_cells(page):
    return page.locator(".jp-Notebook .jp-Cell")


def clear_all_outputs(page):
    menu(page, "Edit", "Clear Outputs of All Cells")
    expect(page.locator(".jp-Notebook .jp-OutputArea-output")).to_have_count(0)


def expand_collapsed(page, index):
    """A collapsed solution: the learner clicks its "⋯" placeholders to see the code and the output."""
    placeholders = dom_cells(page).nth(index).locator(".jp-Placeholder-content")
    while placeholders.count():
        placeholders.first.click()


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


def select_cell(page, index):
    """Click the cell's prompt, as a learner does to select it."""
    dom_cells(page).nth(index).locator(".jp-InputArea-prompt").click()


def execution_count(page, index):
    prompt = dom_cells(page).nth(index).locator(".jp-InputArea-prompt").inner_text()
    return int(re.fullmatch(r"\[(\d+)\]:", prompt.strip()).group(1))


def plot_image(page, notebook):
    index = cell_index(notebook.cells, PLOT_CELL_ID)
    return dom_cells(page).nth(index).locator(".jp-OutputArea-output img").get_attribute("src")


def test_markdown_math_typesets_in_jupyterlab(page, notebook):
    """JupyterLab 4 typesets with MathJax 3, the renderer learners see: every expression, no error."""
    math = page.locator(".jp-MarkdownOutput mjx-container")
    expect(math).to_have_count(len(markdown_math(notebook)), timeout=FIRST_PAINT_TIMEOUT)
    errors = page.locator(".jp-MarkdownOutput mjx-merror")
    assert errors.count() == 0, errors.first.get_attribute("data-mjx-error")
    assert page.locator(".jp-MarkdownOutput").filter(has_text="$").count() == 0, "an unrendered $ is left"


def test_shift_enter_through_every_cell_shows_the_committed_outputs(page, notebook):
    clear_all_outputs(page)
    dom_cells(page).first.click()
    page.keyboard.press("Escape")
    count = 0
    last_code = max(i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code")
    for index, cell in enumerate(notebook.cells[: last_code + 1]):  # past it, Shift+Enter adds a cell
        if cell.metadata.get("jupyter", {}).get("source_hidden"):
            expand_collapsed(page, index)
            select_cell(page, index)
        page.keyboard.press("Shift+Enter")
        if cell.cell_type == "code":
            count += 1
            expand_collapsed(page, index)  # a collapsed output, after the run
            check_cell(page, index, cell, count)


def test_running_backward_again_leaves_the_plot_unchanged(page, notebook):
    menu(page, "Run", "Run All Cells")
    last_code = max(i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code")
    expect(dom_cells(page).nth(last_code).locator(".jp-InputArea-prompt")).to_have_text(
        re.compile(r"\[\d+\]:")
    )
    plotted = plot_image(page, notebook)
    count = execution_count(page, last_code)
    for cell_id in ("backward", PLOT_CELL_ID):
        index = cell_index(notebook.cells, cell_id)
        count += 1
        select_cell(page, index)
        page.keyboard.press("Shift+Enter")
        check_cell(page, index, notebook.cells[index], count)
    assert plot_image(page, notebook) == plotted, "the plot changed after re-running the backward cell"


def test_restart_and_run_all_shows_the_committed_outputs(page, notebook, artifacts):
    menu(page, "Kernel", "Restart Kernel and Clear Outputs of All Cells")
    page.locator(".jp-Dialog .jp-mod-accept").click()
    expect(page.locator(".jp-Notebook .jp-OutputArea-output")).to_have_count(0)
    menu(page, "Run", "Run All Cells")
    count = 0
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            count += 1
            expand_collapsed(page, index)
            check_cell(page, index, cell, count)
    assert page.locator(STDERR).count() == 0

    # The whole notebook in one picture: scroll to the top and make the window as tall as the notebook.
    height = page.evaluate("""() => {
        const panel = document.querySelector('.jp-WindowedPanel-outer');
        panel.scrollTop = 0;
        return panel.scrollHeight;
    }""")
    page.set_viewport_size({"width": 1280, "height": min(height + 200, 16_000)})  # Chromium's limit
    page.wait_for_timeout(500)  # let JupyterLab lay out the taller window
    page.screenshot(path=artifacts / "jupyterlab-run-all.png")
    # And the end (the solutions, opened), which the first picture may not reach.
    page.set_viewport_size({"width": 1280, "height": 4000})
    page.wait_for_timeout(500)
    summary = cell_index(notebook.cells, "summary-md")
    dom_cells(page).nth(summary).evaluate("cell => cell.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(500)
    page.screenshot(path=artifacts / "jupyterlab-run-all-end.png")
