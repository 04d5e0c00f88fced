"""Build the docs site from the pages and stored notebooks listed in ``docs/toc.json``.

    python scripts/docs_site.py [--out site]      (what ``./kit docs`` runs)

Each edition of the table of contents is staged (its pages copied with their repository
paths, so relative links keep working, plus a generated index page (:data:`INDEX_PAGE`)
with one toctree per section) and built by Sphinx with myst-nb from the stored outputs,
warnings as errors, into ``OUT/<edition folder>``. Nothing is executed and nothing is
fetched: see ``docs/conf.py``.
"""

from __future__ import annotations

import argparse
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

ROOT = Path(__file__).resolve().parents[1]
#: Sphinx's root document (``root_doc`` in docs/conf.py): each edition's generated index page.
ROOT_DOC = "index"
INDEX_PAGE = f"{ROOT_DOC}.md"
TOC = ROOT / "docs" / "toc.json"
CONF_DIR = ROOT / "docs"
DEFAULT_OUT = ROOT / "_build" / "docs"
#: Where editions are staged for Sphinx (ignored by git, like the site).
STAGING = ROOT / "_build" / "docs-src"
#: An inline Markdown link: [text](target).
MARKDOWN_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")


@dataclass(frozen=True)
class Section:
    caption: str
    #: Repository-relative paths of the section's pages, in order.
    pages: tuple[str, ...]
    #: Titles the TOC gives pages instead of their own first heading.
    titles: tuple[tuple[str, str], ...] = ()


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


def matching(pattern: str, root: Path = ROOT) -> list[str]:
    """Repository-relative paths of the files ``pattern`` matches, sorted; hidden folders
    (``.ipynb_checkpoints``) never match."""
    found = (path.relative_to(root) for path in root.glob(pattern) if path.is_file())
    return sorted(path.as_posix() for path in found
                  if not any(part.startswith(".") for part in path.parts))


def load_toc(toc: Path = TOC, root: Path = ROOT) -> tuple[Edition, ...]:
    """The editions of ``toc`` with their patterns resolved; empty sections are dropped."""
    raw: dict[str, Any] = json.loads(toc.read_text(encoding="utf-8"))
    editions = []
    for edition in raw["editions"]:
        sections = []
        for section in edition["sections"]:
            entries = [entry if isinstance(entry, dict) else {"page": entry}
                       for entry in section["pages"]]
            pages = tuple(dict.fromkeys(
                page for entry in entries for page in matching(entry["page"], root)))
            titles = tuple((entry["page"], entry["title"]) for entry in entries
                           if "title" in entry and entry["page"] in pages)
            if pages:
                sections.append(Section(section["caption"], pages, titles))
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
        entries = "\n".join(f"{titles[page]} <{docname(page)}>" if page in titles
                             else docname(page) for page in section.pages)
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


def stage(edition: Edition, staging: Path, root: Path = ROOT,
          homes: dict[str, str] | None = None) -> Path:
    """Copy the edition's pages under ``staging`` with their repository paths and write its
    index page; returns the staged source folder. ``homes`` (page -> edition folder, for
    every edition) lets Markdown pages link to the other editions."""
    source = staging / (edition.folder or "_root")
    if source.exists():
        shutil.rmtree(source)
    source.mkdir(parents=True)
    for page in edition.pages:
        target = source / page
        target.parent.mkdir(parents=True, exist_ok=True)
        if page.endswith(".md") and homes:
            text = (root / page).read_text(encoding="utf-8")
            target.write_text(linked_across_editions(text, page, edition.folder, homes),
                              encoding="utf-8")
        else:
            shutil.copyfile(root / page, target)
    (source / INDEX_PAGE).write_text(index_page(edition), encoding="utf-8")
    return source


def build(out: Path, *, staging: Path = STAGING, toc: Path = TOC) -> tuple[Edition, ...]:
    """Build every edition into ``out``; raises ``SystemExit`` with Sphinx's output on any
    warning or error.

    Sphinx writes into ``staging`` first: myst-nb puts a ``jupyter_execute`` folder beside
    its output folder, which must not land beside ``out``.
    """
    editions = load_toc(toc)
    if out.exists() and any(out.iterdir()) and not (out / ".buildinfo").is_file():
        raise SystemExit(f"docs: {out} is not empty and holds no earlier build of the site; "
                         "choose another --out (it is replaced as a whole)")
    homes = {page: edition.folder for edition in editions for page in edition.pages}
    built = staging / "html"
    for folder in (built, out):
        if folder.exists():
            shutil.rmtree(folder)
    for edition in editions:
        name = edition.folder or "_root"
        source = stage(edition, staging, homes=homes)
        command = [sys.executable, "-m", "sphinx", "-b", "html", "-E", "-q", "-W",
                   "--keep-going", "-c", str(CONF_DIR), "-D", f"language={edition.language}",
                   "-d", str(staging / "doctrees" / name), str(source), str(built / name)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        if done.returncode != 0:
            raise SystemExit(f"docs: the {edition.language} edition did not build "
                             f"(warnings are errors):\n{done.stdout}{done.stderr}")
        shutil.copytree(built / name, out / edition.folder, dirs_exist_ok=True)
    return editions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="folder to build into (default: _build/docs/)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    editions = build(args.out.resolve())
    pages = sum(len(edition.pages) for edition in editions)
    print(f"docs: {pages} pages in {time.perf_counter() - started:.1f} s: "
          f"{args.out / 'index.html'}\n"
          f"docs: to read it, serve the folder: python3 -m http.server -d {args.out} "
          "-b 127.0.0.1 8000")
    return 0


if __name__ == "__main__":
    sys.exit(main())
