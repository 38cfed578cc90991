"""What learners and maintainers wait for, against its floor (`make bench`). Prints a Markdown table.

Every timed command runs `--repeats` times, interleaved with the others it is compared with, and the
table shows medians and the ratios of medians from this one run: the machines are noisy, so only
figures measured side by side are compared.
"""

import argparse
import base64
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "autodiff_sin.ipynb"
VENV = ROOT / ".venv"

# The floor of Run All: a fresh kernel that only imports what the tutorial needs.
FLOOR_CELLS = ["import torch, matplotlib.pyplot"]

# The program the project grew from (the blog post's code), as six cells.
SEED_CELLS = [
    "import torch\nimport matplotlib.pyplot as plt",
    "x = torch.arange(0, 10, 0.1)\nx.requires_grad_(True)",
    "y = torch.sin(x)",
    "y.sum().backward()",
    'print(f"x = \\n {x}")\nprint(f"x.detach() = \\n {x.detach()}")\n'
    'print(f"x.detach().numpy() = \\n {x.detach().numpy()}")\nprint("\\n", "\\n")\n'
    'print(f"y = \\n {y}")\nprint(f"y.detach() = \\n {y.detach()}")\n'
    'print(f"y.detach().numpy() = \\n {y.detach().numpy()}")\nprint("\\n", "\\n")\n'
    'print(f"x.grad = \\n {x.grad}")\nprint(f"x.grad.numpy() = \\n {x.grad.numpy()}")',
    "plt.plot(x.detach().numpy(), y.detach().numpy(), label='sin(x)', color='blue')\n"
    "plt.plot(x.detach().numpy(), x.grad.numpy(), label='cos(x)', color='red')\n"
    "plt.xlabel('x')\nplt.ylabel('y')\nplt.legend()\nplt.show()",
]


def notebook_of(cells):
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])


def run_all(nb):
    """A fresh kernel executes every cell, as Run All after a restart does; returns seconds."""
    started = time.perf_counter()
    NotebookClient(nb, kernel_name="python3", timeout=600, shutdown_kernel="immediate").execute()
    return time.perf_counter() - started


def run_command(command, **kwargs):
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True, **kwargs)
    return time.perf_counter() - started


def interleaved_medians(tasks, repeats):
    """Run each task `repeats` times, round-robin, and return the median seconds of each."""
    times = {name: [] for name in tasks}
    for _ in range(repeats):
        for name, task in tasks.items():
            times[name].append(task())
    return {name: statistics.median(values) for name, values in times.items()}


def seconds(value):
    return f"{value:.2f} s"


def megabytes(path):
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file() and not f.is_symlink()) / 1e6


def install_seconds():
    """`make`'s own install step, in a scratch copy: a fresh .venv from requirements.txt."""
    with tempfile.TemporaryDirectory() as scratch:
        for name in ("Makefile", "requirements.txt"):
            shutil.copy(ROOT / name, scratch)
        torch_index = os.environ.get("TORCH_INDEX", "")
        started = time.perf_counter()
        make = ["make", "-s", ".venv/installed", f"TORCH_INDEX={torch_index}"]
        subprocess.run(make, cwd=scratch, check=True, capture_output=True)
        return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs of each timed command (default 5)")
    parser.add_argument("--skip-install", action="store_true", help="do not time a fresh install")
    args = parser.parse_args()

    tutorial = nbformat.read(NOTEBOOK, as_version=4)
    run = interleaved_medians(
        {
            "tutorial": lambda: run_all(tutorial),
            "floor": lambda: run_all(notebook_of(FLOOR_CELLS)),
            "seed": lambda: run_all(notebook_of(SEED_CELLS)),
        },
        args.repeats,
    )
    suite_env = dict(os.environ, PYTEST_ADDOPTS="-m 'not browser'")
    suite = interleaved_medians(
        {
            "suite": lambda: run_command(["make", "-s", "test"], env=suite_env),
            "execute": lambda: run_command([str(VENV / "bin" / "jupyter"), "execute", NOTEBOOK.name]),
        },
        args.repeats,
    )
    images = [
        len(base64.b64decode(out.data["image/png"]))
        for cell in tutorial.cells
        for out in cell.get("outputs", [])
        if "image/png" in out.get("data", {})
    ]
    site_packages = next(VENV.glob("lib/python*/site-packages"))

    floor, tutorial_ratio = run["floor"], run["tutorial"] / run["floor"]
    rows = [
        ("what", "measured", "against", "ratio", "goal"),
        ("---",) * 5,
        (
            "Run All, the tutorial",
            seconds(run["tutorial"]),
            f"floor, `{FLOOR_CELLS[0]}`: {seconds(floor)}",
            f"{tutorial_ratio:.2f}",
            "≤ 1.25",
        ),
        (
            "Run All, the seed's six cells",
            seconds(run["seed"]),
            "the same floor",
            f"{run['seed'] / floor:.2f}",
            "",
        ),
        (
            "`make test` without the browser tests",
            seconds(suite["suite"]),
            f"one `jupyter execute`: {seconds(suite['execute'])}",
            f"{suite['suite'] / suite['execute']:.2f}",
            "≤ 2.0",
        ),
        ("`.venv` size", f"{megabytes(VENV):.0f} MB", "", "", "≤ 1400 MB"),
        (
            "torch in it",
            f"{megabytes(site_packages / 'torch'):.0f} MB",
            "the default CUDA build: about 5500 MB, not measured here",
            "",
            "",
        ),
        ("notebook size", f"{NOTEBOOK.stat().st_size / 1000:.1f} KB", "", "", "≤ 150 KB"),
        ("largest plot", f"{max(images) / 1000:.1f} KB", "", "", "≤ 45 KB"),
    ]
    if not args.skip_install:
        rows.append(
            ("fresh `.venv` install (`make`, pip cache as found)", seconds(install_seconds()), "", "", "")
        )

    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"Measured {date.today()} on {machine}; {args.repeats} runs each, medians side by side.\n")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
