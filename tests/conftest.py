"""Session fixtures: the committed notebook, read once, and one shared kernel that re-runs it."""

from typing import NamedTuple

import pytest

from browser_tools import chromium_browser, jupyterlab_server
from notebook_tools import (
    NOTEBOOK,
    PARAMETER_SETS,
    ROOT,
    NotebookKernel,
    cell_by_id,
    read_notebook,
    with_parameters,
)

# Read off the kernel after a full run: the notebook's derivatives against references the test
# computes itself (cos and -sin in float64, central differences), not against the notebook's own checks.
NUMBERS = """{
    "dtype": str(x.dtype).removeprefix("torch."),
    "eps": torch.finfo(x.dtype).eps,
    "x_max": x.detach().abs().max().item(),
    "grad_vs_cos": (x.grad.double() - torch.cos(x.detach().double())).abs().max().item(),
    "second_vs_minus_sin": (d2y.double() + torch.sin(x.detach().double())).abs().max().item(),
    "central_difference_error": {
        h: ((torch.sin(x.detach() + h) - torch.sin(x.detach() - h)) / (2 * h) - x.grad).abs().max().item()
        for h in (1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7)
    },
}"""

# Read off the kernel right after the plot cell ran: what its axes `ax` actually show.
PLOTTED_LINES = """[
    {
        "label": line.get_label(),
        "x_is_grid": bool((line.get_xdata() == x.detach().numpy()).all()),
        "y_is_x_grad": bool((line.get_ydata() == x.grad.numpy()).all()),
        "y_is_sin": bool((line.get_ydata() == torch.sin(x.detach()).numpy()).all()),
    }
    for line in ax.lines
    if len(line.get_xdata()) == len(x)
]"""


# What the shared kernel loads while nbval runs the notebook in its own kernel on the other core:
# PyTorch and Matplotlib, and the parts of PyTorch that load on first use (a backward() given
# `gradient=` loads sympy, torch.func's vmap loads torch._dynamo). No name is left in the kernel's
# namespace, so the fresh run still starts from an empty one.
PRELOAD = """
def _preload():
    import matplotlib.pyplot
    import torch
    t = torch.zeros(1, requires_grad=True)
    torch.sin(t).backward(gradient=torch.ones_like(t))
    torch.func.vmap(torch.func.grad(torch.sin))(t.detach())
_preload()
del _preload
"""
SHARED_KERNEL = pytest.StashKey[NotebookKernel]()


def pytest_collection_finish(session):
    """Start the shared kernel as soon as a collected test needs it, not when the first one runs."""
    if any("kernel" in getattr(item, "fixturenames", ()) for item in session.items):  # nbval cells have none
        kernel = NotebookKernel(read_notebook().metadata)
        kernel.preload(PRELOAD)
        session.config.stash[SHARED_KERNEL] = kernel


def pytest_sessionfinish(session):
    if SHARED_KERNEL in session.config.stash:
        session.config.stash[SHARED_KERNEL].close()


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives a real browser (leave out with -m 'not browser')")


class Run(NamedTuple):
    cells: list  # the executed cells, outputs included
    numbers: dict  # NUMBERS, evaluated right after the run


@pytest.fixture(scope="session")
def notebook():
    return read_notebook()


@pytest.fixture(scope="session")
def kernel(request):
    return request.config.stash[SHARED_KERNEL]


def run_all(kernel, cells):
    (executed,) = kernel.run(cells)
    return Run(executed, kernel.evaluate(NUMBERS))


@pytest.fixture(scope="session")
def fresh_run(kernel, notebook):
    """Top to bottom while the kernel is fresh. Every other pass depends on this one, so it is first."""
    return run_all(kernel, notebook.cells)


@pytest.fixture(scope="session")
def plotted_lines(kernel, notebook, fresh_run):
    kernel.run([cell_by_id(notebook.cells, "plot")])
    return kernel.evaluate(PLOTTED_LINES)


@pytest.fixture(scope="session")
def twice_run(kernel, notebook, fresh_run):
    """Every code cell run twice in a row, in the kernel the fresh run left behind."""
    return kernel.run(notebook.cells, times=2)


@pytest.fixture(scope="session")
def parameter_runs(kernel, notebook, fresh_run):
    return {
        name: run_all(kernel, with_parameters(notebook.cells, **values))
        for name, values in PARAMETER_SETS.items()
    }


@pytest.fixture(scope="session")
def browser():
    with chromium_browser() as browser:
        yield browser


@pytest.fixture(scope="session")
def jupyterlab_url(tmp_path_factory):
    with jupyterlab_server(NOTEBOOK, tmp_path_factory.mktemp("jupyterlab")) as url:
        yield url


@pytest.fixture(scope="session")
def artifacts():
    """Where the browser tests leave screenshots for a person to look at (git-ignored)."""
    folder = ROOT / "test-artifacts"
    folder.mkdir(exist_ok=True)
    return folder
