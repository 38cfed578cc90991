"""Session fixtures: the committed notebook, read once, and one shared kernel that re-runs it."""

from concurrent.futures import Future, ThreadPoolExecutor
from typing import NamedTuple

import pytest

from browser_tools import chromium_browser, jupyterlab_server
from notebook_tools import (
    PAPERMILL_GRID,
    PARAMETER_SETS,
    NotebookKernel,
    probe_answer,
    probe_cell,
    with_parameters,
)
from printed_numbers import ROUNDING_CELLS
from probes import derivative_numbers, plotted_lines, preload
from tools import notebook as notebook_file

SHARED_KERNEL = pytest.StashKey[NotebookKernel]()
PAPERMILL_RUN = pytest.StashKey[Future]()
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
        terminalreporter.write_line("compared by order of magnitude only, and why:")
        for cell_id, reason in ROUNDING_CELLS.items():
            terminalreporter.write_line(f"  {cell_id}: {reason}")


def pytest_collection_finish(session):
    """Start the kernels that collected tests need as soon as they are known, not when the tests run.

    The shared kernel imports what the notebook needs, and papermill runs the notebook in a thread,
    while nbval runs it in its own kernel: their waits for kernels and imports overlap.
    """
    needed = {name for item in session.items for name in getattr(item, "fixturenames", ())}
    if "kernel" in needed:
        kernel = NotebookKernel(notebook_file.read().metadata)
        kernel.start(preload)
        session.config.stash[SHARED_KERNEL] = kernel
    if "papermill_run" in needed:
        executor = ThreadPoolExecutor(max_workers=1)
        session.config.stash[PAPERMILL_RUN] = executor.submit(run_papermill)
        executor.shutdown(wait=False)


def run_papermill():
    """The notebook through papermill with PAPERMILL_GRID, then the derivatives probe in the same kernel."""
    import papermill

    nb = notebook_file.read()
    nb.cells.append(probe_cell(derivative_numbers))
    executed = papermill.execute_notebook(
        nb,
        None,  # return the executed notebook, write no file
        parameters=PAPERMILL_GRID,
        kernel_name="python3",
        cwd=notebook_file.ROOT,
        progress_bar=False,
        config=notebook_file.kernel_config(),
    )
    *cells, probe = executed.cells
    return Run(cells, probe_answer(probe))


def pytest_sessionfinish(session):
    if SHARED_KERNEL in session.config.stash:
        session.config.stash[SHARED_KERNEL].close()
    if PAPERMILL_RUN in session.config.stash:
        session.config.stash[PAPERMILL_RUN].cancel()


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
def papermill_run(request):
    """The notebook as papermill executed it with PAPERMILL_GRID (a PapermillExecutionError if it failed)."""
    return request.config.stash[PAPERMILL_RUN].result()


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
