"""The environments: what is installed is what the locks say, the locks hold the pins and no CUDA
package, conda's specs admit the pins, and the hosted CI workflow is valid."""

import importlib.metadata
import re
import sys
from pathlib import Path

import check_jsonschema
import pytest
import yaml
from click.testing import CliRunner
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from tools.notebook import ROOT

CUDA_PACKAGE = re.compile(r"^(nvidia-|cuda-|triton$)")  # what PyPI's CUDA build of torch pulls in
CONDA_NAMES = {"pytorch-cpu": "torch"}  # conda-forge's names, where pip's differ


def entries(path):
    """[(name, version, marker)] of a requirements or lock file's own `name==version` lines."""
    lines = [line.split("#")[0].strip() for line in (ROOT / path).read_text().splitlines()]
    found = [Requirement(line) for line in lines if line and not line.startswith("-")]
    return [(canonicalize_name(r.name), str(r.specifier).removeprefix("=="), r.marker) for r in found]


def pins(path, here=False):
    """{name: version}; with `here`, only the entries whose markers hold on this platform and Python."""
    return {name: ver for name, ver, marker in entries(path) if not (here and marker) or marker.evaluate()}


def test_the_locks_hold_every_pin():
    for requirements in ("requirements.txt", "requirements-dev.txt"):
        lock = requirements.replace(".txt", ".lock.txt")
        for name, version in pins(requirements).items():
            stale = f"{lock} lacks {name}=={version}: run `make lock`"
            assert name == "torch" or pins(lock, here=True).get(name) == version, stale


def test_the_locks_hold_no_cuda_package():
    for lock in ("requirements.lock.txt", "requirements-dev.lock.txt"):
        cuda = [name for name, _, _ in entries(lock) if CUDA_PACKAGE.match(name)]
        assert not cuda, f"{lock} locks {cuda}: add them to lock-overrides.txt and run `make lock`"


@pytest.mark.skipif((Path(sys.prefix) / "conda-meta").exists(), reason="conda's environment, not make's")
def test_what_is_installed_is_exactly_what_is_locked():
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in importlib.metadata.distributions()}
    locked = pins("requirements-dev.lock.txt", here=True)
    torch = SpecifierSet(f"=={pins('requirements.txt')['torch']}")  # admits 2.13.0+cpu
    problems = []
    for name in sorted(installed.keys() | locked.keys() | {"torch"}):
        have, want = installed.get(name), locked.get(name)
        if name == "torch":
            right = have is not None and torch.contains(have)
        else:  # besides the lock: the venv's own pip, and the uv that `make` installs with it
            right = have == want or (want is None and name in ("pip", "uv"))
        if not right:
            problems.append(f"{name}: installed {have}, locked {want or torch}")
    problems += [f"{name}: a CUDA package" for name in installed if CUDA_PACKAGE.match(name)]
    assert not problems, "\n".join(problems + ["rebuild: rm -rf .venv && make test"])


def test_condas_specs_admit_the_pinned_versions():
    pinned = pins("requirements-dev.txt") | pins("requirements.txt")
    for dependency in yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]:
        name, _, spec = dependency.partition(" ")
        name = canonicalize_name(CONDA_NAMES.get(name, name))
        if name != "python":  # conda's `=2.13` means 2.13.*
            pep440 = SpecifierSet(re.sub(r"^=(?!=)(.*)$", r"==\1.*", spec.replace(" ", "")))
            assert pep440.contains(pinned[name]), f"environment.yml's {name} {spec} excludes {pinned[name]}"


def test_the_ci_workflow_matches_githubs_schema():
    workflow = str(ROOT / ".github" / "workflows" / "ci.yml")
    for schema in ("vendor.github-workflows", "custom.github-workflows-require-timeout"):
        check = CliRunner().invoke(check_jsonschema.main, ["--builtin-schema", schema, workflow])
        assert check.exit_code == 0, check.output
