"""Sphinx configuration of the docs site; ``scripts/docs_site.py`` stages the pages and runs it.

Everything the site needs is in the site: no MathJax, no ipywidgets embed scripts, no fonts
from elsewhere (the reader may be offline or behind a firewall). Notebooks are rendered from
their stored outputs, never executed, and a widget's static HTML snapshot is preferred over
its widget view, which a page without a kernel cannot render.
"""

project = "smskit"
extensions = ["myst_nb"]
root_doc = "index"
language = "en"  # scripts/docs_site.py passes each edition's own

html_theme = "furo"
html_title = "smskit"
html_copy_source = False
html_show_sourcelink = False
html_show_copyright = False

myst_heading_anchors = 3

nb_execution_mode = "off"
nb_ipywidgets_js: dict[str, dict[str, str]] = {}
nb_mime_priority_overrides = [("*", "application/vnd.jupyter.widget-view+json", None)]


def _search_language(_app: object, config: object) -> None:
    """The Chinese edition's search page uses Sphinx's English search code: Sphinx 9.0 names
    a ``ChineseStemmer`` that its pages never define, so the zh search page fails with a
    script error (https://github.com/sphinx-doc/sphinx/issues/14229). Latin words (API names,
    codes) are found; Chinese words would need jieba in any case."""
    if str(getattr(config, "language", "")).startswith("zh"):
        config.html_search_language = "en"  # type: ignore[attr-defined]


def setup(app: object) -> None:
    app.connect("config-inited", _search_language)  # type: ignore[attr-defined]
