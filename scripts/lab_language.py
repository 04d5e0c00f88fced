"""JupyterLab's display language for ``./kit lab``: prints the settings folder Lab should use.

When the kit's language is Chinese (``./kit lab --zh``, ``SMSKIT_LANG=zh`` or a ``zh_*``
locale; see smskit/i18n.py), this writes JupyterLab's own language setting,
``@jupyterlab/translation-extension/plugin.jupyterlab-settings`` = ``{"locale": "zh_CN"}``,
into ``.lab-zh/user-settings/`` of this checkout (ignored by git) and prints that folder;
``./kit lab`` points ``JUPYTERLAB_SETTINGS_DIR`` at it, so only a Lab started by the kit
is in Chinese (with the ``jupyterlab-language-pack-zh-CN`` pack of the notebooks extra).
In English it prints nothing and Lab keeps the user's own settings.
"""

from __future__ import annotations

import json
from pathlib import Path

from smskit import i18n

ROOT = Path(__file__).resolve().parents[1]
#: JupyterLab's locale for each of the kit's languages that has a language pack.
LAB_LOCALES = {"zh": "zh_CN"}
SETTING = Path("@jupyterlab", "translation-extension", "plugin.jupyterlab-settings")


def settings_dir(lang: str) -> Path | None:
    """Write Lab's language setting for ``lang`` and return its folder (None: Lab's default)."""
    locale = LAB_LOCALES.get(lang)
    if locale is None:
        return None
    folder = ROOT / f".lab-{lang}" / "user-settings"
    path = folder / SETTING
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"locale": locale}, indent=2) + "\n", encoding="utf-8")
    return folder


if __name__ == "__main__":
    chosen = settings_dir(i18n.language())
    if chosen is not None:
        print(chosen)
