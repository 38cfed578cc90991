"""Comparing printed outputs off the reference platform: the same text, numbers within float32's reach.

The committed outputs are x86-64 Linux's. Another CPU's vector kernel can put a float32 result one
unit in the last place (ulp) away: on ARM, `torch.arange(0, 10, 0.1)` differs at 17 of its 100 points,
and sin and its gradient then differ by up to one ulp *of x*. So off the reference platform, printed
numbers are compared by what their printed form says they are:

- integers (sizes, indices, counts) must be equal;
- fixed-point numbers (grid values, sin, gradients) may differ by `FLOAT32_ATOL`; printed to a fixed
  number of decimals (PyTorch prints four), two values that close can round to neighbouring last
  digits (0.12345 as 0.1234 or 0.1235), so there one unit of the last digit is allowed too;
- numbers in scientific notation are the sizes of rounding errors, which the notebook prints that way
  (`max |autograd - cos| = 3.37e-08`); a one-ulp change of the inputs changes them by their own size,
  so they must agree in order of magnitude (a factor of 10). A wrong derivative is off by far more, and
  the notebook's own asserts and tests/test_numbers.py bound these errors on every platform.

Two cells print numbers that measure this CPU's rounding itself, so every number in them, counts and
percentages included, is compared by order of magnitude only (`ROUNDING_CELLS`, with the reasons).

Everything that is not a number must be the same, except for spacing: NumPy widens its columns (and so
moves its line breaks) when one element needs more digits.
"""

import math
import re
from typing import NamedTuple

# One ulp of a float32 in [8, 16) is 2**-20, about 9.5e-7: a grid point of the default grid can move
# that much, and sin and its gradient with it, plus an ulp of their own. Twice that leaves room for both.
FLOAT32_ATOL = 2.0**-19
ORDER_OF_MAGNITUDE = 10.0
FIXED_DECIMALS = 4  # PyTorch's printout; NumPy prints the shortest digits that identify the float32

ROUNDING_CELLS = {
    "float32": "it counts the grid points this CPU's arange kernel rounded differently (20, not 17, on ARM)",
    "finite-difference": "its errors at small h are rounding, and its error/bound column is made of them",
}

NUMBER = r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?"
TOKEN = re.compile(rf"(?P<number>{NUMBER})|(?P<word>[^\s\d.+-]+|[.+-])")


class Comparison(NamedTuple):
    problems: list  # what differs beyond the tolerance: a failure
    loosened: list  # numbers that differ, but within it: said in the test's output


def tokens(text):
    return [(match.lastgroup, match.group()) for match in TOKEN.finditer(text)]


def decimals(printed):
    mantissa = printed.lower().partition("e")[0]
    return len(mantissa.partition(".")[2])


def same_order_of_magnitude(a, b):
    if a == b:
        return True
    if a == 0 or b == 0 or (a < 0) != (b < 0):
        return False
    return max(abs(a), abs(b)) / min(abs(a), abs(b)) <= ORDER_OF_MAGNITUDE


def numbers_agree(expected, actual, rounding_cell=False):
    if expected == actual:
        return True
    a, b = float(expected), float(actual)
    if not math.isfinite(a + b):
        return False
    if rounding_cell or "e" in (expected + actual).lower():  # the size of a rounding error
        return same_order_of_magnitude(a, b)
    if not re.search(r"[.eE]", expected + actual):  # integers must be equal
        return False
    slack = FLOAT32_ATOL
    if decimals(expected) == decimals(actual) >= FIXED_DECIMALS:  # a fixed format: rounding may flip a digit
        slack += 10.0 ** -decimals(expected)
    return abs(a - b) <= slack


def compare(expected, actual, cell_id, where=""):
    """Compare two printouts of the cell `cell_id` (`where` says which of its outputs, for messages)."""
    where = f"{cell_id}{where}"
    rounding_cell = cell_id in ROUNDING_CELLS
    want, got = tokens(expected), tokens(actual)
    if [kind for kind, _ in want] != [kind for kind, _ in got]:
        return Comparison([f"{where}: prints other text than the committed output:\n{actual[:1000]}"], [])
    problems, loosened = [], []
    for (kind, a), (_, b) in zip(want, got, strict=True):
        if kind == "word" and a != b:
            problems.append(f"{where}: prints {b!r} where the committed output has {a!r}")
        elif kind == "number" and a != b:
            (loosened if numbers_agree(a, b, rounding_cell) else problems).append(f"{where}: {a} -> {b}")
    return Comparison(problems, loosened)


def compare_cells(expected, actual):
    """Compare {cell id: [output texts]} printouts cell by cell, output by output."""
    problems, loosened = [], []
    for cell_id, want in expected.items():
        got = actual[cell_id]
        if len(got) != len(want):
            problems.append(f"{cell_id}: {len(want)} outputs became {len(got)}: {got}")
            continue
        for k, (want_text, got_text) in enumerate(zip(want, got, strict=True)):
            comparison = compare(want_text, got_text, cell_id, f", output {k}")
            problems += comparison.problems
            loosened += comparison.loosened
    return Comparison(problems, loosened)
