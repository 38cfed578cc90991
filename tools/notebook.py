"""The one place that knows the notebooks: where they are, how they run, the contract the tests read."""

import platform
import re
import sys
import uuid
from pathlib import Path

import nbformat
from jupyter_core.paths import jupyter_runtime_dir
from nbclient import NotebookClient
from traitlets.config import Config

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "autodiff_sin.ipynb"
NOTEBOOK_ZH = ROOT / "autodiff_sin.zh.ipynb"  # the Chinese edition: the same cells, translated prose
NOTEBOOKS = (NOTEBOOK, NOTEBOOK_ZH)
SEED_PROGRAM = ROOT / "seed_program.ipynb"  # the blog's program, plot aside: it prints the seed's numbers
HELPERS = ROOT / "autodiff_sin_helpers.py"  # their checks, figure format and drawing, from their folder
README_IMAGE = ROOT / "images" / "sin_and_derivative.png"  # the README shows the plot cell's picture
# How the Markdown cells write code and formulas, for the tests that read the prose around them.
CODE_SPAN = re.compile(r"`[^`]*`")
FORMULA = re.compile(r"\$\$.+?\$\$|\$.+?\$", re.S)

# The contract: the cell ids and variable names the tests rely on, and why; all else may change freely.
CELLS = {
    "build-x": "Step 1's cell: the checks' messages name it, and a test follows them",
    "backward": "Step 3's backward() cell: likewise",
    "try-it": "the try-it: its one output, check_mine's verdict, is in the edition's language",
    "plot": "the answer: its curves are checked, and the README shows its picture",
    "check-cos": "the first cell that may write cos: the exercise forbids it before",
    "summary-md": "the summary: the optional parts end before it",
    "solutions-md": "the heading of the solutions: every code cell from it to the end is one, collapsed",
    "appendix-md": "the heading of the appendix, folded in JupyterLab, which the solutions come after",
}
VARIABLES = {"x": "the grid, a leaf: x.grad is the answer, compared with references the tests compute"}
PARAMETERS_TAG = "parameters"  # papermill's convention: the one cell holding the grid, start to dtype

NOTEBOOK_BUDGET_BYTES = 300_000  # what GitHub and learners download
PNG_BUDGET_BYTES = 80_000  # each plot

# The committed outputs are those of this platform, and only here are they compared digit for digit (nbval
# strict) or rewritten (`make notebook`). Float32 results depend on the CPU's vector kernel: under ARM
# emulation torch.arange(0, 10, 0.1) differs by one ulp at 17 points; AVX-512 machines are not measured.
REFERENCE_PLATFORM = ("Linux", "x86_64", "AVX2")  # the last: torch.backends.cpu.get_cpu_capability()


def this_platform():
    return platform.system(), platform.machine(), __import__("torch").backends.cpu.get_cpu_capability()


def on_reference_platform():
    return this_platform() == REFERENCE_PLATFORM


class ContractError(LookupError):
    """The notebook lacks a name the contract above promises."""


def read(path=NOTEBOOK):
    return nbformat.read(path, as_version=4)


def cell(nb, cell_id):
    for found in nb.cells:
        if found.id == cell_id:
            return found
    raise ContractError(
        f"the notebook has no cell with id {cell_id!r}, which the contract in tools/notebook.py "
        f"names ({CELLS[cell_id]}): give the cell its id back, or change the contract"
    )


def index(nb, cell_id):
    return nb.cells.index(cell(nb, cell_id))


def parameters_index(nb):
    tagged = [i for i, found in enumerate(nb.cells) if PARAMETERS_TAG in found.metadata.get("tags", [])]
    if len(tagged) != 1:
        raise ContractError(
            f"the notebook has {len(tagged)} cells tagged {PARAMETERS_TAG!r}; the contract in "
            "tools/notebook.py needs exactly one, holding the grid"
        )
    return tagged[0]


def png_outputs(nb_cell):
    """The cell's PNG outputs, base64-encoded as the notebook stores them."""
    return [out.data["image/png"] for out in nb_cell.get("outputs", []) if "image/png" in out.get("data", {})]


def client(nb, **options):
    """How `make notebook` and the tests run it: no timing metadata (same code, same file), one stdout
    output a cell, the repository as working directory, Unix sockets (ipykernel 7 warns over TCP)."""
    config = Config()
    if sys.platform != "win32":
        sockets = Path(jupyter_runtime_dir()) / f"kernel-{uuid.uuid4().hex[:12]}-ipc"
        sockets.parent.mkdir(parents=True, exist_ok=True)
        config = Config({"KernelManager": {"transport": "ipc", "ip": str(sockets)}})
    settings = dict(
        kernel_name="python3", timeout=600, record_timing=False, coalesce_streams=True, config=config
    )
    return NotebookClient(nb, **(settings | {"resources": {"metadata": {"path": str(ROOT)}}} | options))
