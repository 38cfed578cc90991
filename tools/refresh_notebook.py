"""`make notebook` (x86-64 Linux only): each notebook run in a fresh kernel; outputs, README image stored."""

import base64
import sys

import nbformat

from tools import notebook


def main(arguments):
    if not notebook.on_reference_platform() and "--anyway" not in arguments:
        sys.exit(
            f"make notebook: the committed outputs come from {' '.join(notebook.REFERENCE_PLATFORM)}, this "
            f"is {' '.join(notebook.this_platform())}, and float32's last digits can differ with the CPU's"
            " vector kernel. Refresh on x86-64 Linux, AVX2, or look: `make notebook NOTEBOOK_FLAGS=--anyway`."
        )
    editions = {path: notebook.read(path) for path in notebook.NOTEBOOKS}
    for nb in editions.values():
        notebook.cell(nb, "plot")  # a missing contract name stops it before the runs, not after them
    for path, nb in (editions | {notebook.SEED_PROGRAM: notebook.read(notebook.SEED_PROGRAM)}).items():
        notebook.client(nb).execute()
        nbformat.write(nb, path)
        print(f"wrote {path.name}")
    (png,) = notebook.png_outputs(notebook.cell(editions[notebook.NOTEBOOK], "plot"))
    notebook.README_IMAGE.write_bytes(base64.b64decode(png))
    print(f"wrote {notebook.README_IMAGE.relative_to(notebook.ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
