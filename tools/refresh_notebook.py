"""`make notebook`: re-execute autodiff_sin.ipynb top to bottom in a fresh kernel, store its outputs,
and write the README's picture of the plot from the same run.

The committed outputs are the reference platform's (x86-64 Linux, as CI). Elsewhere the last digit of
some float32 results differs, so this refuses to run there unless told --anyway.
"""

import argparse
import base64
import platform
import sys

from tools import notebook


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--anyway",
        action="store_true",
        help="refresh even off the reference platform (the outputs will differ in last digits)",
    )
    args = parser.parse_args()
    if not notebook.on_reference_platform() and not args.anyway:
        print(
            f"make notebook: the committed outputs come from {notebook.reference_platform_name()}, "
            f"and this is {platform.system()} {platform.machine()}.\n"
            "Float32 results can differ in their last digit from one CPU's vector kernel to another's, so "
            "refreshing here would rewrite printed numbers that are right on both.\n"
            "Refresh on x86-64 Linux (or let CI do it), or run `make notebook NOTEBOOK_FLAGS=--anyway` "
            "to look at this machine's outputs without committing them.",
            file=sys.stderr,
        )
        return 2

    nb = notebook.read()
    notebook.client(nb).execute()
    notebook.write(nb)
    (png,) = notebook.png_outputs(notebook.cell_by_id(nb.cells, notebook.PLOT_CELL_ID))
    notebook.README_IMAGE.write_bytes(base64.b64decode(png))
    print(f"wrote {notebook.NOTEBOOK.name} and {notebook.README_IMAGE.relative_to(notebook.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
