"""Build the docs site from the pages and stored notebooks listed in ``docs/toc.json``.

    python scripts/docs_site.py [--out site] [--audience trainees]   (``./kit docs``)

Each edition of the table of contents is staged (its pages copied with their repository
paths, so relative links keep working, the reference pages made from the kit's data
(``scripts/docs_pages.py``), a generated index page (:data:`INDEX_PAGE`) with one toctree per
section, and ``_site.json`` for the site's extension ``docs/smskit_site.py``) and built by
Sphinx with myst-nb from the stored outputs, warnings as errors, into
``OUT/<edition folder>``; the editions build side by side. No notebook is executed and
nothing is fetched: see ``docs/conf.py``. ``--audience trainees`` leaves out the sections
the table of contents marks ``"audience": "trainers"`` (exercise solutions, the trainer's
and maintainers' pages).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import html
import json
import posixpath
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import docs_pages  # a sibling script (tests load this file by path)

ROOT = Path(__file__).resolve().parents[1]
#: Sphinx's root document (``root_doc`` in docs/conf.py): each edition's generated index page.
ROOT_DOC = "index"
INDEX_PAGE = f"{ROOT_DOC}.md"
TOC = ROOT / "docs" / "toc.json"
CONF_DIR = ROOT / "docs"
DEFAULT_OUT = ROOT / "_build" / "docs"
#: Where editions are staged for Sphinx (ignored by git, like the site).
STAGING = ROOT / "_build" / "docs-src"
LOCALE = ROOT / "docs" / "locale"
#: Who a build is for: everyone (the default), or trainees (no trainers' sections).
AUDIENCES = ("everyone", "trainees")
#: Where files that are not pages are explained on the site (file names in code font link
#: there); both the old and the new place of the data folder.
DATA_PAGES = {f"{folder}/{name}": page for folder in ("data", "smskit/data")
              for name, page in (("error_codes.json", docs_pages.CODES_PAGE),
                                 ("scenarios.json", docs_pages.CODES_PAGE),
                                 ("glossary.json", docs_pages.GLOSSARY_PAGE),
                                 ("sandbox_openapi.json", docs_pages.API_PAGE),
                                 ("snippets/index.json", docs_pages.SNIPPETS_PAGE),
                                 ("snippets", docs_pages.SNIPPETS_PAGE),
                                 ("snippets/", docs_pages.SNIPPETS_PAGE))}
#: An inline Markdown link: [text](target).
MARKDOWN_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")


@dataclass(frozen=True)
class Section:
    caption: str
    #: Repository-relative paths of the section's pages, in order.
    pages: tuple[str, ...]
    #: Titles the TOC gives pages instead of their own first heading.
    titles: tuple[tuple[str, str], ...] = ()
    #: Pages made from the kit's data (``scripts/docs_pages.py``), by Sphinx name.
    generated: tuple[str, ...] = ()
    #: True for a section only trainers and maintainers get (``"audience": "trainers"``).
    trainers: bool = False


@dataclass(frozen=True)
class Edition:
    language: str
    #: Folder of the edition inside the site ("" for the site's root).
    folder: str
    title: str
    intro: str
    sections: tuple[Section, ...]

    @property
    def pages(self) -> tuple[str, ...]:
        return tuple(page for section in self.sections for page in section.pages)

    @property
    def lang(self) -> str:
        """The kit's name for the edition's language: ``"en"`` or ``"zh"``."""
        return "zh" if self.language.startswith("zh") else "en"

    @property
    def docnames(self) -> tuple[str, ...]:
        """Every page Sphinx builds for the edition (its index and search pages included)."""
        return (ROOT_DOC, "search", "genindex",
                *(docname(page) for page in self.pages),
                *(name for section in self.sections for name in section.generated))


def matching(pattern: str, root: Path = ROOT) -> list[str]:
    """Repository-relative paths of the files ``pattern`` matches, sorted; hidden folders
    (``.ipynb_checkpoints``) never match."""
    found = (path.relative_to(root) for path in root.glob(pattern) if path.is_file())
    return sorted(path.as_posix() for path in found
                  if not any(part.startswith(".") for part in path.parts))


def load_toc(toc: Path = TOC, root: Path = ROOT,
             audience: str = "everyone") -> tuple[Edition, ...]:
    """The editions of ``toc`` with their patterns resolved; empty sections are dropped, and
    so are trainers' sections when ``audience`` is ``"trainees"``."""
    raw: dict[str, Any] = json.loads(toc.read_text(encoding="utf-8"))
    editions = []
    for edition in raw["editions"]:
        sections = []
        skipped = {page for pattern in edition.get("exclude", ())
                   for page in matching(pattern, root)}
        for section in edition["sections"]:
            entries = [entry if isinstance(entry, dict) else {"page": entry}
                       for entry in section["pages"]]
            pages = tuple(dict.fromkeys(
                page for entry in entries for page in matching(entry["page"], root)
                if page not in skipped))
            skipped.update(pages)  # a trainers' page left out is not caught further down
            trainers = section.get("audience") == "trainers"
            if trainers and audience == "trainees":
                continue
            titles = tuple((page, entry["title"]) for entry in entries if "title" in entry
                           for page in matching(entry["page"], root) if page in pages)
            generated = tuple(section.get("generated", ()))
            if pages or generated:
                sections.append(Section(section["caption"], pages, titles, generated,
                                        trainers))
        editions.append(Edition(edition["language"], edition["folder"], edition["title"],
                                edition["intro"], tuple(sections)))
    return tuple(editions)


def docname(page: str) -> str:
    """Sphinx's name for a page: its path without the suffix."""
    return page.rsplit(".", 1)[0]


def index_page(edition: Edition) -> str:
    """The edition's landing page: its title, its intro and one toctree per section."""
    parts = [f"# {edition.title}\n\n{edition.intro}\n"]
    for section in edition.sections:
        titles = dict(section.titles)
        entries = "\n".join([*section.generated, *(
            f"{titles[page]} <{docname(page)}>" if page in titles else docname(page)
            for page in section.pages)])
        parts.append(f"```{{toctree}}\n:caption: {section.caption}\n:maxdepth: 1\n\n"
                     f"{entries}\n```\n")
    return "\n".join(parts)


def linked_across_editions(text: str, page: str, folder: str, homes: dict[str, str]) -> str:
    """``text`` of ``page`` (in the edition at ``folder``) with each Markdown link to a page
    of another edition made an HTML link to that page's place in the site: Sphinx only
    resolves links within one edition."""
    def relink(found: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), found[2]))
        home = homes.get(target)
        if home is None or home == folder:
            return found[0]
        here = posixpath.join(folder, posixpath.dirname(page)) or "."
        href = posixpath.relpath(posixpath.join(home, f"{docname(target)}.html"), here)
        return f'<a href="{html.escape(href)}">{found[1]}</a>'
    return MARKDOWN_LINK.sub(relink, text)


def linked_to_published_files(text: str, page: str) -> str:
    """``text`` of ``page`` with each Markdown link to a repository file the site publishes
    (``docs_pages.PUBLISHED_FILES``) made an HTML link to the site's copy: Sphinx would
    otherwise hide it under ``_downloads/`` or refuse a file outside the site."""
    def relink(found: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), found[2]))
        published = docs_pages.PUBLISHED_FILES.get(target)
        if published is None:
            return found[0]
        href = posixpath.relpath(published, posixpath.dirname(page) or ".")
        return f'<a href="{html.escape(href)}">{found[1]}</a>'
    return MARKDOWN_LINK.sub(relink, text)


def unlinked(text: str, page: str, omitted: set[str]) -> str:
    """``text`` of ``page`` with each Markdown link to a page this build leaves out (a
    trainers' page in a trainees' build) reduced to its text."""
    def plain(found: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page),
                                                   found[2].split("#")[0]))
        return found[1] if target in omitted else found[0]
    return MARKDOWN_LINK.sub(plain, text)


def notebook_unlinked(raw: str, page: str, omitted: set[str]) -> str:
    """A notebook's JSON with :func:`unlinked` applied to its markdown cells."""
    notebook = json.loads(raw)
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"])
            cell["source"] = unlinked(source, page, omitted)
    return json.dumps(notebook, ensure_ascii=False)


def retitled(text: str, title: str) -> str:
    """Markdown ``text`` with its first level-1 heading replaced by ``title``."""
    return re.sub(r"^# .*$", lambda _found: f"# {title}", text, count=1, flags=re.M)


def stage(edition: Edition, staging: Path, root: Path = ROOT,
          homes: dict[str, str] | None = None, omitted: frozenset[str] = frozenset()) -> Path:
    """Copy the edition's pages under ``staging`` with their repository paths and write its
    index page; returns the staged source folder. ``homes`` (page -> edition folder, for
    every edition) lets Markdown pages link to the other editions; links to ``omitted``
    pages (left out of this build) become plain text. A page the TOC gives a
    title gets it as its own first heading too (the Next link and search results show it)."""
    source = staging / (edition.folder or "_root")
    if source.exists():
        shutil.rmtree(source)
    source.mkdir(parents=True)
    titles = {page: title for section in edition.sections for page, title in section.titles}
    for page in edition.pages:
        target = source / page
        target.parent.mkdir(parents=True, exist_ok=True)
        if page.endswith(".md"):
            text = linked_to_published_files((root / page).read_text(encoding="utf-8"), page)
            if homes:
                text = linked_across_editions(text, page, edition.folder, homes)
            if page in titles:
                text = retitled(text, titles[page])
            target.write_text(unlinked(text, page, set(omitted)), encoding="utf-8")
        elif page.endswith(".ipynb") and omitted:
            raw = (root / page).read_text(encoding="utf-8")
            target.write_text(notebook_unlinked(raw, page, set(omitted)), encoding="utf-8")
        else:
            shutil.copyfile(root / page, target)
    (source / INDEX_PAGE).write_text(index_page(edition), encoding="utf-8")
    return source


def twin_key(name: str) -> str:
    """What a page and its other-language twin share: the Sphinx name without a ``zh``
    folder or a ``.zh-CN`` suffix (``notebooks/zh/02-signature`` and
    ``notebooks/02-signature``; ``README.zh-CN`` and ``README``)."""
    return re.sub(r"\.zh(-CN)?$", "", "/".join(part for part in name.split("/") if part != "zh"))


def href(target_folder: str, name: str, from_folder: str) -> str:
    """The link from an edition's root (``from_folder``) to page ``name`` of the edition at
    ``target_folder``."""
    return posixpath.relpath(posixpath.join(target_folder, f"{name}.html"), from_folder or ".")


def site_data(edition: Edition, editions: tuple[Edition, ...]) -> dict[str, Any]:
    """What ``docs/smskit_site.py`` needs about ``edition``: each page's twin in the other
    edition (its index when it has none), where each repository path is published, the
    notebooks' sources, the remedies by code and the lookup's entries."""
    others = [other for other in editions if other is not edition]
    twins: dict[str, str] = {}
    for other in others:
        by_key = {twin_key(name): name for name in other.docnames}
        for name in edition.docnames:
            twins.setdefault(name, href(other.folder,
                                        by_key.get(twin_key(name), ROOT_DOC), edition.folder))
    paths = {path: page + ".html" for path, page in DATA_PAGES.items()}
    for owner in sorted(editions, key=lambda e: e is not edition):  # this edition's first
        mine = {twin_key(docname(page)): docname(page) for page in edition.pages}
        for page in owner.pages:
            if page in paths:
                continue
            own = mine.get(twin_key(docname(page)))
            paths[page] = (f"{own}.html" if own is not None
                           else href(owner.folder, docname(page), edition.folder))
    remedies = {str(entry["code"]): entry["remedy"][edition.lang]
                for entry in docs_pages.data("error_codes.json")["codes"]}
    return {"lang": edition.lang, "twins": twins, "paths": paths, "remedies": remedies,
            "notebooks": {docname(page): page for page in edition.pages
                          if page.endswith(".ipynb")},
            "lookup": docs_pages.lookup_entries(edition.lang)}


def prepare(edition: Edition, editions: tuple[Edition, ...], staging: Path,
            homes: dict[str, str], omitted: frozenset[str]) -> Path:
    """Stage ``edition`` whole: its pages, the generated ones, the theme's words in its
    language and ``_site.json``."""
    source = stage(edition, staging, homes=homes, omitted=omitted)
    docs_pages.write_files(source)
    generated = {name for section in edition.sections for name in section.generated}
    if generated:
        unknown = generated - set(docs_pages.write_pages(source, edition.lang))
        if unknown:
            raise SystemExit(f"docs: docs/toc.json names generated pages that do not exist: "
                             f"{sorted(unknown)}")
    if LOCALE.is_dir():
        shutil.copytree(LOCALE, source / "_locale")
    (source / "_site.json").write_text(
        json.dumps(site_data(edition, editions), ensure_ascii=False), encoding="utf-8")
    return source


def build(out: Path, *, staging: Path = STAGING, toc: Path = TOC,
          audience: str = "everyone") -> tuple[Edition, ...]:
    """Build every edition into ``out``; raises ``SystemExit`` with Sphinx's output on any
    warning or error.

    Sphinx writes into ``staging`` first: myst-nb puts a ``jupyter_execute`` folder beside
    its output folder, which must not land beside ``out``.
    """
    editions = load_toc(toc, audience=audience)
    if out.exists() and any(out.iterdir()) and not (out / ".buildinfo").is_file():
        raise SystemExit(f"docs: {out} is not empty and holds no earlier build of the site; "
                         "choose another --out (it is replaced as a whole)")
    homes = {page: edition.folder for edition in editions for page in edition.pages}
    omitted = frozenset(page for edition in load_toc(toc) for page in edition.pages) - set(homes)
    built = staging / "html"
    for folder in (built, out):
        if folder.exists():
            shutil.rmtree(folder)
    with concurrent.futures.ThreadPoolExecutor(len(editions)) as pool:
        sources = list(pool.map(lambda e: prepare(e, editions, staging, homes, omitted), editions))
        runs = list(pool.map(lambda pair: sphinx(pair[0], pair[1], staging, built),
                             zip(editions, sources, strict=True)))
    for edition, done in zip(editions, runs, strict=True):
        if done.returncode != 0:
            raise SystemExit(f"docs: the {edition.language} edition did not build "
                             f"(warnings are errors):\n{done.stdout}{done.stderr}")
    for edition, source in zip(editions, sources, strict=True):
        shutil.copytree(built / (edition.folder or "_root"), out / edition.folder,
                        dirs_exist_ok=True)
        for published in docs_pages.PUBLISHED_FILES.values():
            shutil.copyfile(source / published, out / edition.folder / published)
    return editions


def sphinx(edition: Edition, source: Path, staging: Path,
           built: Path) -> subprocess.CompletedProcess[str]:
    """Run Sphinx on one staged edition."""
    name = edition.folder or "_root"
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-E", "-q", "-W",
               "--keep-going", "-c", str(CONF_DIR), "-D", f"language={edition.language}",
               "-d", str(staging / "doctrees" / name), str(source), str(built / name)]
    return subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="folder to build into (default: _build/docs/)")
    parser.add_argument("--audience", choices=AUDIENCES, default="everyone",
                        help="trainees: leave out exercise solutions and the trainers' and "
                             "maintainers' pages (default: everyone)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    editions = build(args.out.resolve(), audience=args.audience)
    pages = sum(len(edition.docnames) - 2 for edition in editions)  # not search, genindex
    print(f"docs: {pages} pages in {time.perf_counter() - started:.1f} s: "
          f"{args.out / 'index.html'}\n"
          f"docs: to read it, serve the folder: python3 -m http.server -d {args.out} "
          "-b 127.0.0.1 8000")
    return 0


if __name__ == "__main__":
    sys.exit(main())
