"""`make notebook` (x86-64 Linux only): each edition run in a fresh kernel; outputs, README picture stored."""

import base64
import sys

import nbformat

from tools import notebook


def main(arguments):
    if not notebook.on_reference_platform() and "--anyway" not in arguments:
        sys.exit(
            f"make notebook: the committed outputs come from {' '.join(notebook.REFERENCE_PLATFORM)}, and "
            f"this is {' '.join(notebook.this_platform())}. Float32 results can differ in their last digit "
            "from one CPU's vector kernel to another's, so refreshing here would rewrite numbers that are "
            "right on both. Refresh on x86-64 Linux with AVX2, or run `make notebook NOTEBOOK_FLAGS=--anyway`"
            " to look at this machine's outputs without committing them."
        )
    editions = {path: notebook.read(path) for path in notebook.NOTEBOOKS}
    try:
        for nb in editions.values():
            notebook.cell(nb, "plot")  # before the runs, not after them
    except notebook.ContractError as error:
        sys.exit(f"make notebook: {error}")
    for path, nb in editions.items():
        notebook.client(nb).execute()
        nbformat.write(nb, path)
        print(f"wrote {path.name}")
    (png,) = notebook.png_outputs(notebook.cell(editions[notebook.NOTEBOOK], "plot"))
    notebook.README_IMAGE.write_bytes(base64.b64decode(png))
    print(f"wrote {notebook.README_IMAGE.relative_to(notebook.ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
