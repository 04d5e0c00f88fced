"""Sphinx configuration of the docs site; ``scripts/docs_site.py`` stages the pages and runs it.

Everything the site needs is in the site: no MathJax, no ipywidgets embed scripts, no fonts
from elsewhere (the reader may be offline or behind a firewall). Notebooks are rendered from
their stored outputs, never executed, and a widget's static HTML snapshot is preferred over
its widget view, which a page without a kernel cannot render. The site's own parts (language
switch, code links and remedies, snapshot notes, the lookup for codes and terms) are in
``smskit_site.py`` beside this file.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from smskit import __version__  # noqa: E402

project = "smskit"
version = release = __version__
extensions = ["myst_nb", "sphinx_copybutton", "sphinx_inline_tabs", "smskit_site"]
root_doc = "index"
language = "en"  # scripts/docs_site.py passes each edition's own

html_theme = "furo"
html_title = f"smskit {__version__}"
html_copy_source = False
html_show_sourcelink = False
html_show_copyright = False
html_static_path = [str(HERE / "_static")]
templates_path = [str(HERE / "_templates")]
#: The theme's own words (Next, Previous, Back to top, ...) in Chinese: docs/locale, staged
#: beside each edition by scripts/docs_site.py (Sphinx compiles the .po there).
locale_dirs = ["_locale"]

myst_heading_anchors = 3

nb_execution_mode = "off"
nb_ipywidgets_js: dict[str, dict[str, str]] = {}
nb_mime_priority_overrides = [("*", "application/vnd.jupyter.widget-view+json", None)]

# Copy buttons leave out prompts and the output of console examples.
copybutton_prompt_text = r"\$ |>>> |\.\.\. "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = False


def _search_language(_app: object, config: object) -> None:
    """The Chinese edition's search page uses Sphinx's English search code: Sphinx 9.0 names
    a ``ChineseStemmer`` that its pages never define, so the zh search page fails with a
    script error (https://github.com/sphinx-doc/sphinx/issues/14229). Latin words (API names)
    are found by Sphinx; codes and Chinese words by the site's own lookup (smskit_site.py)."""
    if str(getattr(config, "language", "")).startswith("zh"):
        config.html_search_language = "en"  # type: ignore[attr-defined]


def setup(app: object) -> None:
    app.connect("config-inited", _search_language)  # type: ignore[attr-defined]
smartquotes = False  # codes, API names and quoted messages stay as written
