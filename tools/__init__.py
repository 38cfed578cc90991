"""Maintainers' code shared by `make notebook`, `make bench` and the tests."""
