"""The hosted CI workflow: valid, and running the README's `make test` through pip and through conda.

GitHub Actions cannot run here, so the workflow is validated against GitHub's workflow schema,
which the check-jsonschema package vendors (no download).
"""

import check_jsonschema
import yaml
from click.testing import CliRunner

from tools.notebook import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"


def job_commands(job):
    return [step["run"] for step in job["steps"] if "run" in step]


def test_workflow_matches_githubs_schema():
    for schema in ("vendor.github-workflows", "custom.github-workflows-require-timeout"):
        # In process, through click's test runner: the same CLI, without a second interpreter's start-up.
        check = CliRunner().invoke(check_jsonschema.main, ["--builtin-schema", schema, str(WORKFLOW)])
        assert check.exit_code == 0, check.output


def test_workflow_runs_make_test_through_pip_and_through_conda():
    jobs = yaml.safe_load(WORKFLOW.read_text())["jobs"]
    assert job_commands(jobs["pip"]) == ["make test"]
    conda_setup = next(step for step in jobs["conda"]["steps"] if "setup-miniconda" in step.get("uses", ""))
    assert conda_setup["with"]["environment-file"] == "environment.yml"
    assert job_commands(jobs["conda"]) == ["make test CHECK_PYTHON=python"]
