"""The notebooks without widgets: opened in JupyterLab, Run All, no error and no stderr."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.browser.lab import LabNotebook
from tests.browser.servers import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("name", ["01-quickstart.ipynb", "05-code-lifecycle.ipynb",
                                  "06-going-live.ipynb"])
def test_notebook_runs_cleanly_in_jupyterlab(
        name: str, open_notebook: Callable[[str], LabNotebook]) -> None:
    notebook = open_notebook(name)
    cells = notebook.run_all()
    notebook.assert_ran_cleanly(cells)
    assert any(cell.outputs for cell in cells), "Run All produced no output at all"
    notebook.screenshot(SCREENSHOTS / f"{name.removesuffix('.ipynb')}.png")
