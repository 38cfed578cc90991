"""What a reader gets without a kernel (GitHub, nbviewer): stored outputs and plots, and math that renders.

The notebook is converted with `jupyter nbconvert --to html` (no execution) and opened in
Chromium with every non-local request refused. Its math is typeset by MathJax, as on GitHub,
from the copy the jupyter-server-mathjax package ships, so no CDN is needed.
"""

from pathlib import Path

import jupyter_server_mathjax
import pytest
from nbconvert import HTMLExporter

from notebook_tools import markdown_math, normalized, shown_texts
from tools.notebook import png_outputs

pytestmark = pytest.mark.browser

MATHJAX = Path(jupyter_server_mathjax.__file__).parent / "static" / "MathJax.js"
# That copy ships the STIX web fonts only; with MathJax's default TeX fonts, a prime (f') fails to load.
MATHJAX_FONTS = 'window.MathJax = {"HTML-CSS": {availableFonts: [], webFont: "STIX-Web", imageFont: null}};'


@pytest.fixture(scope="module")
def rendered_page(browser, notebook, tmp_path_factory):
    mathjax_url = f"{MATHJAX.as_uri()}?config=TeX-AMS-MML_HTMLorMML-full,Safe"
    html, _ = HTMLExporter(template_name="lab", mathjax_url=mathjax_url).from_notebook_node(notebook)
    page_file = tmp_path_factory.mktemp("rendered") / "autodiff_sin.html"
    page_file.write_text(html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1100, "height": 1000})
    page.add_init_script(MATHJAX_FONTS)
    page.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort()
    )
    page.goto(page_file.as_uri())
    yield page
    page.close()


def test_every_math_expression_typesets_without_error(rendered_page, notebook, artifacts):
    typeset = rendered_page.evaluate("""() => new Promise(resolve => MathJax.Hub.Queue(() => resolve(
        MathJax.Hub.getAllJax().map(jax => ({
            tex: jax.originalText,
            error: Boolean(jax.texError),
            undefined_macro: jax.root.toMathML('').includes('mathcolor="red"'),
        }))
    )))""")
    assert [normalized(jax["tex"]) for jax in typeset] == markdown_math(notebook), (
        "MathJax split the $s differently"
    )
    assert [jax["tex"] for jax in typeset if jax["error"] or jax["undefined_macro"]] == []
    # MathJax's own failures (a file it could not load) show as "[Math Processing Error]".
    assert rendered_page.locator(".MathJax_Error").count() == 0
    rendered_page.screenshot(path=artifacts / "rendered-view.png", full_page=True)


def test_every_stored_output_is_shown(rendered_page, notebook):
    page_text = normalized(rendered_page.locator("body").inner_text())
    for cell in notebook.cells:
        for text in shown_texts(cell):
            assert text in page_text, f"an output of {cell.id} is missing: {text[:300]}"


def test_every_plot_loads(rendered_page, notebook):
    images = rendered_page.locator(".jp-OutputArea-output img")
    assert images.count() == sum(len(png_outputs(cell)) for cell in notebook.cells) > 0
    for image in images.all():
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
