"""Driving a notebook in JupyterLab through its own application object.

``--LabApp.expose_app_in_browser`` puts the app at ``window.jupyterapp``; readiness is the
notebook's session context being ready with its kernel idle (the toolbar's indicator says
idle before the kernel is connected, see ``docs/testing-notebooks.md``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

#: Generous bounds: a notebook opens in about 3 s and runs in about 8 s on 2 cores.
OPEN_TIMEOUT_MS = 60_000
RUN_TIMEOUT_MS = 120_000
SHUTDOWN_TIMEOUT_MS = 20_000

_workspaces = itertools.count(1)

_KERNEL_READY = """(name) => {
  const app = window.jupyterapp;
  const panel = app && app.shell.currentWidget;
  if (!panel || !panel.context || panel.context.path !== name) return false;
  const session = panel.sessionContext;
  return !!(session && session.isReady && session.session && session.session.kernel
            && session.session.kernel.connectionStatus === 'connected'
            && session.session.kernel.status === 'idle');
}"""

_CELL_REPORT = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const cells = panel.content.model.cells;
  const report = [];
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== 'code') continue;
    const outputs = [];
    for (let j = 0; j < cell.outputs.length; j++) outputs.push(cell.outputs.get(j).toJSON());
    report.push({index: i, source: cell.sharedModel.getSource(),
                 count: cell.executionCount, outputs: outputs,
                 tags: cell.getMetadata('tags') || []});
  }
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  return {cells: report, kernel: kernel ? kernel.status : 'none'};
}"""


@dataclass(frozen=True)
class CodeCell:
    index: int
    source: str
    count: int | None
    outputs: list[dict[str, Any]]
    tags: list[str]

    @property
    def may_raise(self) -> bool:
        return "NBVAL_RAISES_EXCEPTION" in self.source or "raises-exception" in self.tags

    def problems(self) -> list[str]:
        """Error outputs (unless the cell says it raises on purpose) and stderr outputs."""
        found = []
        for output in self.outputs:
            if output.get("output_type") == "error" and not self.may_raise:
                found.append(f"cell {self.index} raised {output.get('ename')}: "
                             f"{output.get('evalue')}\n--- source ---\n{self.source}")
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                found.append(f"cell {self.index} wrote to stderr: {output.get('text')!r}"
                             f"\n--- source ---\n{self.source}")
        return found


class LabNotebook:
    """One notebook open in its own fresh JupyterLab workspace, on one page."""

    def __init__(self, page: Page, base_url: str, name: str) -> None:
        self.page, self.base_url, self.name = page, base_url, name

    def open(self) -> LabNotebook:
        """Open the notebook in a new, empty workspace and wait for an idle kernel."""
        workspace = f"browser-test-{next(_workspaces)}"
        self.page.goto(f"{self.base_url}/lab/workspaces/{workspace}/tree/{self.name}?reset",
                       wait_until="domcontentloaded", timeout=OPEN_TIMEOUT_MS)
        self.page.wait_for_function(_KERNEL_READY, arg=self.name, timeout=OPEN_TIMEOUT_MS,
                                    polling=100)
        self.page.evaluate("""() => {
          const app = window.jupyterapp;
          if (!app.shell.leftCollapsed) app.commands.execute('application:toggle-left-area');
        }""")
        return self

    def run_all(self) -> list[CodeCell]:
        """Run every cell as a person would (Run > Run All Cells) and wait until each code
        cell has an execution count and the kernel is idle, or a cell failed."""
        assert self.cells() and all(c.count is None for c in self.cells()), \
            "the served copy must start without execution counts"
        # Not awaited: the command's promise settles only when every cell has run.
        self.page.evaluate(
            "() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
        self.page.wait_for_function("""() => {
          const panel = window.jupyterapp.shell.currentWidget;
          const cells = panel.content.model.cells;
          let done = true;
          for (let i = 0; i < cells.length; i++) {
            const cell = cells.get(i);
            if (cell.type !== 'code') continue;
            for (let j = 0; j < cell.outputs.length; j++) {
              const output = cell.outputs.get(j);
              if (output.type === 'error') {
                const tags = cell.getMetadata('tags') || [];
                const source = cell.sharedModel.getSource();
                if (!source.includes('NBVAL_RAISES_EXCEPTION')
                    && !tags.includes('raises-exception')) return true;
              }
            }
            if (cell.executionCount === null) done = false;
          }
          const kernel = panel.sessionContext.session.kernel;
          return done && kernel.status === 'idle';
        }""", timeout=RUN_TIMEOUT_MS, polling=100)
        return self.cells()

    def cells(self) -> list[CodeCell]:
        report = self.page.evaluate(_CELL_REPORT)
        return [CodeCell(**cell) for cell in report["cells"]]

    def assert_ran_cleanly(self, cells: list[CodeCell]) -> None:
        problems = [p for cell in cells for p in cell.problems()]
        not_run = [cell.index for cell in cells if cell.count is None]
        assert not problems, "\n\n".join(problems)
        assert not not_run, f"cells {not_run} did not run"
        assert [c.count for c in cells] == list(range(1, len(cells) + 1)), \
            "every code cell runs once, top to bottom"
        broken = self.page.locator(".jp-OutputArea-output").filter(
            has_text="Error displaying widget")
        assert broken.count() == 0, broken.first.inner_text()

    def screenshot(self, path: Path) -> None:
        """A picture of the whole notebook, not only what fits in the window."""
        full_screenshot(self.page, path,
                        scroller=".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer")

    def shutdown_kernels(self) -> None:
        """Shut down every kernel this server runs, so the next test has both cores."""
        self.page.evaluate("""(ms) => {
          const services = window.jupyterapp.serviceManager;
          const shutdown = (async () => {
            await services.sessions.shutdownAll();
            await services.kernels.shutdownAll();
          })();
          const late = new Promise((_, reject) => setTimeout(
            () => reject(new Error(`kernels not shut down within ${ms} ms`)), ms));
          return Promise.race([shutdown, late]);
        }""", SHUTDOWN_TIMEOUT_MS)


def full_screenshot(page: Page, path: Path, *, scroller: str) -> None:
    """Grow the viewport to the height of the element that scrolls (JupyterLab and Voilà
    scroll inside an element, so a "full page" screenshot alone shows one window), then
    take a full-page screenshot."""
    height = page.evaluate("""(selector) => {
      const element = document.querySelector(selector);
      if (!element) return document.documentElement.scrollHeight;
      element.scrollTop = 0;
      const top = element.getBoundingClientRect().top + window.scrollY;
      return Math.ceil(top + element.scrollHeight + 24);
    }""", scroller)
    width = (page.viewport_size or {"width": 1280})["width"]
    page.set_viewport_size({"width": width, "height": max(800, min(int(height), 20_000))})
    page.evaluate("""(selector) => new Promise(resolve => requestAnimationFrame(() => {
      const element = document.querySelector(selector);
      if (element) element.scrollTop = 0;
      requestAnimationFrame(() => resolve(null));
    }))""", scroller)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
