"""The reference platform: committed outputs are x86-64 Linux's, and elsewhere nothing rewrites them.

(The comparison used off the reference platform is checked against real aarch64 printouts in
tests/test_printed_numbers.py.)
"""

import sys

from tools import notebook, refresh_notebook


def test_make_notebook_refuses_to_rewrite_outputs_off_the_reference_platform(monkeypatch, capsys):
    committed = notebook.NOTEBOOK.read_bytes()
    monkeypatch.setattr(notebook, "on_reference_platform", lambda: False)
    monkeypatch.setattr(sys, "argv", ["refresh_notebook"])
    assert refresh_notebook.main() == 2
    assert "Refresh on x86-64 Linux (or let CI do it)" in capsys.readouterr().err
    assert notebook.NOTEBOOK.read_bytes() == committed
