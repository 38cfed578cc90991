"""Run a notebook's code cells in plain Python, IPython-style, and print their text outputs as JSON.

    python -m tools.capture_outputs autodiff_sin.ipynb > outputs.json
    python -m tools.capture_outputs --fixture x86.json arm.json > tests/fixtures/aarch64-outputs.json

No Jupyter kernel is needed, only torch and matplotlib (and IPython, which the notebook imports), so it
runs where a kernel cannot: under qemu-user emulation of another CPU (CONTRIBUTING.md, "Another CPU's
outputs"). All cells run in order in one namespace; each cell's outputs are listed as a kernel would
store them: its stdout, the text of its last expression's value (unless the cell ends in `;`), and the
text/plain of each figure it left open. The result: {"platform": ..., "cells": {cell id: [texts]}}.
With --fixture, two such captures (the reference platform's, then aarch64's) become the test fixture:
the cells that print differently, both ways.
"""

import ast
import builtins
import contextlib
import io
import json
import os
import platform
import sys
import tokenize
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")


def pretty(value):
    try:
        from IPython.lib.pretty import pretty as ipython_pretty
    except ImportError:
        return repr(value)
    return ipython_pretty(value)


def ends_with_semicolon(source):
    """IPython shows no result when the last code token, comments aside, is `;`."""
    skip = {
        tokenize.COMMENT,
        tokenize.NL,
        tokenize.NEWLINE,
        tokenize.INDENT,
        tokenize.DEDENT,
        tokenize.ENDMARKER,
    }
    tokens = [t.string for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type not in skip]
    return bool(tokens) and tokens[-1] == ";"


def run_cell(source, namespace, name):
    """Run a cell; return the value of a trailing expression, or None."""
    tree = ast.parse(source, filename=name)
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr) and not ends_with_semicolon(source):
        last = ast.Expression(tree.body.pop().value)
    exec(compile(tree, name, "exec"), namespace)
    return None if last is None else eval(compile(last, name, "eval"), namespace)


def figures_left_open():
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return []
    texts = [pretty(pyplot.figure(number)) for number in pyplot.get_fignums()]
    pyplot.close("all")
    return texts


def capture(notebook):
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    cells = {}
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        stdout, outputs = io.StringIO(), []
        with contextlib.redirect_stdout(stdout):
            try:
                value = run_cell(source, namespace, f"<cell {cell['id']}>")
            except Exception as error:  # recorded, and the next cells still run, as in a kernel
                value = None
                print(f"{type(error).__name__}: {error}", file=sys.stderr)
                outputs.append(f"error: {type(error).__name__}: {error}")
        if stdout.getvalue():
            outputs.insert(0, stdout.getvalue())
        if value is not None:
            outputs.append(pretty(value))
        outputs += figures_left_open()
        cells[cell["id"]] = outputs
    import torch

    machine = f"{platform.system()} {platform.machine()}, torch {torch.__version__}"
    return {
        "platform": f"{machine}, CPU capability {torch.backends.cpu.get_cpu_capability()}",
        "cells": cells,
    }


def fixture(reference, aarch64):
    differ = [
        cell_id for cell_id, outputs in reference["cells"].items() if aarch64["cells"][cell_id] != outputs
    ]
    return {
        "about": (
            "The printouts of autodiff_sin.ipynb's code cells on the reference platform and on aarch64 "
            "(qemu-user emulation, NEON kernel: ATEN_CPU_CAPABILITY=default), each captured with "
            f"tools/capture_outputs.py. Only the {len(differ)} cells that print differently are kept; the "
            f"other {len(reference['cells']) - len(differ)} printed the same on both. "
            "See CONTRIBUTING.md, 'The reference platform, and another CPU's outputs'."
        ),
        **{
            name: {
                "platform": run["platform"],
                "cells": {cell_id: run["cells"][cell_id] for cell_id in differ},
            }
            for name, run in (("reference", reference), ("aarch64", aarch64))
        },
    }


def main(arguments):
    if arguments[0] == "--fixture":
        reference, aarch64 = (json.loads(Path(path).read_text(encoding="utf-8")) for path in arguments[1:3])
        result = fixture(reference, aarch64)
    else:
        with open(arguments[0], encoding="utf-8") as file:
            result = capture(json.load(file))
    json.dump(result, sys.stdout, indent=1, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main(sys.argv[1:])
