"""The hosted CI workflow: valid, and running the README's `make test` on the platforms the README names
and through conda.

GitHub Actions cannot run here, so the workflow is validated against GitHub's workflow schema,
which the check-jsonschema package vendors (no download).
"""

import check_jsonschema
import yaml
from click.testing import CliRunner

from tools.notebook import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
JOBS = yaml.safe_load(WORKFLOW.read_text())["jobs"]


def job_commands(job):
    return [step["run"] for step in job["steps"] if "run" in step]


def test_workflow_matches_githubs_schema():
    for schema in ("vendor.github-workflows", "custom.github-workflows-require-timeout"):
        # In process, through click's test runner: the same CLI, without a second interpreter's start-up.
        check = CliRunner().invoke(check_jsonschema.main, ["--builtin-schema", schema, str(WORKFLOW)])
        assert check.exit_code == 0, check.output


def test_make_test_runs_on_x86_linux_apple_silicon_and_the_oldest_and_newest_python():
    make = JOBS["make"]
    platforms = {(entry["os"], entry["python"]) for entry in make["strategy"]["matrix"]["include"]}
    # ubuntu-latest is x86-64 (the reference platform); macos-latest is arm64 (Apple silicon).
    assert platforms == {("ubuntu-latest", "3.11"), ("ubuntu-latest", "3.13"), ("macos-latest", "3.11")}
    assert make["runs-on"] == "${{ matrix.os }}"
    setup_python = next(step for step in make["steps"] if "setup-python" in step.get("uses", ""))
    assert setup_python["with"]["python-version"] == "${{ matrix.python }}"
    assert job_commands(make) == ["make test"]


def test_conda_job_builds_environment_yml_and_runs_make_test_in_it():
    conda_setup = next(step for step in JOBS["conda"]["steps"] if "setup-miniconda" in step.get("uses", ""))
    assert conda_setup["with"]["environment-file"] == "environment.yml"
    assert job_commands(JOBS["conda"]) == ["make tools CHECK_PYTHON=python", "make test CHECK_PYTHON=python"]
