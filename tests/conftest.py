"""Shared setup: the committed notebook, and one kernel that re-runs it the way a learner does."""

import copy
import json

import nbformat
import pytest

from tools import notebook as nbfile


def pytest_configure(config):
    """Off the reference platform float32's last digits may differ: nbval lax, the tests' references judge."""
    if config.option.nbval and not nbfile.on_reference_platform():
        config.option.nbval, config.option.nbval_lax = False, True


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    """A missing contract name fails tests/test_contract.py alone: the tests that need it skip, saying why."""
    try:
        return (yield)
    except nbfile.ContractError as error:
        pytest.skip(f"{error} (tests/test_contract.py fails for it)")


pytest_runtest_call = pytest_runtest_setup


class Kernel:
    """One kernel, started as `make notebook` starts its own, that runs cells and answers probes."""

    def __init__(self, metadata):
        self.metadata = metadata
        options = {"timeout": 120, "allow_errors": True, "shutdown_kernel": "immediate"}
        self.client = nbfile.client(nbformat.v4.new_notebook(metadata=metadata), **options)
        self.running = self.client.setup_kernel()
        self.running.__enter__()

    def run(self, cells, stop_at_error=False):
        """Run the code cells in order; return copies of all cells, holding this run's outputs."""
        done = []
        for original in cells:
            done.append(copy.deepcopy(original))
            if original.cell_type == "code":
                self.client.nb = nbformat.v4.new_notebook(cells=done[-1:], metadata=self.metadata)
                self.client.execute_cell(done[-1], 0)
                if stop_at_error and problems(done[-1:]):
                    break
        return done

    def ask(self, probe):
        """Run `probe`, source that prints one JSON value and leaves no name behind; return the value."""
        (cell,) = self.run([nbformat.v4.new_code_cell(probe)])
        assert not problems([cell]), problems([cell])
        answer = json.loads("".join(out.text for out in cell.outputs))
        if isinstance(answer, dict) and "missing" in answer:
            raise nbfile.ContractError(f"no variable {answer['missing']!r}, which tools/notebook.py names")
        return answer


def problems(cells):
    """Every error and stderr output of the cells, as 'cell id: text'."""
    found = []
    for cell in cells:
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                found.append(f"{cell.id}: {out.ename}: {out.evalue}")
            elif out.output_type == "stream" and out.name == "stderr":
                found.append(f"{cell.id}: stderr: {out.text}")
    return found


def with_grid(nb, **values):
    """The cells with the grid changed the way papermill changes it: a cell after the parameters cell."""
    at = nbfile.parameters_index(nb) + 1
    source = "\n".join(f"{name} = {value!r}" for name, value in values.items())
    return nb.cells[:at] + [nbformat.v4.new_code_cell(source, id="injected-parameters")] + nb.cells[at:]


@pytest.fixture(scope="session")
def notebook():
    return nbfile.read()


@pytest.fixture(scope="module", params=nbfile.NOTEBOOKS, ids=lambda path: path.name)
def edition(request):  # each edition in turn, for the tests that hold for both
    return request.param


@pytest.fixture(scope="session")
def kernel(notebook):
    kernel = Kernel(notebook.metadata)
    yield kernel
    kernel.running.__exit__(None, None, None)


@pytest.fixture(scope="session")
def twice(kernel, notebook):
    """Every cell run twice in a row from a fresh kernel (Shift+Enter twice), before any other use of it."""
    first, second = [], []
    for cell in notebook.cells:
        first += kernel.run([cell])
        second += kernel.run([cell])
    return first, second
