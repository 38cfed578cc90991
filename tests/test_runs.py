"""The notebook re-run as learners run it: twice, on other grids, with bad grids, after detours."""

import base64
import re

import nbformat
import pytest
from matplotlib.testing.compare import compare_images

from conftest import problems, with_grid
from tools import notebook as nbfile

# Grids a learner may type into the parameters cell, each run top to bottom in the shared kernel.
GRIDS = {
    "default": {},
    "float64": {"dtype": "float64"},
    "far from 0": {"start": 100.0, "stop": 200.0, "step": 0.05},
    "sin only climbs": {"start": 0.0, "stop": 1.0},
    "float32, huge": {"start": 3e15, "stop": 4e15, "step": 1e13},
    "float64, beyond float32": {"start": 1e39, "stop": 2e39, "step": 1e37, "dtype": "float64"},
}
# Grids the notebook must refuse before it differentiates anything, naming the culprit.
BAD_GRIDS = [
    {"step": 0.0},
    {"start": 5.0, "stop": 1.0},
    {"dtype": "float16"},
    {"stop": 0.1},  # one point
    {"stop": 3e38, "step": 1e34},  # within float32, but its plots would overflow
    {"stop": 1e-40, "step": 1e-42},  # a step below float32's smallest normal number
    {"stop": 10**20, "step": 10**18},  # ints that torch.arange cannot take
    dict(start=9401.21601586745, stop=9401.216015867463, step=2**-39, dtype="float64"),  # a plot sees a dot
    {"start": 1e8, "stop": 1e8 + 1, "step": 0.5},  # two points that float32 cannot tell apart
    {"stop": 1e6, "step": 1.0},  # more than 10**5 points
]

# What a learner may run between Step 3 and the plot, and the cells the checks' messages name, by name.
DETOURS = {
    "another backward() through x": "torch.sin(x).sum().backward()",
    "an exercise through x": "(x * torch.sin(x)).sum().backward()",
    "Step 1 run again": "build-x",
    "the parameters changed and run": "stop = 5.0",
}
MESSAGES_NAME = {"Step 1's cell": "build-x", "Step 3's backward() cell": "backward"}

# x.grad against NumPy's cos in float64: another implementation than the PyTorch kernel behind autograd.
REFERENCE = """def probe():
    import numpy, torch
    if "x" not in globals():
        return {"missing": "x"}
    grid, grad = x.detach().double().numpy(), x.grad.double().numpy()
    return {"error": abs(grad - numpy.cos(grid)).max(), "eps": torch.finfo(x.dtype).eps}
print(__import__("json").dumps(probe())); del probe"""

# The curves of the figure the plot cell drew, which Jupyter keeps open while this looks at it.
KEEP_FIGURES = "get_ipython().run_line_magic('config', 'InlineBackend.close_figures = False'); print(1)"
PLOTTED = """def probe():
    import torch
    from matplotlib import pyplot
    if "x" not in globals():
        return {"missing": "x"}
    grid, grad, sine = x.detach().numpy(), x.grad.numpy(), torch.sin(x.detach()).numpy()
    lines = [line for axes in pyplot.gcf().axes for line in axes.lines if len(line.get_xdata()) == len(grid)]
    get_ipython().run_line_magic("config", "InlineBackend.close_figures = True")
    pyplot.close("all")
    same = lambda values, ys: bool((ys == values).all())
    return [{"on grid": same(grid, line.get_xdata()), "x.grad": same(grad, line.get_ydata()),
             "sin": same(sine, line.get_ydata())} for line in lines]
print(__import__("json").dumps(probe())); del probe"""


def printed(cell):
    """What a cell printed, kind by kind; pictures are compared by same_pictures."""
    return [(out.output_type, out.get("text") or out.data.get("text/plain")) for out in cell.outputs]


def same_pictures(expected, actual, folder):
    """The cells' PNGs look the same, within matplotlib's own image-comparison tolerance."""
    want, got = nbfile.png_outputs(expected), nbfile.png_outputs(actual)
    assert len(want) == len(got), f"cell {expected.id}: {len(want)} pictures, then {len(got)}"
    for k, pair in enumerate(zip(want, got, strict=True)):
        paths = [folder / f"{expected.id}-{k}-{which}.png" for which in ("expected", "actual")]
        for path, png in zip(paths, pair, strict=True):
            path.write_bytes(base64.b64decode(png))
        difference = compare_images(*map(str, paths), tol=1)
        assert difference is None, f"cell {expected.id}, picture {k}: {difference}"


@pytest.fixture(scope="session", params=GRIDS)
def grid_run(request, kernel, notebook, twice):
    """The notebook run top to bottom with a grid of GRIDS, and the reference probe's answer after it."""
    cells = kernel.run(with_grid(notebook, **GRIDS[request.param]))
    return cells, kernel.ask(REFERENCE)


def test_no_cell_writes_an_error_or_stderr_run_once_or_twice(twice):
    assert problems(twice[0] + twice[1]) == []


def test_running_a_cell_again_prints_and_draws_what_it_did(twice, tmp_path):
    for first, second in zip(*twice, strict=True):
        if first.cell_type == "code":
            assert printed(second) == printed(first), f"running {first.id} again changed what it printed"
            same_pictures(first, second, tmp_path)


def test_pictures_look_like_the_committed_ones(notebook, twice, tmp_path):
    for committed, fresh in zip(notebook.cells, twice[0], strict=True):
        if committed.cell_type == "code":
            same_pictures(committed, fresh, tmp_path)


def test_every_grid_runs_without_an_error_stderr_or_nan(grid_run):
    cells, _ = grid_run
    assert problems(cells) == []
    nan = [c.id for c in cells if c.cell_type == "code" and re.search(r"\bnan\b", str(printed(c)))]
    assert nan == [], f"{nan} printed nan"


def test_autograd_derivative_is_cos_on_every_grid(grid_run):
    _, reference = grid_run
    assert reference["error"] <= reference["eps"], reference


@pytest.mark.parametrize("values", BAD_GRIDS, ids=str)
def test_a_bad_grid_is_refused_before_backward_naming_the_culprit(kernel, notebook, twice, values):
    cells = kernel.run(with_grid(notebook, **values), stop_at_error=True)
    errors = problems(cells)
    assert len(errors) == 1 and ": ValueError: " in errors[0], errors
    assert all(name in errors[0] for name in values), f"{errors[0]} does not name {list(values)}"
    assert "backward" not in [cell.id for cell in cells], "refused only after backward()"


def test_a_cell_run_before_step_1_says_to_run_step_1(kernel, notebook, twice):
    no_x = nbformat.v4.new_code_cell("globals().pop('x', None)\nx.grad")  # as in a fresh kernel
    *_, cell = kernel.run(notebook.cells[: nbfile.index(notebook, "build-x")] + [no_x])
    assert "Step 1's cell" in cell.outputs[-1].traceback[-1], cell.outputs


def test_the_answer_plot_shows_sin_and_x_grad(kernel, notebook, twice):
    kernel.run(notebook.cells[: nbfile.index(notebook, "plot")])
    kernel.ask(KEEP_FIGURES)
    kernel.run([nbfile.cell(notebook, "plot")])
    lines = [line for line in kernel.ask(PLOTTED) if line["on grid"]]
    assert any(line["sin"] for line in lines), lines
    assert any(line["x.grad"] for line in lines), f"no curve of the plot is x.grad: {lines}"


def test_another_backward_through_x_stops_every_cell_that_reads_x_grad(kernel, notebook, twice):
    # The try-it cell's natural attempt, run after Step 3: x.grad now holds twice the derivative.
    at = nbfile.index(notebook, "backward") + 1
    after = [cell for cell in notebook.cells[at:] if cell.cell_type == "code"]
    kernel.run(notebook.cells[:at] + [nbformat.v4.new_code_cell("torch.sin(x).sum().backward()")])
    for committed, cell in zip(after, kernel.run(after), strict=True):
        if errors := problems([cell]):  # a cell that reads x.grad: it says what to run
            assert len(errors) == 1 and "Step 3's backward() cell" in errors[0], errors
        else:  # any other cell prints what it printed before
            assert printed(cell) == printed(committed), f"{cell.id} printed something else, and said nothing"


@pytest.mark.parametrize("detour", DETOURS)
def test_after_a_detour_the_plot_stops_and_its_messages_lead_back_to_it(kernel, notebook, twice, detour):
    step = DETOURS[detour]
    kernel.run(notebook.cells[: nbfile.index(notebook, "backward") + 1])
    kernel.run([nbfile.cell(notebook, step) if step in nbfile.CELLS else nbformat.v4.new_code_cell(step)])
    messages = []
    while len(messages) < 3 and (errors := problems(kernel.run([nbfile.cell(notebook, "plot")]))):
        messages.append(errors[0])
        named = [cell for words, cell in MESSAGES_NAME.items() if words in errors[0]]
        assert named, f"the message names no cell to run: {errors[0]}"
        kernel.run([nbfile.cell(notebook, cell) for cell in named])
    assert messages and not errors, f"after {detour}: {messages}"
    reference = kernel.ask(REFERENCE)
    assert reference["error"] <= reference["eps"], reference
