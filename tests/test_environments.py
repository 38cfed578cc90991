"""environment.yml (conda, Binder), requirements.txt (pip, `make`) and the pre-commit hooks agree.

conda-forge cannot be reached from CI, so the conda file is checked, not solved: it must parse,
name the same packages and admit the exact versions pinned for pip.
"""

import re
import sys

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from tools.notebook import ROOT

CONDA_TO_PIP = {"pytorch-cpu": "torch", "playwright-python": "playwright"}  # conda-forge names


def pip_pins():
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            requirement = Requirement(line)
            (spec,) = requirement.specifier
            assert spec.operator == "==", f"{line}: requirements.txt pins exact versions"
            pins[canonicalize_name(requirement.name)] = spec.version
    return pins


def conda_specs():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert environment["name"] == "autodiff-sin"
    assert environment["channels"] == ["conda-forge", "nodefaults"]
    specs = {}
    for dependency in environment["dependencies"]:
        name, _, spec = dependency.partition(" ")
        specs[canonicalize_name(CONDA_TO_PIP.get(name, name))] = as_pep440(spec)
    return specs


def as_pep440(conda_spec):
    """conda's `=2.13` means 2.13.*; its other operators read the same as pip's."""
    return SpecifierSet(re.sub(r"^=(?!=)(.*)$", r"==\1.*", conda_spec.replace(" ", "")))


def test_both_files_name_the_same_packages():
    conda = set(conda_specs()) - {"python"}
    assert conda == set(pip_pins())


def test_conda_specs_admit_the_pinned_versions():
    specs, pins = conda_specs(), pip_pins()
    for name, version in pins.items():
        assert specs[name].contains(version), f"environment.yml's {name} {specs[name]} excludes {version}"


def test_conda_python_admits_the_supported_pythons():
    python = conda_specs()["python"]
    assert python.contains("3.10") and python.contains(".".join(map(str, sys.version_info[:2])))


def test_torch_is_pinned_to_the_cpu_build_we_test():
    # Any other torch request makes pip fetch a several-GB CUDA build on Linux.
    assert pip_pins()["torch"] == "2.13.0"


def test_pre_commit_runs_the_pinned_ruff_and_the_notebook_file_tests():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    ruff = next(repo for repo in config["repos"] if repo["repo"].endswith("/ruff-pre-commit"))
    assert ruff["rev"] == f"v{pip_pins()['ruff']}"
    assert {hook["id"] for hook in ruff["hooks"]} == {"ruff-check", "ruff-format"}
    (local,) = [repo for repo in config["repos"] if repo["repo"] == "local"]
    (notebook_hook,) = local["hooks"]
    assert notebook_hook["entry"].endswith("tests/test_notebook_file.py")
