"""The README's promises: its picture is the notebook's plot, and its quick start is two commands CI runs."""

import base64
import re

from tools.notebook import PLOT_CELL_ID, README_IMAGE, ROOT, cell_by_id, png_outputs

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_picture_is_the_notebooks_plot(notebook):
    assert f"]({README_IMAGE.relative_to(ROOT).as_posix()})" in README
    (png,) = png_outputs(cell_by_id(notebook.cells, PLOT_CELL_ID))
    assert README_IMAGE.read_bytes() == base64.b64decode(png), "run `make notebook` to refresh the picture"


def test_quick_start_is_make_lab_then_make_test():
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```(?:sh|bash|console)?\n(.*?)```", quick_start, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == ["make lab", "make test"]


def test_ci_runs_the_readmes_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test\b", ci, re.M)
