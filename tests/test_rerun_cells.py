"""Learners run cells twice and out of order: that must not change what any cell prints."""

from notebook_tools import assert_same_plots, cell_by_id, error_outputs, text_outputs


def test_every_cell_run_twice_prints_what_one_run_prints(fresh_run, twice_run, tmp_path):
    first_runs, second_runs = twice_run
    assert error_outputs(second_runs) == []
    for fresh, first, second in zip(fresh_run.cells, first_runs, second_runs, strict=True):
        assert text_outputs(first) == text_outputs(fresh), (
            f"after the cell above ran twice, {fresh.id} changed"
        )
        assert text_outputs(second) == text_outputs(first), f"running {fresh.id} again changed its output"
        assert_same_plots(first, second, tmp_path)


def test_plot_before_backward_says_which_cell_to_run(kernel, notebook, fresh_run):
    # Re-running Step 1 makes a new x with no gradient; jumping to the plot must say what is missing.
    steps = ["imports", "parameters", "build-x", "requires-grad", "forward", "plot"]
    (cells,) = kernel.run([cell_by_id(notebook.cells, step) for step in steps])
    assert error_outputs(cells[:-1]) == []
    assert error_outputs(cells[-1:]) == [
        "plot: RuntimeError: x.grad is empty: run the backward() cell of Step 3 first"
    ]
