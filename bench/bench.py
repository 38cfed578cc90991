"""`make bench`: each figure a goal of this project is stated in (CONTRIBUTING.md, The benchmark), measured
against its baseline side by side in one run. Prints a table and writes it to bench/results.md."""

import argparse
import asyncio
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from tools import notebook as nbfile

RESULTS = nbfile.ROOT / "bench" / "results.md"
CHINESE = "zh or translation"  # pytest -k: the tests of the Chinese edition, and of its sync
FLOOR = """import torch, matplotlib.pyplot
t = torch.zeros(1, requires_grad=True)
torch.sin(t).backward(gradient=torch.ones_like(t))
torch.func.vmap(torch.func.grad(torch.sin))(t.detach())"""
SUITE = {
    "english": lambda: pytest(f"not ({CHINESE})"),
    "chinese": lambda: pytest(CHINESE),
    "execute": lambda: timed([sys.executable, "-m", "jupyter", "execute", nbfile.NOTEBOOK.name]),
}
SETUPS = {
    "make setup": ["make", "-s", "setup"],
    "plain pip": ["sh", "-c", "python3 -m venv .venv && .venv/bin/pip install -q -r requirements.txt"],
}


def timed(command, cwd=nbfile.ROOT, env=None):
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def pytest(selection):
    return timed([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", selection])


def run_all(nb):
    """Run All as JupyterLab 4 runs it (`runCells`: every cell sent at once), kernel start to shutdown."""

    async def run(runner):
        async with runner.async_setup_kernel():
            sent = {runner.kc.execute(cell.source) for cell in nb.cells if cell.cell_type == "code"}
            while sent:
                reply = await runner.kc.get_shell_msg(timeout=600)
                assert reply["content"]["status"] == "ok", reply["content"]
                sent.discard(reply["parent_header"]["msg_id"])

    started = time.perf_counter()
    asyncio.run(run(nbfile.client(nb, shutdown_kernel="immediate")))
    return time.perf_counter() - started


def runs(tasks, repeats):
    """Each task `repeats` times, round-robin, so that the machine's moods fall on all alike: the times."""
    times = {name: [] for name in tasks}
    for _ in range(repeats):
        for name, task in tasks.items():
            times[name].append(task())
    return times


def interval(times, baseline, share=0.9):
    """Where the ratio of the medians lies: the middle `share` of resampled ratios (a seeded bootstrap)."""
    draw = random.Random(0)
    ratios = sorted(
        statistics.median(draw.choices(times, k=len(times)))
        / statistics.median(draw.choices(baseline, k=len(baseline)))
        for _ in range(2000)
    )
    return ratios[(cut := round(len(ratios) * (1 - share) / 2))], ratios[-cut - 1]


def fresh_setup(command, scratch):
    """A setup route in a new copy of the files it reads, with empty caches: (seconds, .venv in MB)."""
    copy = Path(tempfile.mkdtemp(dir=scratch))
    for name in ("Makefile", "requirements.txt", "requirements.lock.txt"):
        shutil.copy(nbfile.ROOT / name, copy)
    env = {key: value for key, value in os.environ.items() if not key.startswith("MAKE")}
    env |= {"UV_CACHE_DIR": str(copy / "uv-cache"), "PIP_CACHE_DIR": str(copy / "pip-cache")}
    seconds = timed(command, cwd=copy, env=env)
    venv = copy / ".venv"
    assert not list(venv.glob("lib/python*/site-packages/nvidia*")), f"{command} installed CUDA packages"
    size = sum(f.stat().st_size for f in venv.rglob("*") if f.is_file() and not f.is_symlink()) / 1e6
    shutil.rmtree(copy)
    return seconds, size


def row(what, seconds, against, baseline, goal, spread=None):
    """A table row: a time, its baseline's, their ratio (with its interval, if given) and its goal."""
    ratio = f"{seconds / baseline:.2f}" + (f" (90 %: {spread[0]:.2f} to {spread[1]:.2f})" if spread else "")
    return what, f"{seconds:.2f} s", f"{against}: {baseline:.2f} s", ratio, f"≤ {goal}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs of each command (default 3)")
    args = parser.parse_args()
    nb, floor = nbfile.read(), nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR)])
    # Run All is short and this machine noisy: twelve times the runs, and the ratio's 90 % interval beside it.
    times = runs({"notebook": lambda: run_all(nb), "floor": lambda: run_all(floor)}, args.repeats * 12)
    run = {name: statistics.median(values) for name, values in times.items()}
    spread = interval(times["notebook"], times["floor"])
    suite = {name: statistics.median(values) for name, values in runs(SUITE, args.repeats).items()}
    with tempfile.TemporaryDirectory() as scratch:
        setups = {name: lambda c=command: fresh_setup(c, scratch) for name, command in SETUPS.items()}
        measured = runs(setups, args.repeats)
    uv, pip = (statistics.median(seconds for seconds, _ in measured[name]) for name in SETUPS)
    size = statistics.median(size for _, size in measured["make setup"])
    rows = [
        ("what", "measured", "against", "ratio", "goal"),
        ("---",) * 5,
        row("first `make setup`", uv, "plain `pip install -r requirements.txt`", pip, 0.5),
        row("Run All", run["notebook"], "its floor", run["floor"], 1.25, spread),
        row("`make test`'s pytest, English", suite["english"], "one `jupyter execute`", suite["execute"], 6),
        row("… the Chinese edition adds", suite["chinese"], "one `jupyter execute`", suite["execute"], 4),
        ("the `.venv` of `make setup`", f"{size:.0f} MB", "", "", "≤ 1300 MB"),
    ]
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    text = f"Measured {time.strftime('%F')} on {machine} by `make bench`: medians of {args.repeats}"
    text += f" interleaved runs (Run All: {len(times['floor'])}).\n\n"
    text += "\n".join("| " + " | ".join(row) + " |" for row in rows) + "\n"
    print(text, end="")
    RESULTS.write_text("<!-- Written by `make bench` (bench/bench.py); do not edit by hand. -->\n\n" + text)


if __name__ == "__main__":
    main()
