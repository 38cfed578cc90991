"""Session fixtures: the committed notebook, read once, and one shared kernel that re-runs it."""

from typing import NamedTuple

import pytest

from browser_tools import chromium_browser, jupyterlab_server
from notebook_tools import PARAMETER_SETS, NotebookKernel, with_parameters
from probes import derivative_numbers, plotted_lines, preload
from tools import notebook as notebook_file

SHARED_KERNEL = pytest.StashKey[NotebookKernel]()
LOOSENED = pytest.StashKey[list]()  # numbers compared within float32's tolerance, to report at the end


def pytest_configure(config):
    """Off the reference platform nbval only checks that every cell runs; tests/test_reexecution.py
    compares the printed numbers within float32's tolerance instead (see tests/printed_numbers.py)."""
    config.stash[LOOSENED] = []
    if config.option.nbval and not notebook_file.on_reference_platform():
        config.option.nbval, config.option.nbval_lax = False, True


def pytest_report_header(config):
    if notebook_file.on_reference_platform():
        return "outputs: nbval strict, digit for digit (this is the reference platform)"
    return (
        f"outputs: the committed ones come from {notebook_file.reference_platform_name()}, not this CPU: "
        "nbval runs lax; printed numbers are compared within float32's tolerance (tests/printed_numbers.py)"
    )


def pytest_terminal_summary(terminalreporter, config):
    loosened = config.stash[LOOSENED]
    if loosened:
        terminalreporter.section("numbers that differ from the reference platform's, within tolerance")
        for line in loosened:
            terminalreporter.write_line(line)


def pytest_collection_finish(session):
    """Start the shared kernel as soon as a collected test needs it, not when the first one runs.

    It imports what the notebook needs while nbval runs the notebook in its own kernel on the other core.
    """
    if any("kernel" in getattr(item, "fixturenames", ()) for item in session.items):  # nbval cells have none
        kernel = NotebookKernel(notebook_file.read().metadata)
        kernel.start(preload)
        session.config.stash[SHARED_KERNEL] = kernel


def pytest_sessionfinish(session):
    if SHARED_KERNEL in session.config.stash:
        session.config.stash[SHARED_KERNEL].close()


class Run(NamedTuple):
    cells: list  # the executed cells, outputs included
    numbers: dict  # probes.derivative_numbers, right after the run


class TwiceRun(NamedTuple):
    first: list  # every cell's first run, in a kernel that started fresh
    second: list  # the same cell run again right after
    numbers: dict


@pytest.fixture(scope="session")
def notebook():
    return notebook_file.read()


@pytest.fixture(scope="session")
def loosened(request):
    return request.config.stash[LOOSENED]


@pytest.fixture(scope="session")
def kernel(request):
    return request.config.stash[SHARED_KERNEL]


@pytest.fixture(scope="session")
def twice_run(kernel, notebook):
    """From a fresh kernel, every code cell run twice in a row, as a learner pressing Shift+Enter twice.

    Every other pass in the shared kernel depends on this one, so it comes first.
    """
    first, second = kernel.run(notebook.cells, times=2)
    return TwiceRun(first, second, kernel.ask(derivative_numbers))


@pytest.fixture(scope="session")
def plotted(kernel, notebook, twice_run):
    """The curves on the answer plot's axes, read right after its cell ran."""
    kernel.run([notebook_file.cell_by_id(notebook.cells, notebook_file.PLOT_CELL_ID)])
    return kernel.ask(plotted_lines)


@pytest.fixture(scope="session")
def parameter_runs(kernel, notebook, twice_run):
    runs = {}
    for name, values in PARAMETER_SETS.items():
        (cells,) = kernel.run(with_parameters(notebook.cells, **values))
        runs[name] = Run(cells, kernel.ask(derivative_numbers))
    return runs


@pytest.fixture(scope="session")
def browser():
    with chromium_browser() as browser:
        yield browser


@pytest.fixture(scope="session")
def jupyterlab_url(tmp_path_factory):
    with jupyterlab_server(notebook_file.NOTEBOOK, tmp_path_factory.mktemp("jupyterlab")) as url:
        yield url


@pytest.fixture(scope="session")
def artifacts():
    """Where the browser tests leave screenshots for a person to look at (git-ignored)."""
    folder = notebook_file.ROOT / "test-artifacts"
    folder.mkdir(exist_ok=True)
    return folder
