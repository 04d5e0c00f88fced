"""The classroom handout: one card per trainee with their user domain, secret and set-up lines.

Printed on paper or sent to each trainee, so it carries their secrets: the files are written
readable by their owner only. HTML (one card per trainee, a page break every few cards) and
plain text, both bilingual, with the platform's own Chinese terms (用户域).
"""

from __future__ import annotations

import html
import shlex
from collections.abc import Iterable
from typing import Protocol

from smskit import environment


class Card(Protocol):
    """What a card shows of a trainee (:class:`smskit.sandbox.classroom.Trainee` fits)."""

    @property
    def name(self) -> str: ...
    @property
    def user_domain(self) -> str: ...
    @property
    def secret(self) -> str: ...


def exports(card: Card, base_url: str) -> str:
    """The one line a trainee pastes into a terminal (or a notebook's ``%env``)."""
    values = ((environment.BASE_URL_VAR, base_url), (environment.USER_DOMAIN_VAR, card.user_domain),
              (environment.SECRET_VAR, card.secret))
    return "export " + " ".join(f"{name}={shlex.quote(value)}" for name, value in values)


def handout_text(cards: Iterable[Card], base_url: str) -> str:
    """Plain text, one card after another, separated by a cut line."""
    blocks = []
    for card in cards:
        blocks.append("\n".join([
            f"smskit 课堂 / classroom — {card.name}",
            f"  沙箱 / sandbox:            {base_url}",
            f"  用户域 / userDomain:       {card.user_domain}",
            f"  用户域密钥 / userDomainSecret: {card.secret}",
            "  在终端中设置 / set in your terminal:",
            f"    {exports(card, base_url)}",
            "  密钥只属于你：不要分享、不要提交到代码库。/ The secret is yours alone: do not "
            "share or commit it.",
        ]))
    return ("\n" + "-" * 8 + " ✂ " + "-" * 60 + "\n").join(blocks) + "\n"


_STYLE = """
body { font-family: "Noto Sans", "WenQuanYi Micro Hei", sans-serif; margin: 1cm; }
.card { border: 1px dashed #555; padding: 0.6cm; margin-bottom: 0.6cm; break-inside: avoid; }
.card h2 { margin: 0 0 0.3cm 0; font-size: 14pt; }
.card dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.1cm 0.4cm; margin: 0; }
.card dt { font-weight: bold; }
.card dd { margin: 0; font-family: monospace; word-break: break-all; }
.card pre { background: #f3f3f3; padding: 0.2cm; white-space: pre-wrap; word-break: break-all; }
.card p { font-size: 9pt; margin: 0.2cm 0 0 0; }
.card:nth-of-type(4n) { break-after: page; }
"""


def handout_html(cards: Iterable[Card], base_url: str) -> str:
    """A printable HTML page, one card per trainee."""
    parts = []
    for card in cards:
        rows = (("沙箱 / sandbox", base_url), ("用户域 / userDomain", card.user_domain),
                ("用户域密钥 / userDomainSecret", card.secret))
        fields = "".join(f"<dt>{html.escape(label)}</dt><dd>{html.escape(value)}</dd>"
                         for label, value in rows)
        parts.append(
            f'<section class="card" data-trainee="{html.escape(card.name)}">'
            f"<h2>smskit 课堂 / classroom — {html.escape(card.name)}</h2><dl>{fields}</dl>"
            "<p>在终端中设置 / set in your terminal:</p>"
            f"<pre>{html.escape(exports(card, base_url))}</pre>"
            "<p>密钥只属于你：不要分享、不要提交到代码库。"
            "The secret is yours alone: do not share or commit it.</p></section>")
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            "<title>smskit 课堂凭据 / classroom credentials</title>"
            f"<style>{_STYLE}</style></head><body>\n" + "\n".join(parts) + "\n</body></html>\n")
