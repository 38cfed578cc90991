"""Reading the notebook's outputs, comparing them, and one long-lived kernel that runs its cells.

Starting a kernel and importing torch is most of the cost of a run, so the re-execution tests
(every cell twice, other parameters) share one kernel: each pass re-runs the cells in it, which is
itself what a learner does in JupyterLab.
"""

import base64
import copy
import inspect
import json
import math
import re

import nbformat
from matplotlib.testing.compare import compare_images

from tools import notebook
from tools.notebook import png_outputs

# The grids the notebook must also handle; each is a full re-run in the shared kernel.
PARAMETER_SETS = {
    "range -2pi..2pi": {"start": -2 * math.pi, "stop": 2 * math.pi},
    "step 0.05": {"step": 0.05},
    "float64": {"dtype": "float64"},
}
# All three at once, as a learner's `papermill autodiff_sin.ipynb out.ipynb -p start -3.14159 ...` would.
PAPERMILL_GRID = {"start": -3.14159, "stop": 3.14159, "step": 0.05, "dtype": "float64"}


def cell_index(cells, cell_id):
    return next(i for i, cell in enumerate(cells) if cell.id == cell_id)


def code_cells(cells):
    return [cell for cell in cells if cell.cell_type == "code"]


def with_parameters(cells, **values):
    """Insert an `injected-parameters` cell after the `parameters` cell, the papermill way."""
    cells = copy.deepcopy(cells)
    position = next(i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", []))
    source = "\n".join(f"{name} = {value!r}" for name, value in values.items())
    injected = nbformat.v4.new_code_cell(source, id="injected-parameters")
    cells.insert(position + 1, injected)
    return cells


def error_outputs(cells):
    """Every error or stderr output, as 'cell id: text', to show in a failed assertion."""
    found = []
    for cell in cells:
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                found.append(f"{cell.id}: {out.ename}: {out.evalue}")
            elif out.output_type == "stream" and out.name == "stderr":
                found.append(f"{cell.id}: stderr: {out.text}")
    return found


def text_outputs(cell):
    """A cell's outputs as text, images left out: what must match exactly between two runs."""
    texts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            texts.append((out.name, out.text))
        elif out.output_type == "error":
            texts.append(("error", f"{out.ename}: {out.evalue}"))
        else:
            texts.append((out.output_type, out.data.get("text/plain")))
    return texts


def normalized(text):
    return " ".join(text.split())


def shown_texts(cell):
    """What each output of a cell prints, as a page shows it: whitespace folded, no text/plain of a plot."""
    texts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            texts.append(normalized(out.text))
        elif out.output_type == "execute_result":
            texts.append(normalized(out.data["text/plain"]))
    return texts


MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.S)
CODE_SPAN = re.compile(r"`[^`]*`")  # a literal $ in code is not math, for MathJax either


def markdown_math(notebook):
    """Every TeX expression of the Markdown cells, in order, as its $...$ or $$...$$ delimits it."""
    expressions = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for display, inline in MATH.findall(CODE_SPAN.sub("", cell.source)):
                expressions.append(normalized(display or inline))
    return expressions


def assert_same_plots(expected_cell, actual_cell, folder):
    """The cells' PNGs look the same, within matplotlib's own image-comparison tolerance."""
    expected, actual = png_outputs(expected_cell), png_outputs(actual_cell)
    assert len(expected) == len(actual), f"cell {expected_cell.id}: {len(expected)} plots, then {len(actual)}"
    for k, (want, got) in enumerate(zip(expected, actual, strict=True)):
        want_path = folder / f"{expected_cell.id}-{k}-expected.png"
        got_path = folder / f"{expected_cell.id}-{k}.png"
        want_path.write_bytes(base64.b64decode(want))
        got_path.write_bytes(base64.b64decode(got))
        difference = compare_images(str(want_path), str(got_path), tol=1)
        assert difference is None, f"cell {expected_cell.id}, plot {k}: {difference}"


class NotebookKernel:
    """One kernel, started as `make notebook` starts its own, that runs cells and answers probes."""

    def __init__(self, metadata):
        self._metadata = metadata
        self._client = notebook.client(
            nbformat.v4.new_notebook(metadata=metadata),
            timeout=120,
            allow_errors=True,  # an error is recorded as an output, for the test to report
            shutdown_kernel="immediate",  # a graceful shutdown costs a second and checks nothing
        )
        self._kernel = self._client.setup_kernel()
        self._kernel.__enter__()

    def start(self, probe):
        """Start calling `probe` without waiting for it: what the kernel then does overlaps other work."""
        self._client.kc.execute(probe_source(probe, store=False), silent=True, store_history=False)

    def close(self):
        self._kernel.__exit__(None, None, None)

    def run(self, cells, times=1):
        """Run every code cell of `cells` in order, each `times` times in a row.

        Returns one executed copy of the cells per repetition: runs[k][i] is cell i's k-th run.
        """
        runs = [copy.deepcopy(cells) for _ in range(times)]
        for index, cell in enumerate(cells):
            if cell.cell_type == "code":
                for run in runs:
                    self._execute(run, index)
        return runs

    def _execute(self, cells, index, store_history=True):
        # nbclient stores the executed cell back into its notebook at `index`: give it the right one.
        self._client.nb = nbformat.v4.new_notebook(cells=cells, metadata=self._metadata)
        self._client.execute_cell(cells[index], index, store_history=store_history)

    def ask(self, probe):
        """Call the function `probe` in the kernel, its arguments being the kernel's variables of the
        same names, and return its JSON-able result."""
        cell = probe_cell(probe)
        self._execute([cell], 0, store_history=False)
        return probe_answer(cell)


def probe_source(probe, store):
    """The probe's source, a call of it (printing its answer as JSON if `store`), and a `del` that leaves
    the kernel's namespace as it was."""
    name = probe.__name__
    arguments = ", ".join(f"{parameter}={parameter}" for parameter in inspect.signature(probe).parameters)
    call = f"{name}({arguments})"
    if store:
        call = f"print(__import__('json').dumps({call}))"
    return f"{inspect.getsource(probe)}\n{call}\ndel {name}\n"


def probe_cell(probe):
    return nbformat.v4.new_code_cell(probe_source(probe, store=True), id=f"probe-{probe.__name__}")


def probe_answer(cell):
    errors = error_outputs([cell])
    assert not errors, f"{cell.id} failed: {errors}"
    return json.loads("".join(out.text for out in cell.outputs if out.output_type == "stream"))
