"""Jupyter widgets for learning the API: a signature explorer, a request builder, an
error-code browser and a signature checker (for requests your own backend sent).

Import this subpackage explicitly (``from smskit.widgets import RequestBuilder``); it needs
``ipywidgets`` and is never imported by ``import smskit``. Each widget is a plain object
whose state can be driven from code (set ``.value`` on its fields, ``.click()`` its buttons)
and read back as plain data (``.state()``), so tests check behaviour, not pixels.
"""

from __future__ import annotations

from smskit.widgets.builder import RequestBuilder
from smskit.widgets.checker import SignatureChecker
from smskit.widgets.codes import ErrorCodeBrowser
from smskit.widgets.dashboard import TrainerDashboard
from smskit.widgets.explorer import SignatureExplorer

__all__ = ["ErrorCodeBrowser", "RequestBuilder", "SignatureChecker", "SignatureExplorer",
           "TrainerDashboard"]
