"""The derivatives the notebook computes are right, on the default grid and on every other grid."""

import pytest

from notebook_tools import PARAMETER_SETS


@pytest.fixture(params=["default", *PARAMETER_SETS, "papermill, all three at once"])
def numbers(request):
    if request.param == "default":
        return request.getfixturevalue("twice_run").numbers
    if request.param.startswith("papermill"):
        return request.getfixturevalue("papermill_run").numbers
    return request.getfixturevalue("parameter_runs")[request.param].numbers


def test_autograd_derivative_matches_cos(numbers):
    assert numbers["grad_vs_cos"] < 1e-6


def test_second_derivative_matches_minus_sin(numbers):
    assert numbers["second_vs_minus_sin"] < 1e-6


def test_central_differences_agree_within_their_error(numbers):
    # Truncation h^2/6 (|sin'''| <= 1) plus rounding of f(x +- h) and x +- h, divided by 2h.
    eps, x_max = numbers["eps"], numbers["x_max"]
    errors = {float(h): error for h, error in numbers["central_difference_error"].items()}
    for h, error in errors.items():
        assert error <= h**2 / 6 + eps * (1 + x_max) / h, f"h={h}: error {error}"
    best_h = min(errors, key=errors.get)
    assert errors[min(errors)] > 10 * errors[best_h], "too small an h must lose to rounding"
