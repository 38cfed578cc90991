"""The committed autodiff_sin.ipynb is what GitHub readers see: complete, in order, safe and small."""

import base64
import re

import nbformat

from notebook_tools import cell_index, code_cells
from tools.notebook import NOTEBOOK, NOTEBOOK_BUDGET_BYTES, PNG_BUDGET_BYTES, cell_by_id, png_outputs

ALLOWED_MIME_TYPES = {"text/plain", "image/png"}  # GitHub strips HTML/JS; an untrusted copy must run nothing
NBVAL_MARKERS = ("NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP", "NBVAL_RAISES_EXCEPTION", "NBVAL_CHECK_OUTPUT")


def test_is_valid_nbformat_4_with_a_python3_kernel(notebook):
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"


def test_was_executed_top_to_bottom_in_a_fresh_kernel(notebook):
    counts = [cell.execution_count for cell in code_cells(notebook.cells)]
    assert counts == list(range(1, len(counts) + 1)), "run `make notebook`"


def test_has_no_per_cell_timing_metadata(notebook):
    assert [cell.id for cell in notebook.cells if "execution" in cell.metadata] == []


def test_has_no_error_or_stderr_output(notebook):
    for cell in code_cells(notebook.cells):
        for out in cell.outputs:
            assert out.output_type in ("stream", "execute_result", "display_data"), (
                f"{cell.id}: {out.output_type}"
            )
            if out.output_type == "stream":
                assert out.name == "stdout", f"{cell.id} wrote to {out.name}"


def test_outputs_are_only_text_and_png(notebook):
    for cell in code_cells(notebook.cells):
        for out in cell.outputs:
            if out.output_type != "stream":
                assert set(out.data) <= ALLOWED_MIME_TYPES, f"{cell.id}: {set(out.data)}"


def test_shows_at_least_one_plot(notebook):
    assert any(png_outputs(cell) for cell in notebook.cells)


def test_fits_its_size_budget():
    assert NOTEBOOK.stat().st_size <= NOTEBOOK_BUDGET_BYTES


def test_each_plot_fits_its_size_budget(notebook):
    for cell in notebook.cells:
        for png in png_outputs(cell):
            assert len(base64.b64decode(png)) <= PNG_BUDGET_BYTES, f"the plot of {cell.id} is over budget"


def test_never_more_than_two_code_cells_without_explanation(notebook):
    run = 0
    for cell in notebook.cells:
        run = run + 1 if cell.cell_type == "code" else 0
        assert run <= 2, f"three code cells in a row, up to {cell.id}: add Markdown between them"


def test_derivative_is_never_written_as_cos_before_the_checks(notebook):
    # The exercise: compute df/dx without using cos; cos may appear only as a reference afterwards.
    before_checks = notebook.cells[: cell_index(notebook.cells, "check-cos")]
    for cell in code_cells(before_checks):
        assert "cos" not in cell.source, f"{cell.id} uses cos"


def test_no_cell_is_excluded_from_nbval(notebook):
    # Strict mode compares every output; a marker comment or tag would quietly exempt a cell.
    for cell in code_cells(notebook.cells):
        markers = {tag.upper().replace("-", "_") for tag in cell.metadata.get("tags", [])}
        markers |= {line.lstrip("# ").strip() for line in cell.source.splitlines() if line.startswith("#")}
        assert not markers & set(NBVAL_MARKERS), f"{cell.id} is excluded from nbval"


def test_exercise_solutions_come_after_the_summary_collapsed_linked_and_run(notebook):
    # On GitHub nothing collapses: the solutions sit after the summary, each linked from its exercise.
    # Lower-case headings give one anchor in JupyterLab, nbconvert and GitHub: "### solution 1", #solution-1.
    solutions_start = cell_index(notebook.cells, "summary-md")
    exercises = cell_by_id(notebook.cells, "exercises").source
    solutions = [cell for cell in code_cells(notebook.cells) if cell.id.startswith("solution-")]
    assert len(solutions) == len(re.findall(r"^\*\*\d+\. ", exercises, re.M)) == 5
    for number, cell in enumerate(solutions, start=1):
        assert cell.id == f"solution-{number}"
        assert cell_index(notebook.cells, cell.id) > solutions_start, f"{cell.id} comes before the summary"
        assert cell.metadata.get("jupyter", {}).get("source_hidden") is True, cell.id
        assert cell.metadata.get("jupyter", {}).get("outputs_hidden") is True, cell.id
        assert cell.source.splitlines()[0] == f"# Solution to exercise {number}: try it yourself first."
        assert cell.outputs, f"{cell.id} has no output"
        heading = cell_by_id(notebook.cells, f"solution-{number}-md").source.splitlines()[0]
        assert heading == f"### solution {number}", heading
        assert f"(#solution-{number})" in exercises, f"exercise {number} does not link to its solution"


def test_numbers_in_the_prose_are_numbers_the_code_prints(notebook):
    printed = " ".join(
        out.get("text", "") + out.get("data", {}).get("text/plain", "")
        for cell in code_cells(notebook.cells)
        for out in cell.outputs
    )
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            # Links are left out: their texts and URLs hold section numbers such as 2.5.
            prose = re.sub(r"\[[^\]]*\]\([^)]*\)", "", cell.source)
            for number in re.findall(r"\d+\.\d+", prose):
                assert number in printed, f"{cell.id} says {number}, which no output prints"


def test_markdown_math_is_balanced(notebook):
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            text = re.sub(r"`[^`]*`", "", cell.source)  # code spans may hold a literal $
            assert text.replace("$$", "").count("$") % 2 == 0, f"{cell.id} has an unclosed $"
