"""The docs site's own Sphinx extension (``docs/conf.py`` loads it).

``scripts/docs_site.py`` writes ``_site.json`` into each staged edition: the edition's
language, each page's twin in the other edition, where each repository path is published and
what the site's lookup finds. From it this extension

- gives every page a language switch to its twin and, on a notebook page, a banner saying
  that the page is a stored snapshot and how to run it live (``docs/_templates/page.html``);
- links every code in a code table to its anchor on the error-code page and adds a remedy
  column where a table has none; merges pandas' index-name header row into the header;
- puts a note above each widget snapshot saying what it shows and that it does not react;
- turns file names in code font that name a published page into links;
- writes ``_static/smskit-lookup-data.js``: codes, glossary terms and page titles for the
  site's own lookup on the search page (``docs/_static/smskit-lookup.js``).
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from pathlib import Path
from typing import Any

from docutils import nodes

CODES_PAGE = "reference/error-codes.html"
#: Header texts that mean a table already has a remedy column.
REMEDY_HEADERS = ("remedy", "处理办法", "补救")
TABLE = re.compile(r"<table\b.*?</table>", re.S)
ROW = re.compile(r"<tr\b[^>]*>.*?</tr>", re.S)
CELL = re.compile(r"<(t[hd])\b([^>]*)>(.*?)</\1>", re.S)
PANDAS_INDEX_ROW = re.compile(
    r'(<thead>\s*<tr>\s*)<th class="blank level0" >&nbsp;</th>(.*?</tr>)\s*<tr>\s*'
    r'<th class="index_name level0" >(.*?)</th>(?:\s*<th class="blank col\d+" >&nbsp;</th>)*'
    r"\s*</tr>", re.S)
SNAPSHOT = re.compile(r'<div class="smskit-static (smskit-static-[a-z]+)"')

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "switch": "中文版", "switch.title": "本页的中文版",
        "notebook": "This page is the stored notebook {path} with the outputs it had when it "
                    "last ran: nothing runs here, and its widgets are snapshots. To run it "
                    "live: <code>./kit lab</code>, then open {path}.",
        "snapshot": "Snapshot of the {widget} as stored with this notebook: it shows the "
                    "inputs in its table and what they gave. It does not react on this page; "
                    "where the text says to type, press or watch it change, that is in the "
                    "live notebook (<code>./kit lab</code>).",
        "remedy": "remedy",
        "lookup": "Codes and glossary terms", "lookup.none": "",
        "pages": "Page titles",
        "made": "Built with Sphinx and Furo",
    },
    "zh": {
        "switch": "English", "switch.title": "English edition of this page",
        "notebook": "本页是保存下来的笔记本 {path}，带有它最后一次运行时的输出：这里不运行任何"
                    "代码，控件只是快照。要实时运行：<code>./kit lab --zh</code>，然后打开 "
                    "{path}。",
        "snapshot": "这是与笔记本一起保存的{widget}快照：显示的是其表格中的输入和得到的结果。"
                    "它在本页不会响应；文中所说的输入、点击或观察变化，都是指实时运行的笔记本"
                    "（<code>./kit lab --zh</code>）。",
        "remedy": "处理办法",
        "lookup": "错误码和术语", "lookup.none": "",
        "pages": "页面标题",
        "made": "由 Sphinx 和 Furo 构建",
    },
}
WIDGETS = {
    "en": {"smskit-static-explorer": "signature explorer",
           "smskit-static-builder": "request builder",
           "smskit-static-codes": "error-code browser",
           "smskit-static-checker": "signature checker",
           "smskit-static-dashboard": "trainer dashboard"},
    "zh": {"smskit-static-explorer": "签名浏览器", "smskit-static-builder": "请求构建器",
           "smskit-static-codes": "错误码浏览器", "smskit-static-checker": "签名检查器",
           "smskit-static-dashboard": "讲师仪表盘"},
}


def site(app: Any) -> dict[str, Any]:
    """The staged edition's ``_site.json`` (empty outside a ``docs_site.py`` build)."""
    cached: dict[str, Any] | None = getattr(app, "_smskit_site", None)
    if cached is None:
        path = Path(app.srcdir) / "_site.json"
        cached = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        app._smskit_site = cached
    return cached


def lang_of(app: Any) -> str:
    return "zh" if str(app.config.language).startswith("zh") else "en"


def to_root(pagename: str) -> str:
    """The relative path from ``pagename``'s HTML file to its edition's root."""
    return "../" * pagename.count("/")


# -- code tables -------------------------------------------------------------------------


def plain(cell_html: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", cell_html)).strip()


def code_column(rows: list[list[tuple[str, str, str]]], codes: dict[str, str]) -> int | None:
    """The first column whose every body cell is a catalogued code (at least two rows)."""
    body = [row for row in rows if any(tag == "td" for tag, _a, _c in row)]
    if len(body) < 2:
        return None
    width = min(len(row) for row in body)
    for column in range(width):
        if all(plain(row[column][2]) in codes for row in body):
            return column
    return None


def linked_table(table: str, codes: dict[str, str], root: str, remedy_label: str) -> str:
    """``table`` with its code column linked and a remedy column added if it has none."""
    rows = ROW.findall(table)
    parsed = [CELL.findall(row) for row in rows]
    column = code_column(parsed, codes)
    if column is None:
        return table
    has_remedy = any(plain(content).lower().startswith(REMEDY_HEADERS)
                     for row in parsed for tag, _a, content in row if tag == "th")
    for row, cells in zip(rows, parsed, strict=True):
        new = row
        if any(tag == "td" for tag, _a, _c in cells):
            tag, attrs, content = cells[column]
            code = plain(content)
            link = (f'<{tag}{attrs}><a class="smskit-code-link" '
                    f'href="{root}{CODES_PAGE}#{code}">{content}</a></{tag}>')
            new = new.replace(f"<{tag}{attrs}>{content}</{tag}>", link, 1)
            if not has_remedy:
                new = new.replace("</tr>", f'<td class="smskit-remedy-cell">'
                                  f"{html.escape(codes[code])}</td></tr>")
        elif not has_remedy and cells:
            head = remedy_label if row is rows[0] else ""
            new = new.replace("</tr>", f'<th class="smskit-remedy-head">{head}</th></tr>')
        table = table.replace(row, new, 1)
    return table


def rewrite_body(body: str, pagename: str, lang: str, codes: dict[str, str],
                 source: str | None) -> str:
    body = PANDAS_INDEX_ROW.sub(r'\1<th class="index_name level0">\3</th>\2', body)
    root = to_root(pagename)
    body = TABLE.sub(lambda found: linked_table(found[0], codes, root,
                                                LABELS[lang]["remedy"]), body)
    if source is not None:
        def note(found: re.Match[str]) -> str:
            widget = WIDGETS[lang].get(found[1], found[1])
            return (f'<p class="smskit-snapshot-note">'
                    f"{LABELS[lang]['snapshot'].format(widget=widget)}</p>{found[0]}")
        body = SNAPSHOT.sub(note, body)
    return body


def on_page_context(app: Any, pagename: str, templatename: str, context: dict[str, Any],
                    doctree: Any) -> None:
    data = site(app)
    lang = lang_of(app)
    labels = LABELS[lang]
    twin = data.get("twins", {}).get(pagename)
    context["smskit_switch"] = None if twin is None else {
        "href": to_root(pagename) + twin, "label": labels["switch"],
        "title": labels["switch.title"], "lang": "zh-CN" if lang == "en" else "en"}
    context["smskit_made"] = labels["made"]
    source = data.get("notebooks", {}).get(pagename)
    context["smskit_notebook"] = None if source is None else labels["notebook"].format(
        path=f"<code>{html.escape(source)}</code>")
    if "body" in context and data:
        context["body"] = rewrite_body(context["body"], pagename, lang, data["remedies"],
                                       source)


# -- file names as links -----------------------------------------------------------------


def on_doctree_resolved(app: Any, doctree: Any, docname: str) -> None:
    """Inline code naming a published file becomes a link to its page."""
    paths: dict[str, str] = site(app).get("paths", {})
    if not paths:
        return
    for literal in list(doctree.findall(nodes.literal)):
        target = paths.get(literal.astext().strip())
        if target is None or isinstance(literal.parent, nodes.reference):
            continue
        href = posixpath.relpath(target.split("#")[0], posixpath.dirname(docname) or ".")
        if "#" in target:
            href += "#" + target.split("#", 1)[1]
        if target.split("#")[0] == f"{docname}.html":
            continue
        reference = nodes.reference("", "", internal=True, refuri=href,
                                    classes=["smskit-file-link"])
        literal.replace_self(reference)
        reference.append(literal)


# -- the lookup ---------------------------------------------------------------------------


def on_build_finished(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.name != "html":
        return
    data = site(app)
    env = app.env
    pages = [{"title": env.titles[name].astext(), "target": app.builder.get_target_uri(name)}
             for name in sorted(env.found_docs) if name in env.titles]
    lookup = {"heading": LABELS[lang_of(app)]["lookup"], "pagesHeading":
              LABELS[lang_of(app)]["pages"], "entries": data.get("lookup", []), "pages": pages}
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    (static / "smskit-lookup-data.js").write_text(
        "window.SMSKIT_LOOKUP = " + json.dumps(lookup, ensure_ascii=False) + ";\n",
        encoding="utf-8")


def setup(app: Any) -> dict[str, Any]:
    app.connect("html-page-context", on_page_context)
    app.connect("doctree-resolved", on_doctree_resolved)
    app.connect("build-finished", on_build_finished)
    app.add_css_file("smskit.css")
    app.add_js_file("smskit-lookup-data.js")
    app.add_js_file("smskit-lookup.js")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
