"""The one-page printable cheat sheet (A4), in Chinese or English, as self-contained HTML.

Words come from ``smskit/data/cheatsheet.json``; facts from the library: the signed fields in
their order (:data:`smskit.signing.SIGNED_FIELDS`), the query parameters
(:data:`smskit.request.QUERY_ORDER`), the worked example recomputed, and the catalogue's
codes by category. No external fetches: fonts are the system's (a CJK font such as
WenQuanYi Micro Hei for Chinese).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from smskit._data import load_json
from smskit.catalogue import all_codes, categories
from smskit.request import ENDPOINT_PATH, HTTP_METHOD, QUERY_ORDER
from smskit.signing import SIGNED_FIELDS
from smskit.teaching.worked_example import reproduce

LANGUAGES = ("zh", "en")

_CSS = """
@page { size: A4; margin: 10mm 11mm; }
* { box-sizing: border-box; }
body { font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", "PingFang SC",
       "Microsoft YaHei", sans-serif; font-size: 8.8pt; line-height: 1.28; color: #111;
       margin: 0; }
h1 { font-size: 14pt; margin: 0 0 4pt; }
h2 { font-size: 10.5pt; margin: 6pt 0 2pt; border-bottom: 1px solid #999; }
code, .mono { font-family: "DejaVu Sans Mono", "WenQuanYi Micro Hei Mono", monospace;
              font-size: 8.3pt; }
.rule { font-size: 10.5pt; font-weight: bold; padding: 3pt 6pt; border: 1.5px solid #333;
        display: inline-block; margin: 2pt 0; }
table { border-collapse: collapse; width: 100%; }
td, th { border-bottom: 1px solid #ddd; padding: 1.5pt 4pt; vertical-align: top;
         text-align: left; }
.columns { column-count: 2; column-gap: 10pt; }
.category { break-inside: avoid; margin-bottom: 4pt; }
.category h3 { font-size: 9.5pt; margin: 0 0 1pt; }
.category p { margin: 0 0 2pt; color: #333; }
.category ul { margin: 0; padding-left: 12pt; font-size: 8.3pt; }
ul.mistakes { margin: 0; padding-left: 14pt; column-count: 2; column-gap: 14pt; }
footer { margin-top: 6pt; font-size: 8pt; color: #444; }
@media screen { body { max-width: 190mm; margin: 8mm auto; } }
"""


def _words() -> dict[str, Any]:
    data: dict[str, Any] = load_json("cheatsheet.json")
    return data


def render(language: str) -> str:
    """The cheat sheet as one HTML document in ``language`` (``"zh"`` or ``"en"``)."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    words = _words()

    def say(key: str) -> str:
        return html.escape(str(words[key][language]))

    example = reproduce()
    note = say("example_note").replace(
        "{printed}", f"<code>{example.printed_signature[:8]}…</code>").replace(
        "{computed}", f"<code>{example.computed_signature[:8]}…</code>")
    parts = [
        f'<!DOCTYPE html><html lang="{"zh-CN" if language == "zh" else "en"}"><head>'
        f'<meta charset="utf-8"><title>{say("title")}</title><style>{_CSS}</style></head>'
        f'<body><h1>{say("title")}</h1>',
        f'<p><b>{say("endpoint")}:</b> <code>{HTTP_METHOD} {ENDPOINT_PATH}</code> · '
        f'{say("endpoint_note")}</p>',
        f'<h2>{say("signature_heading")}</h2>',
        f'<div class="rule mono">signature = SHA256({" + ".join(SIGNED_FIELDS)})</div>',
        f'<p>{say("signature_rule")}</p>',
        f'<p><b>{say("example_heading")}:</b> <code>{html.escape(example.signed_string)}</code>'
        f'<br>{note}</p>',
        f'<h2>{say("parameters_heading")}</h2>',
        _parameters(words, language),
        f'<h2>{say("mistakes_heading")}</h2><ul class="mistakes">',
        *(f"<li>{html.escape(item[language])}</li>" for item in words["mistakes"]),
        f'</ul><h2>{say("codes_heading")}</h2>',
        _codes(language),
        f'<footer>{say("footer")}</footer></body></html>',
    ]
    return "".join(parts) + "\n"


def _parameters(words: Mapping[str, Any], language: str) -> str:
    name, meaning = (html.escape(text) for text in words["parameter_columns"][language])
    rows = "".join(
        f'<tr><td class="mono">{field}</td>'
        f'<td>{html.escape(words["parameters"][field][language])}</td></tr>'
        for field in QUERY_ORDER)
    return f"<table><tr><th>{name}</th><th>{meaning}</th></tr>{rows}</table>"


def _codes(language: str) -> str:
    """The catalogue's codes grouped by what the caller does next (success left out)."""
    sections = []
    for key, category in categories().items():
        entries = [entry for entry in all_codes() if entry.category == key and not entry.is_success]
        if not entries:
            continue
        title = category.zh if language == "zh" else category.en
        step = f"<p>{html.escape(category.next_step.render(language))}</p>"
        items = "".join(
            f"<li><b>{entry.code}</b> {html.escape(entry.zh)}"
            + (f" · {html.escape(entry.en)}" if language == "en" else "") + "</li>"
            for entry in entries)
        sections.append(f'<div class="category"><h3>{html.escape(title)}</h3>{step}'
                        f"<ul>{items}</ul></div>")
    return f'<div class="columns">{"".join(sections)}</div>'
