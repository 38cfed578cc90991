"""The `parameters` cell: other grids pass the notebook's own checks; bad ones are refused clearly."""

import math

import pytest

from notebook_tools import PAPERMILL_GRID, PARAMETER_SETS, error_outputs, with_parameters
from tools.notebook import cell_by_id


@pytest.mark.parametrize("grid", PARAMETER_SETS)
def test_other_grid_passes_the_notebooks_own_checks(parameter_runs, grid):
    assert error_outputs(parameter_runs[grid].cells) == []


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"step": 0.0}, "ValueError: need step > 0 and stop > start"),
        ({"start": 5.0, "stop": 1.0}, "ValueError: need step > 0 and stop > start"),
        ({"dtype": "float16"}, "ValueError: dtype must be 'float32' or 'float64', not 'float16'"),
    ],
)
def test_bad_grid_is_refused_with_a_clear_message(kernel, notebook, twice_run, values, message):
    steps = ["imports", "parameters", "injected-parameters", "build-x"]
    (cells,) = kernel.run([cell_by_id(with_parameters(notebook.cells, **values), step) for step in steps])
    errors = error_outputs(cells)
    assert len(errors) == 1 and errors[0].startswith(f"build-x: {message}"), errors


def test_papermill_runs_the_notebook_with_other_parameters(papermill_run):
    """papermill is the real client of the `parameters` tag: a learner's `papermill -p ...` must work."""
    assert error_outputs(papermill_run.cells) == []
    (built,) = cell_by_id(papermill_run.cells, "build-x").outputs
    points = math.ceil((PAPERMILL_GRID["stop"] - PAPERMILL_GRID["start"]) / PAPERMILL_GRID["step"])
    assert built.data["text/plain"] == f"(torch.Size([{points}]), torch.{PAPERMILL_GRID['dtype']}, False)"
