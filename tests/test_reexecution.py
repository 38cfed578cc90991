"""Re-running the notebook: learners run cells twice and out of order, and nbval cannot see plots.

One pass in the shared kernel, from a fresh start, runs every cell twice in a row. (nbval has already
compared every text output with the committed one, in a kernel of its own.)
"""

import pytest

from notebook_tools import assert_same_plots, error_outputs, text_outputs
from printed_numbers import compare_cells
from tools import notebook as notebook_file
from tools.notebook import cell_by_id


def test_no_cell_writes_an_error_or_stderr_run_once_or_twice(twice_run):
    assert error_outputs(twice_run.first) == []
    assert error_outputs(twice_run.second) == []


def test_running_a_cell_again_prints_what_it_printed(twice_run, tmp_path):
    for first, second in zip(twice_run.first, twice_run.second, strict=True):
        assert text_outputs(second) == text_outputs(first), f"running {first.id} again changed its output"
        assert_same_plots(first, second, tmp_path)


def test_plots_look_like_the_committed_ones(notebook, twice_run, tmp_path):
    # nbval compares text only; plots are compared within matplotlib's own image tolerance.
    for committed, fresh in zip(notebook.cells, twice_run.first, strict=True):
        assert_same_plots(committed, fresh, tmp_path)


@pytest.mark.skipif(
    notebook_file.on_reference_platform(), reason="nbval has compared every output digit for digit"
)
def test_outputs_match_the_committed_ones_within_float32s_tolerance(notebook, twice_run, loosened):
    def printouts(cells):  # kind and text of each output: a changed kind shows as changed text
        return {cell.id: [f"{kind}: {text or ''}" for kind, text in text_outputs(cell)] for cell in cells}

    comparison = compare_cells(printouts(notebook.cells), printouts(twice_run.first))
    loosened += comparison.loosened
    assert comparison.problems == []


def test_plot_shows_sin_and_the_autograd_gradient(plotted):
    """The exercise: the derivative curve is x.grad, labelled as autograd's, never a cos formula."""
    on_grid = [line for line in plotted if line["x_is_grid"]]
    assert any(line["y_is_sin"] for line in on_grid), plotted
    derivative = [line for line in on_grid if line["y_is_x_grad"]]
    assert derivative, f"no plotted line is x.grad: {plotted}"
    assert all("autograd" in line["label"] for line in derivative), derivative
    assert not any("cos" in line["label"] for line in plotted), "the plot must not claim cos(x)"


def test_plot_before_backward_says_which_cell_to_run(kernel, notebook, twice_run):
    # Re-running Step 1 makes a new x with no gradient; jumping to the plot must say what is missing.
    steps = ["imports", "parameters", "build-x", "requires-grad", "forward", "plot"]
    (cells,) = kernel.run([cell_by_id(notebook.cells, step) for step in steps])
    assert error_outputs(cells[:-1]) == []
    assert error_outputs(cells[-1:]) == [
        "plot: RuntimeError: x.grad is empty: run the backward() cell of Step 3 first"
    ]
