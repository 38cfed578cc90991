"""A fresh re-execution reproduces the committed notebook: its text exactly, its plots within tolerance."""

from notebook_tools import assert_same_plots, code_cells, error_outputs, text_outputs


def test_fresh_run_has_no_error_or_stderr(fresh_run):
    assert error_outputs(fresh_run.cells) == []


def test_fresh_run_prints_the_committed_text(notebook, fresh_run):
    for committed, fresh in zip(code_cells(notebook.cells), code_cells(fresh_run.cells), strict=True):
        assert fresh.execution_count == committed.execution_count, "run `make notebook`"
        assert text_outputs(fresh) == text_outputs(committed), (
            f"cell {committed.id} is stale: run `make notebook`"
        )


def test_fresh_run_draws_the_committed_plots(notebook, fresh_run, tmp_path):
    for committed, fresh in zip(code_cells(notebook.cells), code_cells(fresh_run.cells), strict=True):
        assert_same_plots(committed, fresh, tmp_path)


def test_plot_shows_sin_and_the_autograd_gradient(plotted_lines):
    """The exercise: the derivative curve is x.grad, labelled as autograd's, never a cos formula."""
    on_grid = [line for line in plotted_lines if line["x_is_grid"]]
    assert any(line["y_is_sin"] for line in on_grid), plotted_lines
    derivative = [line for line in on_grid if line["y_is_x_grad"]]
    assert derivative, f"no plotted line is x.grad: {plotted_lines}"
    assert all("autograd" in line["label"] for line in derivative), derivative
    assert not any("cos" in line["label"] for line in plotted_lines), "the plot must not claim cos(x)"
