"""Run a notebook's code cells in plain Python, IPython-style, and print their text outputs as JSON.

    python -m tools.capture_outputs autodiff_sin.ipynb > outputs.json

No Jupyter kernel is needed, only torch and matplotlib (and IPython, which the notebook imports), so it
runs where a kernel cannot: under qemu-user emulation of another CPU (CONTRIBUTING.md, "Another CPU's
outputs"). All cells run in order in one namespace; each cell's outputs are listed as a kernel would
store them: its stdout, the text of its last expression's value (unless the cell ends in `;`), and the
text/plain of each figure it left open. The result: {"platform": ..., "cells": {cell id: [texts]}}.
This is how tests/fixtures/aarch64-outputs.json was made.
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


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as file:
        json.dump(capture(json.load(file)), sys.stdout, indent=1, ensure_ascii=False)
    print()
