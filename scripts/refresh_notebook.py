"""Re-execute autodiff_sin.ipynb top to bottom in a fresh kernel, store its outputs, and
write the README's picture of the plot from the same run (`make notebook`)."""

import base64
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "autodiff_sin.ipynb"
README_IMAGE = ROOT / "images" / "sin_and_derivative.png"
PLOT_CELL_ID = "plot"  # the cell whose figure the README shows


def main():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # No per-cell timing metadata, so that re-executing unchanged code reproduces the file.
    NotebookClient(
        nb,
        kernel_name="python3",
        timeout=600,
        record_timing=False,
        coalesce_streams=True,
        resources={"metadata": {"path": str(ROOT)}},
    ).execute()
    nbformat.write(nb, NOTEBOOK)

    plot_cell = next(cell for cell in nb.cells if cell.id == PLOT_CELL_ID)
    png = next(out.data["image/png"] for out in plot_cell.outputs if "image/png" in out.get("data", {}))
    README_IMAGE.write_bytes(base64.b64decode(png))
    print(f"wrote {NOTEBOOK.name} and {README_IMAGE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
