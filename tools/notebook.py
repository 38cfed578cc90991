"""The one place that knows the notebook: where it is, how it is executed, where its pictures are.

`make notebook` (tools/refresh_notebook.py), the benchmark and the tests all import from here, so the
outputs the refresh script stores are produced exactly the way the tests reproduce them.
"""

from __future__ import annotations

import platform
import sys
import uuid
from pathlib import Path
from typing import Any

import nbformat
from jupyter_core.paths import jupyter_runtime_dir
from nbclient import NotebookClient
from traitlets.config import Config

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "autodiff_sin.ipynb"
PLOT_CELL_ID = "plot"  # the cell whose figure the README shows
README_IMAGE = ROOT / "images" / "sin_and_derivative.png"

# What GitHub and learners download: the whole notebook, and each plot in it (drawn at twice the pixel
# density, in 64 colours, a line plot takes about 25 KB).
NOTEBOOK_BUDGET_BYTES = 300_000
PNG_BUDGET_BYTES = 80_000

# The committed outputs are those of this platform. Float32 results depend on the CPU's vector
# kernel (on ARM, torch.arange(0, 10, 0.1) differs from x86-64 by one ulp at 17 points), so only
# here are the printed numbers compared digit for digit.
REFERENCE_PLATFORM = ("Linux", "x86_64")


def on_reference_platform() -> bool:
    return (platform.system(), platform.machine()) == REFERENCE_PLATFORM


def reference_platform_name() -> str:
    return "{} {}".format(*REFERENCE_PLATFORM)


def read() -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOK, as_version=4)


def write(nb: nbformat.NotebookNode) -> None:
    nbformat.write(nb, NOTEBOOK)


def kernel_config() -> Config:
    """Kernels talk to us over Unix sockets (IPC), each in its own place.

    Over TCP, ipykernel 7 warns on every start that the connection is unencrypted; IPC needs no network
    at all. Windows has no IPC transport, so it keeps TCP there.
    """
    if sys.platform == "win32":
        return Config()
    sockets = Path(jupyter_runtime_dir()) / f"kernel-{uuid.uuid4().hex[:12]}-ipc"
    sockets.parent.mkdir(parents=True, exist_ok=True)
    return Config({"KernelManager": {"transport": "ipc", "ip": str(sockets)}})


def client(nb: nbformat.NotebookNode, **options: Any) -> NotebookClient:
    """A NotebookClient with the execution options `make notebook` and the tests share.

    No per-cell timing metadata (re-executing unchanged code reproduces the file byte for byte), one
    stdout output per cell however the kernel split it, and the repository root as working directory.
    """
    settings: dict[str, Any] = {
        "kernel_name": "python3",
        "timeout": 600,
        "record_timing": False,
        "coalesce_streams": True,
        "resources": {"metadata": {"path": str(ROOT)}},
        "config": kernel_config(),
    }
    settings.update(options)
    return NotebookClient(nb, **settings)


def cell_by_id(cells: list, cell_id: str) -> nbformat.NotebookNode:
    return next(cell for cell in cells if cell.id == cell_id)


def png_outputs(cell: nbformat.NotebookNode) -> list[str]:
    """The cell's PNG outputs, base64-encoded as the notebook stores them."""
    return [out.data["image/png"] for out in cell.get("outputs", []) if "image/png" in out.get("data", {})]
