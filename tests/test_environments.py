"""The environments: the locks hold every package, the installed set is the locked one, and
environment.yml (conda, Binder) and the pre-commit hooks agree with the pip pins.

requirements.txt (the learner's packages) and requirements-dev.txt (plus the tests' tools) pin the
top-level packages; requirements.lock.txt and requirements-dev.lock.txt, written by `make lock`
(uv's universal mode), pin every package they pull in, for every platform and Python >= 3.11:
a package only some platforms need carries its environment marker (appnope on macOS, pywinpty on
Windows). torch's version is pinned in requirements.txt and its build is chosen by where it comes
from (the CPU build on Linux), so the locks leave it out.

conda-forge cannot be reached from CI, so environment.yml is checked, not solved: it must parse, name
the learner's packages plus nbval and admit the exact versions pinned for pip.
"""

import importlib.metadata
import re
import sys
from pathlib import Path

import pytest
import yaml
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from tools.notebook import ROOT

LEARNER, DEV = ROOT / "requirements.txt", ROOT / "requirements-dev.txt"
LEARNER_LOCK, DEV_LOCK = ROOT / "requirements.lock.txt", ROOT / "requirements-dev.lock.txt"
CONDA_TO_PIP = {"pytorch-cpu": "torch"}  # conda-forge's names
CONDA_EXTRAS = {"nbval"}  # the design card's test runner; the conda CI job adds the other tools itself
CUDA_PACKAGE = re.compile(r"^(nvidia-|cuda-|triton$)")  # what a CUDA build of torch pulls in
# What a venv holds besides the locked packages: its own pip, and the installer `make` bootstraps.
UV_VERSION = re.search(r"^UV_VERSION := (\S+)$", (ROOT / "Makefile").read_text(), re.M).group(1)
INSTALLERS = {"pip": None, "uv": UV_VERSION}


def pins(path):
    """{name: version} of a requirements file's own `name==version` lines (not those it includes)."""
    found = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            requirement = Requirement(line)
            (spec,) = requirement.specifier
            assert spec.operator == "==", f"{path.name}: {line} is not an exact pin"
            found[canonicalize_name(requirement.name)] = spec.version
    return found


def lock_entries(path):
    """[(name, version, marker or None)] of a lock file."""
    entries = []
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith(("#", "-")):
            requirement = Requirement(line)
            (spec,) = requirement.specifier
            entries.append((canonicalize_name(requirement.name), spec.version, requirement.marker))
    return entries


def locked_here(path, environment=None):
    """{name: version} of the lock's entries whose markers hold on this platform and Python."""
    return {
        name: version
        for name, version, marker in lock_entries(path)
        if marker is None or Marker(str(marker)).evaluate(environment)
    }


def drift(locked, pinned_torch, installed):
    """What differs between the installed distributions and the lock: a list of sentences, empty if none."""
    problems = []
    for name, version in sorted(installed.items()):
        if name == "torch":
            # `==2.13.0` admits the local build label (+cpu); the locks leave torch to requirements.txt.
            if not SpecifierSet(f"=={pinned_torch}").contains(version):
                problems.append(f"torch {version} is installed, requirements.txt pins {pinned_torch}")
        elif name in locked:
            if Version(version) != Version(locked[name]):
                problems.append(f"{name} {version} is installed, the lock says {locked[name]}")
        elif name in INSTALLERS:
            if INSTALLERS[name] and version != INSTALLERS[name]:
                problems.append(f"{name} {version} is installed, the Makefile bootstraps {INSTALLERS[name]}")
        else:
            problems.append(f"{name} {version} is installed but not locked")
    missing = sorted(set(locked) - set(installed))
    problems += [f"{name} {locked[name]} is locked but not installed" for name in missing]
    if "torch" not in installed:
        problems.append("torch is not installed")
    return problems


def installed_distributions():
    return {canonicalize_name(d.metadata["Name"]): d.version for d in importlib.metadata.distributions()}


def test_locks_hold_every_pinned_package_at_its_pin():
    for requirements, lock in ((LEARNER, LEARNER_LOCK), (DEV, DEV_LOCK)):
        locked = locked_here(lock)
        for name, version in pins(requirements).items():
            if name != "torch":
                stale = f"{lock.name} is stale for {name}=={version}: run `make lock`"
                assert locked.get(name) == version, stale


def test_dev_lock_holds_the_learners_packages_at_the_same_versions():
    # Wherever the learner's lock installs a package, the dev lock installs the same version
    # (under the same marker, or under none where the tools need it everywhere).
    dev = {(name, version, str(marker)) for name, version, marker in lock_entries(DEV_LOCK)}
    missing = [
        f"{name}=={version}" + (f" ; {marker}" if marker else "")
        for name, version, marker in lock_entries(LEARNER_LOCK)
        if (name, version, str(marker)) not in dev and (name, version, "None") not in dev
    ]
    assert not missing, f"not in {DEV_LOCK.name} as in {LEARNER_LOCK.name}: {missing}; run `make lock`"


def test_locks_hold_no_cuda_runtime():
    for lock in (LEARNER_LOCK, DEV_LOCK):
        cuda = [name for name, _, _ in lock_entries(lock) if CUDA_PACKAGE.match(name)]
        assert not cuda, f"{lock.name} locks {cuda}: add them to lock-overrides.txt and run `make lock`"


def test_locks_name_platform_only_packages_with_their_markers():
    # Resolved for every platform: on this one they drop out, on macOS or Windows they come in.
    entries = {name: marker for name, _, marker in lock_entries(LEARNER_LOCK)}
    macos = {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix"}
    windows = {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt"}
    on_macos, on_windows = locked_here(LEARNER_LOCK, macos), locked_here(LEARNER_LOCK, windows)
    assert "appnope" in on_macos and "appnope" not in on_windows
    assert "pywinpty" in on_windows and "pywinpty" not in on_macos
    assert entries["appnope"] is not None and entries["pywinpty"] is not None


def test_drift_is_reported():
    # The check below, on made-up sets: a changed version, a package nobody locked, one missing.
    locked, torch = {"six": "1.17.0", "idna": "3.20"}, {"torch": "2.13.0+cpu"}
    assert drift(locked, "2.13.0", {"six": "1.17.0", "idna": "3.20", "pip": "24.0"} | torch) == []
    assert drift(locked, "2.13.0", {"six": "1.16.0", "idna": "3.20", "extra": "1"} | torch) == [
        "extra 1 is installed but not locked",
        "six 1.16.0 is installed, the lock says 1.17.0",
    ]
    assert drift(locked, "2.13.0", {"six": "1.17.0", "torch": "2.12.0"}) == [
        "torch 2.12.0 is installed, requirements.txt pins 2.13.0",
        "idna 3.20 is locked but not installed",
    ]


@pytest.mark.skipif(
    (Path(sys.prefix) / "conda-meta").exists(), reason="a conda environment: the locks describe make's .venv"
)
def test_installed_packages_are_exactly_the_locked_ones():
    installed = installed_distributions()
    problems = drift(locked_here(DEV_LOCK), pins(LEARNER)["torch"], installed)
    assert not problems, "\n".join(problems + ["rebuild: rm -rf .venv && make test"])
    if sys.platform == "linux":
        assert installed["torch"].endswith("+cpu"), f"torch {installed['torch']} is not the CPU build"


def conda_specs():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert environment["channels"] == ["conda-forge", "nodefaults"]
    specs = {}
    for dependency in environment["dependencies"]:
        name, _, spec = dependency.partition(" ")
        specs[canonicalize_name(CONDA_TO_PIP.get(name, name))] = as_pep440(spec)
    return specs


def as_pep440(conda_spec):
    """conda's `=2.13` means 2.13.*; its other operators read the same as pip's."""
    return SpecifierSet(re.sub(r"^=(?!=)(.*)$", r"==\1.*", conda_spec.replace(" ", "")))


def test_conda_names_the_learners_packages_plus_nbval():
    assert set(conda_specs()) - {"python"} == set(pins(LEARNER)) | CONDA_EXTRAS


def test_conda_specs_admit_the_pinned_versions():
    specs, pinned = conda_specs(), pins(LEARNER) | pins(DEV)
    for name in set(specs) - {"python"}:
        excludes = f"environment.yml's {name} {specs[name]} excludes {pinned[name]}"
        assert specs[name].contains(pinned[name]), excludes


def test_conda_python_is_the_one_the_pins_need():
    python = conda_specs()["python"]
    assert not python.contains("3.10") and python.contains("3.11")
    assert python.contains(".".join(map(str, sys.version_info[:2])))


def test_pre_commit_runs_the_pinned_ruff_and_the_notebook_file_tests_in_any_environment():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    ruff = next(repo for repo in config["repos"] if repo["repo"].endswith("/ruff-pre-commit"))
    assert ruff["rev"] == f"v{pins(DEV)['ruff']}"
    (local,) = [repo for repo in config["repos"] if repo["repo"] == "local"]
    (notebook_hook,) = local["hooks"]
    assert ".venv" not in notebook_hook["entry"], "the conda route has no .venv: go through make"
