"""With the default grid, the notebook prints exactly the numbers of the program it grew from."""

import re
from pathlib import Path

from tools.notebook import cell_by_id

SEED_PRINTOUT = Path(__file__).with_name("seed_printout.txt")
PRINT_CELLS = ["print-x", "print-y", "print-grad"]  # the seed's eight print() calls, in its order
NUMBER = re.compile(r"-?\d+\.\d*(?:e[-+]?\d+)?")


def notebook_printout(notebook):
    return "".join(out.text for cell_id in PRINT_CELLS for out in cell_by_id(notebook.cells, cell_id).outputs)


def test_seed_printout_numbers_are_reproduced_exactly(notebook):
    seed_lines = SEED_PRINTOUT.read_text(encoding="utf-8").splitlines()
    seed = NUMBER.findall("\n".join(line for line in seed_lines if not line.startswith("#")))
    assert len(seed) == 100 * 8
    assert NUMBER.findall(notebook_printout(notebook)) == seed


def test_printouts_show_the_autograd_markers_of_the_seed(notebook):
    printed = notebook_printout(notebook)
    assert printed.count("requires_grad=True") == 1
    assert printed.count("grad_fn=<SinBackward0>") == 1
