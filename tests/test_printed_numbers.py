"""The comparison used off the reference platform, on real aarch64 printouts of this notebook.

tests/fixtures/aarch64-outputs.json holds, for each cell that prints differently on aarch64 (NEON),
its printout on the reference platform and on aarch64. The comparison must pass them, and must still
fail on a real error: a value off by more than float32 can explain, or a wrong gradient.
"""

import json
import re
from pathlib import Path

import pytest

from printed_numbers import FLOAT32_ATOL, compare_cells

FIXTURE = json.loads(
    (Path(__file__).parent / "fixtures" / "aarch64-outputs.json").read_text(encoding="utf-8")
)
NUMPY_BLOCK = re.compile(r"(x\.grad\.numpy\(\) =\n\[)(.*?)(\])", re.S)


def problems_and_loosened(aarch64_cells):
    return compare_cells(FIXTURE["reference"]["cells"], aarch64_cells)


@pytest.fixture
def aarch64_cells():
    return json.loads(json.dumps(FIXTURE["aarch64"]["cells"]))  # a copy each test may corrupt


def test_aarch64_printouts_pass(aarch64_cells):
    problems, loosened = problems_and_loosened(aarch64_cells)
    assert problems == []
    assert len(loosened) > 50, "the fixture should differ from the reference in many last digits"


def test_a_value_off_by_more_than_float32_explains_fails(aarch64_cells):
    (printout,) = aarch64_cells["print-x"]
    assert "1.3000001" in printout
    aarch64_cells["print-x"] = [printout.replace("1.3000001", f"{1.3 + 4 * FLOAT32_ATOL:.7f}", 1)]
    problems, _ = problems_and_loosened(aarch64_cells)
    assert len(problems) == 1 and "print-x" in problems[0]


def test_a_gradient_wrong_by_a_tenth_of_a_percent_fails(aarch64_cells):
    (printout,) = aarch64_cells["print-grad"]
    block = NUMPY_BLOCK.search(printout)
    scaled = re.sub(r"-?\d+\.\d*(?:e[-+]?\d+)?", lambda m: f"{float(m.group()) * 1.001:.8f}", block.group(2))
    aarch64_cells["print-grad"] = [printout[: block.start(2)] + scaled + printout[block.end(2) :]]
    problems, _ = problems_and_loosened(aarch64_cells)
    assert len(problems) > 50


def test_a_rounding_error_of_another_order_of_magnitude_fails(aarch64_cells):
    (printout,) = aarch64_cells["check-cos"]  # max |autograd - cos| = 3.90e-08 ...
    error = re.search(r"\d\.\d+e-\d+", printout).group()
    aarch64_cells["check-cos"] = [printout.replace(error, f"{float(error) * 100:.2e}", 1)]
    problems, _ = problems_and_loosened(aarch64_cells)
    assert len(problems) == 1 and problems[0].startswith("check-cos")
