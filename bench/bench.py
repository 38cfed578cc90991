"""What learners and maintainers wait for, against its floor (`make bench`). Prints Markdown tables
and writes them to bench/results.md.

Every timed command runs `--repeats` times (the installs `--install-repeats` times), interleaved with
the others it is compared with, and the tables show medians and the ratios of medians from this one
run: the machines are noisy, so only figures measured side by side are compared.

The installs: a learner's first `make setup` (uv), the same with `INSTALLER=pip`, and a plain
`pip install -r requirements.txt` into a fresh venv, each in a scratch copy with empty package caches
(as on a learner's machine: every wheel is fetched), torch from where `make` would take it.
"""

import argparse
import base64
import importlib.util
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

from tools import notebook as notebook_file
from tools.notebook import NOTEBOOK, ROOT

RESULTS = ROOT / "bench" / "results.md"
SETUP_FILES = [
    "Makefile",
    "requirements.txt",
    "requirements-dev.txt",
    "requirements.lock.txt",
    "requirements-dev.lock.txt",
    "lock-overrides.txt",
]
IMPORT = "import torch, matplotlib.pyplot"  # what a kernel loads before the tutorial's first output

# The floor of Run All: a fresh kernel that only imports what the tutorial needs.
FLOOR_CELLS = [IMPORT]

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
    notebook_file.client(nb, shutdown_kernel="immediate").execute()
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


def setup_routes(repeats, import_repeats):
    """Each route's first install, from empty caches, and what it leaves: medians over `repeats`."""
    torch_backend, torch_index = os.environ.get("TORCH_BACKEND", ""), os.environ.get("TORCH_INDEX", "")
    if sys.platform == "linux" and torch_backend and not torch_index:
        sys.exit(
            "The pip routes would download the CUDA build of torch: pass TORCH_INDEX='--extra-index-url URL' "
            "with PyTorch's CPU wheel index, or TORCH_BACKEND= where pip's configuration names a CPU "
            "torch wheel."
        )
    routes = {
        "`make setup` (uv)": ["make", "-s", "setup", f"TORCH_BACKEND={torch_backend}"],
        "`make setup INSTALLER=pip`": [
            "make",
            "-s",
            "setup",
            "INSTALLER=pip",
            f"TORCH_BACKEND={torch_backend}",
            f"TORCH_INDEX={torch_index}",
        ],
        "plain `pip install -r requirements.txt`": [
            "sh",
            "-c",
            f"python3 -m venv .venv && "
            f".venv/bin/python -m pip install --quiet {torch_index} -r requirements.txt",
        ],
    }
    measured = {name: {"setup": [], "size": [], "import": [], "torch": set()} for name in routes}
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as scratch:
            venvs = {}
            for number, (name, command) in enumerate(routes.items()):
                copy = Path(scratch) / str(number)
                copy.mkdir()
                for file in SETUP_FILES:
                    shutil.copy(ROOT / file, copy)
                caches = {"UV_CACHE_DIR": str(copy / "uv-cache"), "PIP_CACHE_DIR": str(copy / "pip-cache")}
                environment = {key: value for key, value in os.environ.items() if not key.startswith("MAKE")}
                started = time.perf_counter()
                subprocess.run(command, cwd=copy, check=True, capture_output=True, env=environment | caches)
                measured[name]["setup"].append(time.perf_counter() - started)
                venv = copy / ".venv"
                nvidia = list(venv.glob("lib/python*/site-packages/nvidia*"))
                assert not nvidia, f"{name} installed the CUDA build of torch: {nvidia}"
                measured[name]["size"].append(megabytes(venv))
                version = subprocess.run(
                    [
                        venv / "bin" / "python",
                        "-c",
                        "import importlib.metadata as m; print(m.version('torch'))",
                    ],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout.strip()
                measured[name]["torch"].add(version)
                shutil.rmtree(copy / "uv-cache", ignore_errors=True)
                shutil.rmtree(copy / "pip-cache", ignore_errors=True)
                venvs[name] = venv
            # The kernel's imports, where Python may not write bytecode (as here and in CI): each venv
            # runs on what its install compiled.
            no_bytecode = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
            imports = interleaved_medians(
                {
                    name: (
                        lambda venv=venv, env=no_bytecode: run_command(
                            [venv / "bin" / "python", "-c", IMPORT], env=env
                        )
                    )
                    for name, venv in venvs.items()
                },
                import_repeats,
            )
            for name, value in imports.items():
                measured[name]["import"].append(value)
    return {
        name: {
            "setup": statistics.median(values["setup"]),
            "size": statistics.median(values["size"]),
            "import": statistics.median(values["import"]),
            "torch": ", ".join(sorted(values["torch"])),
        }
        for name, values in measured.items()
    }


def setup_rows(routes):
    plain = routes["plain `pip install -r requirements.txt`"]
    rows = [
        ("route", "first setup", "vs plain pip", "`.venv` size", "torch", f"`{IMPORT}`", "vs plain pip"),
        ("---",) * 7,
    ]
    for name, route in routes.items():
        rows.append(
            (
                name,
                seconds(route["setup"]),
                f"{route['setup'] / plain['setup']:.2f}",
                f"{route['size']:.0f} MB",
                route["torch"],
                seconds(route["import"]),
                f"{route['import'] / plain['import']:.2f}",
            )
        )
    rows.append(
        ("goal for `make setup` (uv)", "", "≤ 0.50", "≤ 1300 MB", "+cpu on Linux", "", "≤ 1.0 (noise aside)")
    )
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs of each timed command (default 5)")
    parser.add_argument(
        "--install-repeats", type=int, default=3, help="fresh installs of each route (default 3)"
    )
    parser.add_argument("--skip-install", action="store_true", help="do not time the fresh installs")
    args = parser.parse_args()

    tutorial = notebook_file.read()
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
            "execute": lambda: run_command([sys.executable, "-m", "jupyter", "execute", NOTEBOOK.name]),
        },
        args.repeats,
    )
    images = [
        len(base64.b64decode(png)) for cell in tutorial.cells for png in notebook_file.png_outputs(cell)
    ]
    torch_dir = Path(importlib.util.find_spec("torch").origin).parent

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
        ("the environment with the tools (`make test`)", f"{megabytes(sys.prefix):.0f} MB", "", "", ""),
        (
            "torch in it",
            f"{megabytes(torch_dir):.0f} MB",
            "the default CUDA build: about 5500 MB, not measured here",
            "",
            "",
        ),
        (
            "notebook size",
            f"{NOTEBOOK.stat().st_size / 1000:.1f} KB",
            "",
            "",
            f"≤ {notebook_file.NOTEBOOK_BUDGET_BYTES / 1000:.0f} KB",
        ),
        (
            "largest plot",
            f"{max(images) / 1000:.1f} KB",
            "",
            "",
            f"≤ {notebook_file.PNG_BUDGET_BYTES / 1000:.0f} KB",
        ),
    ]
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    lines = [
        f"Measured {date.today()} on {machine} by `make bench`; "
        f"{args.repeats} runs each, medians side by side.",
        "",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    if not args.skip_install:
        routes = setup_routes(args.install_repeats, args.repeats)
        lines += [
            "",
            f"First setup from empty package caches, {args.install_repeats} fresh installs of each route, "
            f"interleaved; imports timed {args.repeats} times in each venv with PYTHONDONTWRITEBYTECODE=1.",
            "",
        ]
        lines += ["| " + " | ".join(row) + " |" for row in setup_rows(routes)]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    RESULTS.write_text("<!-- Written by `make bench` (bench/bench.py); do not edit by hand. -->\n\n" + text)
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
