"""The committed notebooks, English and Chinese, as GitHub shows them without running anything: complete,
in order, small, and true to the exercise."""

import ast
import base64
import re
from pathlib import Path

import pytest

from tools import notebook as nbfile
from tools import refresh_notebook

NBVAL_MARKERS = re.compile(r"NBVAL_(IGNORE_OUTPUT|SKIP|RAISES_EXCEPTION|CHECK_OUTPUT)", re.I)


@pytest.fixture(scope="module")
def notebook(edition):
    return nbfile.read(edition)


def code_cells(cells):
    return [cell for cell in cells if cell.cell_type == "code"]


def test_was_executed_top_to_bottom_in_a_fresh_kernel(notebook):
    counts = [cell.execution_count for cell in code_cells(notebook.cells)]
    assert counts == list(range(1, len(counts) + 1)), "run `make notebook`"
    assert [cell.id for cell in notebook.cells if "execution" in cell.metadata] == [], "timing metadata"


def test_outputs_are_only_stdout_text_and_png(notebook):
    # No error, no stderr; GitHub strips HTML and scripts, and an untrusted copy must run nothing.
    for cell in code_cells(notebook.cells):
        for out in cell.outputs:
            kind = out.get("name") or sorted(out.get("data", {"": out.output_type}))
            assert kind in ("stdout", ["text/plain"], ["image/png", "text/plain"]), f"{cell.id}: {kind}"


def test_fits_its_size_budgets(edition, notebook):
    assert edition.stat().st_size <= nbfile.NOTEBOOK_BUDGET_BYTES
    for cell in notebook.cells:
        for png in nbfile.png_outputs(cell):
            assert len(base64.b64decode(png)) <= nbfile.PNG_BUDGET_BYTES, f"a picture of {cell.id} is too big"


def test_no_cell_is_exempt_from_nbval(notebook):
    for cell in code_cells(notebook.cells):
        assert not NBVAL_MARKERS.search(cell.source + " ".join(cell.metadata.get("tags", []))), cell.id


def test_derivative_is_never_written_as_cos_before_the_checks(notebook):
    # The exercise: compute df/dx without using cos; cos may appear only as a reference afterwards.
    for cell in code_cells(notebook.cells[: nbfile.index(notebook, "check-cos")]):
        assert "cos" not in cell.source, f"{cell.id} uses cos"


def test_solutions_close_the_notebook_collapsed(notebook):
    start, appendix = nbfile.index(notebook, "solutions-md"), nbfile.index(notebook, "appendix-md")
    assert start > appendix, "the solutions come after the appendix: on GitHub nothing folds"
    solutions = code_cells(notebook.cells[start:])
    assert solutions, "no solution after the solutions heading"
    for cell in solutions:
        hidden = cell.metadata.get("jupyter", {})
        assert hidden.get("source_hidden") and hidden.get("outputs_hidden"), f"{cell.id} is not collapsed"


def test_optional_parts_open_folded_in_jupyterlab(notebook):
    parts = notebook.cells[nbfile.index(notebook, "plot") : nbfile.index(notebook, "summary-md")]
    folds = [cell for cell in parts if cell.source.startswith("## ")] + [nbfile.cell(notebook, "appendix-md")]
    unfolded = [cell.id for cell in folds if not cell.metadata.get("jp-MarkdownHeadingCollapsed")]
    assert len(folds) > 1 and not unfolded, f"{unfolded} open unfolded: fold them again in JupyterLab, save"


def test_no_link_points_to_a_heading(notebook):
    # GitHub's rendered view of a notebook does not follow links to its headings: the text says where instead.
    assert [cell.id for cell in notebook.cells if cell.cell_type == "markdown" and "](#" in cell.source] == []


def test_every_assert_says_what_failed(notebook):
    for cell in code_cells(notebook.cells):
        tree = ast.parse("\n".join(line for line in cell.source.splitlines() if not line.startswith("%")))
        bare = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Assert) and not node.msg]
        assert not bare, f"{cell.id}: the assert on line {bare[0]} has no message"


SECTIONS = re.compile(r"\[[^\]]*\]\([^)]*\)|§[\d.]+")  # links and section numbers such as §2.5
INTEGER = re.compile(r"(?<![\w.-])\d+(?![\w-]|\.\d| 位)")  # 17, 100; not float32, 0.1, x86-64, 32-bit, 32 位
NOT_COUNTS = re.compile(
    rf"{nbfile.CODE_SPAN.pattern}|{nbfile.FORMULA.pattern}"  # where 10 in arange(0, 10, 0.1) is no claim
    r"|(?:\bSteps?|第) \d+(?: (?:to|到) \d+)?|^\s*\**\d+\.|(?:\b(?:exercise|solution)s?|练习|解答) ?\d+",
    re.S | re.M | re.I,
)


def test_numbers_in_the_prose_are_numbers_the_code_prints(notebook):
    printed = " ".join(
        out.get("text", "") + out.get("data", {}).get("text/plain", "")
        for cell in code_cells(notebook.cells)
        for out in cell.outputs
    )
    counts = set(INTEGER.findall(printed))
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            prose = SECTIONS.sub(" ", cell.source)
            unprinted = {number for number in re.findall(r"\d+\.\d+", prose) if number not in printed}
            unprinted |= set(INTEGER.findall(NOT_COUNTS.sub(" ", prose))) - counts
            assert not unprinted, f"{cell.id} says {sorted(unprinted)}, which no output prints"


def test_the_blog_posts_program_prints_the_800_numbers_of_its_printout():
    number = re.compile(r"-?\d+\.\d*(?:e[-+]?\d+)?")
    seed_file = Path(__file__).with_name("seed_printout.txt").read_text(encoding="utf-8").splitlines()
    seed = number.findall("\n".join(line for line in seed_file if not line.startswith("#")))
    program = nbfile.read(nbfile.SEED_PROGRAM)  # seed_printout.txt is the blog's printout, copied
    stdout = "".join(out.get("text", "") for cell in code_cells(program.cells) for out in cell.outputs)
    printed = number.findall(stdout)
    assert len(seed) == 800
    assert any(printed[i : i + len(seed)] == seed for i in range(len(printed))), "the seed's printout is gone"


def test_readme_shows_the_answer_plot_at_its_intended_width():
    (out,) = [out for out in nbfile.cell(nbfile.read(), "plot").outputs if "image/png" in out.get("data", {})]
    assert nbfile.README_IMAGE.read_bytes() == base64.b64decode(out.data["image/png"]), "run `make notebook`"
    width = out.metadata["image/png"]["width"]  # half the PNG's pixels: it is drawn at twice the density
    tag = f'<img src="{nbfile.README_IMAGE.relative_to(nbfile.ROOT)}" width="{width}"'
    assert tag in (nbfile.ROOT / "README.md").read_text(encoding="utf-8"), f"README.md lacks {tag}"


def test_make_notebook_refuses_to_rewrite_outputs_off_the_reference_platform(monkeypatch):
    committed = nbfile.NOTEBOOK.read_bytes()
    monkeypatch.setattr(nbfile, "on_reference_platform", lambda: False)
    with pytest.raises(SystemExit, match="Refresh on x86-64 Linux"):
        refresh_notebook.main([])
    assert nbfile.NOTEBOOK.read_bytes() == committed
