"""The docs site's generated reference pages, one per edition, made from the kit's data.

``scripts/docs_site.py`` writes them into each staged edition under :data:`FOLDER`:

- ``error-codes``: one anchor per code (``error-codes.html#5420``) with the platform's message
  verbatim, the English one, category, cause, remedy, next step, whether resending is safe,
  the sandbox scenarios that trigger it and the raw JSON each gets (replayed at build time
  against a real sandbox over HTTP);
- ``signing-snippets``: the six reference implementations as language tabs;
- ``sandbox-cli``: ``smskit sandbox`` run for real at build time, with two requests from the
  Python snippet, and what it printed;
- ``glossary``: the platform's terms (``smskit/data/glossary.json``), one anchor each;
- ``sandbox-api``: the sandbox's HTTP API, one anchored part per operation, made from the OpenAPI
  document a real sandbox serves at ``/_sandbox/openapi.json`` when the site is built, and
  published beside it byte for byte (:data:`OPENAPI_FILE`).

:func:`lookup_entries` is what the site's own lookup (``docs/_static/smskit-lookup.js``)
searches: Sphinx's index drops all-digit words and matches Chinese words only whole.
"""

from __future__ import annotations

import functools
import json
import os
import posixpath
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
#: Where the generated pages go inside a staged edition.
FOLDER = "reference"
CODES_PAGE = f"{FOLDER}/error-codes"
SNIPPETS_PAGE = f"{FOLDER}/signing-snippets"
SANDBOX_PAGE = f"{FOLDER}/sandbox-cli"
GLOSSARY_PAGE = f"{FOLDER}/glossary"
API_PAGE = f"{FOLDER}/sandbox-api"
#: The OpenAPI document as the sandbox serves it, a file of the site beside its page.
OPENAPI_FILE = f"{FOLDER}/sandbox-openapi.json"
#: Repository files the site publishes (site path by repository path): a Markdown link to one
#: is pointed at the site's copy, which ``scripts/docs_site.py`` copies into each edition.
PUBLISHED_FILES = {"smskit/data/sandbox_openapi.json": OPENAPI_FILE}
#: The port ``smskit sandbox`` uses by default; the transcript shows it.
DEFAULT_PORT = 8765
#: Where the transcript shows the clone (the build's own folder would say nothing to a reader).
CLONE = "~/smskit"

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "codes.title": "Error codes: meaning and remedy",
        "codes.intro": "Every code the endpoint can answer, from the kit's data "
                       "(`smskit/data/error_codes.json`). Each has its own anchor: "
                       "`error-codes.html#5420` is 5420. The platform's message is shown "
                       "verbatim; the English is the kit's translation. Each raw answer below "
                       "was replayed against the sandbox over real HTTP when this site was built.",
        "codes.table": "All codes",
        "col.code": "code", "col.msg": "platform message (verbatim)",
        "col.en": "English", "col.category": "category", "col.remedy": "remedy",
        "msg": "Platform message (verbatim)", "en": "English", "category": "Category",
        "cause": "Cause", "remedy": "Remedy", "next": "Next step",
        "resend": "Safe to resend after the remedy",
        "resend.yes": "yes: the platform refused before handing anything to the SMS provider",
        "resend.no": "no: an SMS may already be on its way; do not resend automatically",
        "resend.success": "no: the code was sent; sending again sends another SMS",
        "source": "Listed by", "source.page": "the endpoint's page",
        "source.platform": "the platform's wider code list",
        "scenario": "Sandbox scenario", "scenario.id": "scenario",
        "scenario.request": "request", "scenario.answer": "raw JSON answer (HTTP {status})",
        "scenario.assumption": "the sandbox's assumption, not stated by the platform",
        "snippets.title": "Signing and sending in six languages",
        "snippets.rule": "The rule (the endpoint's page): `signature = "
                         "HEX(SHA256(phone + codeType + random + ts + userDomainSecret))`: the "
                         "five values as text, joined in this order with no separator, SHA-256, "
                         "lowercase hex. `random` is 16 letters and digits, `ts` the time in "
                         "milliseconds (within 10 minutes of the server's). Every parameter goes "
                         "in the query string of a `POST` with an empty body.",
        "snippets.intro": "The reference implementations in `smskit/data/snippets/`, standard "
                          "library only; `tests/test_snippets.py` runs each with its real "
                          "toolchain against the sandbox. Each reads `SMSKIT_BASE_URL`, "
                          "`SMSKIT_USER_DOMAIN` and `SMSKIT_USER_DOMAIN_SECRET` from the "
                          "environment. `smskit snippet --lang LANG` prints one.",
        "snippets.run": "Send one code", "snippets.uses": "Uses",
        "cli.title": "The sandbox for your own backend (command line)",
        "cli.intro": "`smskit sandbox` (or `./kit sandbox`) runs the sandbox platform on "
                     "this machine until Ctrl-C. Point your backend's base URL at it instead "
                     "of the platform's host; the path stays the same. Below is what it "
                     "printed when this site was built: the real command, started with "
                     "`--port 0`, shown with the default port {port} and the clone's folder "
                     "as `{clone}`.",
        "cli.start": "Start it", "cli.banner": "What it prints on start-up",
        "cli.port": "The port: {port} by default (`--port N`; `--port 0` picks a free one). "
                    "It listens on 127.0.0.1 only; `--host 0.0.0.0` for a backend in a "
                    "container or on another machine.",
        "cli.secret": "The secret: the demo domain `sandbox-demo` has a sandbox-only "
                      "`userDomainSecret`, never printed. It is in "
                      "`smskit/data/sandbox_domains.json`; the banner's `export` line puts it into "
                      "`SMSKIT_USER_DOMAIN_SECRET` without showing it.",
        "cli.requests": "Two requests from your backend",
        "cli.requests.intro": "Here the Python snippet "
                              "(`smskit/data/snippets/python/send_sms_code.py`) plays your "
                              "backend: first correctly signed, then signed with the "
                              "secret plus a trailing newline, a classic mistake.",
        "cli.log": "The request log",
        "cli.log.intro": "The sandbox prints one line per request as it arrives (`--quiet` turns "
                         "it off) and keeps them: `GET /_sandbox/requests` returns them as JSON. "
                         "The delivered code goes to standard error. On Ctrl-C:",
        "glossary.title": "Glossary: the platform's terms",
        "glossary.intro": "The platform's own Chinese terms, which every Chinese text of the kit "
                          "uses, with the API parameter each names (`smskit/data/glossary.json`).",
        "glossary.term": "term", "glossary.api": "parameter", "glossary.avoid": "not used",
        "lookup.code": "error code",
        "lookup.term": "glossary",
        "api.title": "The sandbox's HTTP API (OpenAPI)",
        "api.intro": "Every route of `smskit sandbox`: the platform's endpoint and the "
                     "sandbox-only routes under `/_sandbox/` a backend's test suite drives. "
                     "This page is made from the OpenAPI 3.1 document a real sandbox served at "
                     "`GET /_sandbox/openapi.json` when this site was built; the document itself, "
                     "byte for byte, is {file} (for an OpenAPI viewer or a client generator). "
                     "Guide: [the sandbox as your backend's test double]"
                     "(../docs/sandbox-for-your-backend.md).",
        "api.routes": "Routes", "api.col.route": "route", "api.col.what": "what it does",
        "api.classroom": "classroom mode only",
        "api.query": "Query parameters", "api.col.name": "name", "api.col.required": "required",
        "api.col.about": "what it is", "api.yes": "yes", "api.no": "no",
        "api.body": "Request body (JSON)", "api.body.optional": "Request body (JSON, optional)",
        "api.answers": "Answers", "api.col.status": "HTTP status", "api.col.schema": "schema",
        "api.schemas": "Schemas",
        "api.schemas.intro": "The JSON shapes the answers and request bodies take, as the "
                             "document states them (`x-description-zh` holds each description's "
                             "Chinese edition).",
    },
    "zh": {
        "codes.title": "错误码：含义与处理办法",
        "codes.intro": "本接口可能返回的全部错误码，来自本工具包的数据"
                       "（`smskit/data/error_codes.json`）。"
                       "每个错误码都有自己的锚点：`error-codes.html#5420` 即 5420。"
                       "平台消息原样照录；"
                       "英文是本工具包的译文。下面每条原始响应都是在构建本站时通过真实 HTTP "
                       "向沙箱重放得到的。",
        "codes.table": "全部错误码",
        "col.code": "错误码", "col.msg": "平台消息（原文）",
        "col.en": "英文", "col.category": "类别", "col.remedy": "处理办法",
        "msg": "平台消息（原文）", "en": "英文", "category": "类别",
        "cause": "原因", "remedy": "处理办法", "next": "下一步",
        "resend": "处理后重新发送是否安全",
        "resend.yes": "安全：平台在交给短信服务商之前就已拒绝",
        "resend.no": "不安全：短信可能已经发出；不要自动重发",
        "resend.success": "不适用：验证码已发送；再发会再发一条短信",
        "source": "出处", "source.page": "本接口的文档页",
        "source.platform": "平台更完整的错误码列表",
        "scenario": "沙箱场景", "scenario.id": "场景",
        "scenario.request": "请求", "scenario.answer": "原始 JSON 响应（HTTP {status}）",
        "scenario.assumption": "沙箱的假设，平台未说明",
        "snippets.title": "六种语言的签名与发送",
        "snippets.rule": "规则（本接口的文档页）：`signature = "
                         "HEX(SHA256(phone + codeType + random + ts + userDomainSecret))`："
                         "五个值按文本、按此顺序无分隔符拼接，计算 SHA-256，写成小写十六进制。"
                         "`random`（随机数）是 16 个字母和数字，`ts` 是毫秒时间戳（与服务器时间相差"
                         "不超过 10 分钟）。所有参数都放在 `POST` 请求的查询字符串中，请求体为空。",
        "snippets.intro": "`smskit/data/snippets/` 中的参考实现，只用标准库；"
                          "`tests/test_snippets.py` "
                          "用各自真实的工具链对沙箱运行每一个。每个都从环境变量读取 "
                          "`SMSKIT_BASE_URL`、`SMSKIT_USER_DOMAIN` 和 "
                          "`SMSKIT_USER_DOMAIN_SECRET`。"
                          "`smskit snippet --lang LANG` 可打印其中之一。",
        "snippets.run": "发送一条验证码", "snippets.uses": "用到",
        "cli.title": "为自己的后端运行沙箱（命令行）",
        "cli.intro": "`smskit sandbox`（或 `./kit sandbox`）在本机运行沙箱平台，直到按 Ctrl-C。"
                     "把后端的基础 URL 从平台的主机换成它即可，路径不变。下面是构建本站时它的"
                     "真实输出：以 `--port 0` 启动，显示为默认端口 {port}，克隆目录显示为 "
                     "`{clone}`。",
        "cli.start": "启动", "cli.banner": "启动时的输出",
        "cli.port": "端口：默认 {port}（`--port N`；`--port 0` 自动选空闲端口）。只监听 "
                    "127.0.0.1；后端在容器或另一台机器上时用 `--host 0.0.0.0`。",
        "cli.secret": "密钥：演示用户域 `sandbox-demo` 有一个仅用于沙箱的 `userDomainSecret`，"
                      "从不打印。它在 `smskit/data/sandbox_domains.json` 中；启动输出里的 `export` "
                      "一行把它放进 `SMSKIT_USER_DOMAIN_SECRET` 而不显示出来。",
        "cli.requests": "来自你的后端的两个请求",
        "cli.requests.intro": "这里由 Python 示例（`smskit/data/snippets/python/send_sms_code.py`）"
                              "扮演你的后端：先正确签名，再用末尾多了换行符的密钥签名（一个常见错误）。",
        "cli.log": "请求日志",
        "cli.log.intro": "沙箱在每个请求到达时打印一行（`--quiet` 关闭），并保存下来："
                         "`GET /_sandbox/requests` 以 JSON 返回。下发的验证码写到标准错误。"
                         "按 Ctrl-C 后：",
        "glossary.title": "术语表：平台的用语",
        "glossary.intro": "平台自己的中文术语，本工具包所有中文文字都使用它们，并注明各自对应的 "
                          "API 参数（`smskit/data/glossary.json`）。",
        "glossary.term": "术语", "glossary.api": "参数", "glossary.avoid": "不使用",
        "lookup.code": "错误码",
        "lookup.term": "术语表",
        "api.title": "沙箱的 HTTP API（OpenAPI）",
        "api.intro": "`smskit sandbox` 的每个路由：平台的接口，以及后端测试套件驱动的 `/_sandbox/` "
                     "下仅限沙箱的路由。本页由构建本站时真实沙箱在 `GET /_sandbox/openapi.json` "
                     "提供的 OpenAPI 3.1 文档生成；文档本身（逐字节相同）是 {file}（可用于 OpenAPI "
                     "查看器或客户端生成器）。指南：[把沙箱当作后端的测试替身]"
                     "(../docs/zh/sandbox-for-your-backend.md)。",
        "api.routes": "路由", "api.col.route": "路由", "api.col.what": "作用",
        "api.classroom": "仅课堂模式",
        "api.query": "查询参数", "api.col.name": "名称", "api.col.required": "必填",
        "api.col.about": "说明", "api.yes": "是", "api.no": "否",
        "api.body": "请求体（JSON）", "api.body.optional": "请求体（JSON，可选）",
        "api.answers": "响应", "api.col.status": "HTTP 状态码", "api.col.schema": "结构",
        "api.schemas": "数据结构",
        "api.schemas.intro": "响应和请求体的 JSON 结构，与文档中的写法一致（`x-description-zh` "
                             "是每条说明的中文版）。",
    },
}


def text(lang: str, key: str, **values: object) -> str:
    """The site's own text ``key`` in ``lang`` (``"en"`` or ``"zh"``)."""
    return TEXT[lang][key].format(**values) if values else TEXT[lang][key]


def data(name: str) -> Any:
    from smskit._data import load_json
    return load_json(name)


def data_folder() -> Path:
    from smskit._data import data_dir
    return data_dir()


def cell(value: str) -> str:
    """``value`` safe inside a Markdown table cell."""
    return value.replace("|", "\\|").replace("\n", " ")


# -- error codes -----------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One scenario replayed against the sandbox: the HTTP status and the raw JSON body."""

    scenario: str
    status: int
    body: str


def replayed_answers(lang: str) -> dict[str, Answer]:
    """Every scenario of ``smskit/data/scenarios.json`` sent to a real sandbox (in ``lang``) over
    HTTP; its raw answer by scenario id."""
    import requests

    from smskit.sandbox import Sandbox, load_scenarios, replay

    answers: dict[str, Answer] = {}
    session = requests.Session()
    last: list[requests.Response] = []
    session.hooks["response"].append(lambda response, *_a, **_k: last.append(response))
    with Sandbox(lang=lang) as sandbox:
        for item in load_scenarios():
            replay(item, sandbox, session=session)
            body = json.loads(last[-1].content)
            answers[item.id] = Answer(item.id, last[-1].status_code,
                                      json.dumps(body, ensure_ascii=False, indent=2))
    session.close()
    return answers


def error_codes_page(lang: str, answers: dict[str, Answer]) -> str:
    """The edition's error-code reference: a summary table, then one anchored part per code."""
    raw = data("error_codes.json")
    scenarios = data("scenarios.json")["scenarios"]
    zh = lang == "zh"
    rows = [f"| {text(lang, 'col.code')} | {text(lang, 'col.msg')} | {text(lang, 'col.en')} | "
            f"{text(lang, 'col.category')} | {text(lang, 'col.remedy')} |",
            "|---|---|---|---|---|"]
    for entry in raw["codes"]:
        category = raw["categories"][entry["category"]]
        rows.append(f'| <a href="#{entry["code"]}">{entry["code"]}</a> | {cell(entry["zh"])} | '
                    f"{cell(entry['en'])} | {cell(category['zh' if zh else 'en'])} | "
                    f"{cell(entry['remedy'][lang])} |")
    parts = [f"# {text(lang, 'codes.title')}\n", text(lang, "codes.intro") + "\n",
             f"## {text(lang, 'codes.table')}\n", "\n".join(rows) + "\n"]
    for entry in raw["codes"]:
        parts.append(code_section(lang, entry, raw["categories"][entry["category"]],
                                  [s for s in scenarios if s["code"] == entry["code"]], answers))
    return "\n".join(parts)


def code_section(lang: str, entry: dict[str, Any], category: dict[str, Any],
                 scenarios: list[dict[str, Any]], answers: dict[str, Answer]) -> str:
    """One code's part of the page, under an anchor named by the code alone."""
    zh = lang == "zh"
    code = entry["code"]
    if code == 200:
        resend = text(lang, "resend.success")
    else:
        resend = text(lang, "resend.yes" if entry["retry_safe"] else "resend.no")
    remedy = entry["remedy"][lang]
    lines = [f'<span id="{code}"></span>\n', f"## {code} {entry['zh']}\n",
             f"- **{text(lang, 'msg')}:** {entry['zh']}",
             f"- **{text(lang, 'en')}:** {entry['en']}",
             f"- **{text(lang, 'category')}:** {category['zh' if zh else 'en']}",
             f"- **{text(lang, 'cause')}:** {entry['cause'][lang]}",
             f'- **{text(lang, "remedy")}:** <span class="smskit-remedy" data-code="{code}">'
             f"{remedy}</span>",
             f"- **{text(lang, 'next')}:** {category['next_step'][lang]}",
             f"- **{text(lang, 'resend')}:** {resend}",
             f"- **{text(lang, 'source')}:** {text(lang, 'source.' + entry['source'])}", ""]
    for scenario in scenarios:
        answer = answers[scenario["id"]]
        title = scenario.get("title_zh", scenario["title"]) if zh else scenario["title"]
        assumption = f" ({text(lang, 'scenario.assumption')})" if scenario["assumption"] else ""
        lines += [f"**{text(lang, 'scenario')}** `{scenario['id']}`: {title}{assumption}. "
                  f"{scenario.get('note_zh', scenario['note']) if zh else scenario['note']}\n",
                  f"{text(lang, 'scenario.answer', status=answer.status)}:\n",
                  f"```json\n{answer.body}\n```\n"]
    return "\n".join(lines)


# -- snippets ----------------------------------------------------------------------------


def snippets_page(lang: str) -> str:
    """The six snippets as language tabs (sphinx-inline-tabs), each with how to run it."""
    index = json.loads((data_folder() / "snippets" / "index.json").read_text(encoding="utf-8"))
    lexers = {"java": "java", "go": "go", "node": "javascript", "shell": "bash",
              "python": "python", "php": "php"}
    parts = [f"# {text(lang, 'snippets.title')}\n", text(lang, "snippets.rule") + "\n",
             text(lang, "snippets.intro") + "\n"]
    for row in index["snippets"]:
        source = (data_folder() / "snippets" / row["file"]).read_text(encoding="utf-8")
        fence = "`" * max(4, 1 + max((len(m) for m in re.findall(r"`+", source)), default=0))
        command = " ".join(row["command"])
        outer = fence + "`"
        parts.append(
            f"{outer}{{tab}} {row['title']}\n"
            f"{text(lang, 'snippets.uses')}: {row['uses'][lang]}.\n\n"
            f"`smskit/data/snippets/{row['file']}`; {text(lang, 'snippets.run')}: "
            f"`{command} send 13800138000 3`\n\n"
            f"{fence}{lexers.get(row['language'], 'text')}\n{source.rstrip()}\n{fence}\n"
            f"{outer}\n")
    return "\n".join(parts)


# -- the sandbox from the command line -----------------------------------------------------


@dataclass(frozen=True)
class Transcript:
    """What ``smskit sandbox`` printed: its banner, two requests, and its stop."""

    command: str
    banner: str
    sends: tuple[tuple[str, str], ...]  # (the snippet's command line, what it printed)
    log: str


def sandbox_transcript(lang: str, timeout: float = 30.0) -> Transcript:
    """Run the real ``smskit sandbox --port 0 --lang LANG``, send it one correct and one
    wrongly signed request with the Python snippet, stop it with Ctrl-C (SIGINT), and return
    what it printed, with the port shown as the default one and the clone as :data:`CLONE`."""
    from smskit.sandbox import secret_for

    env = {**os.environ, "PYTHONUNBUFFERED": "1", "SMSKIT_LANG": lang}
    command = [sys.executable, "-m", "smskit", "sandbox", "--port", "0", "--lang", lang]
    with tempfile.TemporaryFile("w+", encoding="utf-8") as stderr, subprocess.Popen(  # noqa: S603
            command, stdout=subprocess.PIPE, stderr=stderr, text=True,
            encoding="utf-8", env=env, cwd=ROOT) as server:
        lines: list[str] = []
        stdout = server.stdout
        assert stdout is not None  # noqa: S101 - stdout=PIPE
        reader = threading.Thread(target=lambda: lines.extend(iter(stdout.readline, "")),
                                  daemon=True)
        reader.start()
        try:
            base = _wait_for_url(lines, timeout)
            banner_lines = len(lines)
            snippet = data_folder() / "snippets" / "python" / "send_sms_code.py"
            secret = secret_for("sandbox-demo")
            sends = []
            for label, used in (("", secret), ("\\n", secret + "\n")):
                run_env = {**env, "SMSKIT_BASE_URL": base, "SMSKIT_USER_DOMAIN": "sandbox-demo",
                           "SMSKIT_USER_DOMAIN_SECRET": used}
                done = subprocess.run([sys.executable, str(snippet), "send", "13800138000", "3"],  # noqa: S603
                                      capture_output=True, text=True, env=run_env,
                                      timeout=timeout, check=False)
                shown = (done.stdout + done.stderr).replace(used, "…").strip()
                sends.append((label, shown))
            deadline = time.monotonic() + timeout
            while len(lines) < banner_lines + 2 and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        reader.join(timeout)
    port = re.search(r":(\d+)", base)[1]  # type: ignore[index]
    out = "".join(lines)

    def shown(value: str) -> str:
        return value.replace(f":{port}", f":{DEFAULT_PORT}").replace(str(ROOT), CLONE) \
            .replace(sys.executable, f"{CLONE}/.venv/bin/python")

    banner, log = out.splitlines(keepends=True)[:banner_lines], out.splitlines(
        keepends=True)[banner_lines:]
    sends_shown = tuple(
        (f"SMSKIT_USER_DOMAIN_SECRET=\"$SECRET{label}\" python3 send_sms_code.py send "
         "13800138000 3", shown(printed)) for label, printed in sends)
    return Transcript("smskit sandbox", shown("".join(banner)).rstrip(), sends_shown,
                      shown("".join(log)).rstrip())


def _wait_for_url(lines: list[str], timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in lines:
            found = re.search(r"http://127\.0\.0\.1:\d+", line)
            if found and any("_sandbox/requests" in later for later in lines):
                return found[0]
        time.sleep(0.05)
    raise RuntimeError("smskit sandbox printed no address in time:\n" + "".join(lines))


def sandbox_page(lang: str, transcript: Transcript) -> str:
    """The command-line sandbox page from a real transcript."""
    sends = "\n\n".join(f"```console\n$ {command}\n{printed}\n```" for command, printed in
                        transcript.sends)
    zh_flag = " --lang zh" if lang == "zh" else ""
    return "\n".join([
        f"# {text(lang, 'cli.title')}\n",
        text(lang, "cli.intro", port=DEFAULT_PORT, clone=CLONE) + "\n",
        f"## {text(lang, 'cli.start')}\n",
        f"```console\n$ ./kit sandbox{zh_flag}      # or: .venv/bin/smskit sandbox{zh_flag}\n```\n",
        f"## {text(lang, 'cli.banner')}\n",
        f"```text\n{transcript.banner}\n```\n",
        "- " + text(lang, "cli.port", port=DEFAULT_PORT),
        "- " + text(lang, "cli.secret") + "\n",
        f"## {text(lang, 'cli.requests')}\n",
        text(lang, "cli.requests.intro") + "\n",
        sends + "\n",
        f"## {text(lang, 'cli.log')}\n",
        text(lang, "cli.log.intro") + "\n",
        f"```text\n{transcript.log}\n```\n"])


# -- the sandbox's HTTP API ----------------------------------------------------------------


@functools.cache
def served_openapi() -> bytes:
    """The OpenAPI document exactly as a real sandbox serves it at ``/_sandbox/openapi.json``."""
    import requests

    from smskit.sandbox import Sandbox

    with Sandbox() as sandbox:
        answer = requests.get(sandbox.base_url + "/_sandbox/openapi.json", timeout=30)
    answer.raise_for_status()
    return answer.content


def said(lang: str, node: dict[str, Any], key: str) -> str:
    """A summary or description of the document in ``lang`` (its Chinese: ``x-KEY-zh``)."""
    text_: str = node[f"x-{key}-zh"] if lang == "zh" else node[key]
    return text_


def operation_anchor(operation: dict[str, Any]) -> str:
    """The operation's anchor on the page: ``op-`` and its operationId, lowercase as Sphinx
    writes ids (``#op-moveclock``)."""
    return "op-" + operation["operationId"].lower()


def schema_name(schema: dict[str, Any]) -> str:
    """A ``$ref`` schema's name linked to its part of the page, else the schema as JSON
    (an answer's shape written in place)."""
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        name = ref.rsplit("/", 1)[1]
        return f'<a href="#schema-{name.lower()}"><code>{name}</code></a>'
    return f"`{json.dumps(schema, ensure_ascii=False)}`"


def operation_part(lang: str, method: str, path: str, operation: dict[str, Any]) -> str:
    """One operation: what it does, its query parameters, its body and its answers."""
    parts = [f"({operation_anchor(operation)})=\n### `{method.upper()} {path}`\n",
             said(lang, operation, "summary") + "\n"]
    if operation.get("x-classroom"):
        parts.append(f"*{text(lang, 'api.classroom')}*\n")
    if "description" in operation:
        parts.append(said(lang, operation, "description") + "\n")
    if operation.get("parameters"):
        rows = [f"| {text(lang, 'api.col.name')} | {text(lang, 'api.col.required')} | "
                f"{text(lang, 'api.col.about')} |", "|---|---|---|"]
        rows += [f"| `{item['name']}` | "
                 f"{text(lang, 'api.yes' if item.get('required') else 'api.no')} | "
                 f"{cell(said(lang, item, 'description'))} |" for item in operation["parameters"]]
        parts += [f"**{text(lang, 'api.query')}**\n", "\n".join(rows) + "\n"]
    body = operation.get("requestBody")
    if body:
        schema = body["content"]["application/json"]["schema"]
        title = text(lang, "api.body" if body.get("required") else "api.body.optional")
        parts.append(f"**{title}**: {schema_name(schema)}\n")
    rows = [f"| {text(lang, 'api.col.status')} | {text(lang, 'api.col.about')} | "
            f"{text(lang, 'api.col.schema')} |", "|---|---|---|"]
    for status, answer in operation["responses"].items():
        shapes = [schema_name(media["schema"]) if kind == "application/json" else f"`{kind}`"
                  for kind, media in answer.get("content", {}).items()]
        rows.append(f"| {status} | {cell(said(lang, answer, 'description'))} | "
                    f"{cell(', '.join(shapes))} |")
    parts += [f"**{text(lang, 'api.answers')}**\n", "\n".join(rows) + "\n"]
    return "\n".join(parts)


def api_page(lang: str, document: bytes) -> str:
    """The sandbox's HTTP API from its OpenAPI document: a table of routes, one part per
    operation, then every schema as the document states it."""
    contract = json.loads(document)
    operations = [(method, path, operation) for path, item in contract["paths"].items()
                  for method, operation in item.items()]
    link = f'<a href="{posixpath.basename(OPENAPI_FILE)}"><code>{OPENAPI_FILE}</code></a>'
    rows = [f"| {text(lang, 'api.col.route')} | {text(lang, 'api.col.what')} |", "|---|---|"]
    rows += [f'| <a href="#{operation_anchor(operation)}"><code>{method.upper()} {path}</code></a> '
             f"| {cell(said(lang, operation, 'summary'))} |"
             for method, path, operation in operations]
    schemas = [f"(schema-{name.lower()})=\n### `{name}`\n\n```json\n"
               f"{json.dumps(schema, ensure_ascii=False, indent=1)}\n```\n"
               for name, schema in contract["components"]["schemas"].items()]
    return "\n".join([
        f"# {text(lang, 'api.title')}\n",
        text(lang, "api.intro", file=link) + "\n",
        ("" if lang == "zh" else " ").join(said(lang, contract["info"], key)
                                           for key in ("summary", "description")) + "\n",
        f"## {text(lang, 'api.routes')}\n", "\n".join(rows) + "\n",
        *(operation_part(lang, method, path, operation)
          for method, path, operation in operations),
        f"## {text(lang, 'api.schemas')}\n", text(lang, "api.schemas.intro") + "\n",
        *schemas])


# -- glossary and the lookup ---------------------------------------------------------------


def term_anchor(term: dict[str, Any]) -> str:
    return "term-" + re.sub(r"[^a-z0-9]+", "-", term["en"].lower()).strip("-")


def glossary_page(lang: str) -> str:
    terms = data("glossary.json")["terms"]
    rows = [f"| {text(lang, 'glossary.term')} | English | {text(lang, 'glossary.api')} | "
            f"{text(lang, 'glossary.avoid')} |", "|---|---|---|---|"]
    for term in terms:
        api = f"`{term['api']}`" if term.get("api") else ""
        rows.append(f'| <span id="{term_anchor(term)}"></span>{term["zh"]} | {term["en"]} | '
                    f"{api} | {cell('、'.join(term.get('avoid', [])))} |")
    return "\n".join([f"# {text(lang, 'glossary.title')}\n", text(lang, "glossary.intro") + "\n",
                      "\n".join(rows) + "\n"])


def lookup_entries(lang: str) -> list[dict[str, str]]:
    """What the site's lookup finds, each with its page-relative target: every code (by its
    number and both messages) and every glossary term (both languages and its parameter)."""
    zh = lang == "zh"
    categories = data("error_codes.json")["categories"]
    entries = [{"keys": " ".join([str(entry["code"]), entry["zh"], entry["en"],
                                  entry["cause"]["en"], entry["cause"]["zh"],
                                  entry["remedy"]["en"], entry["remedy"]["zh"],
                                  categories[entry["category"]]["en"],
                                  categories[entry["category"]]["zh"]]),
                "label": f"{entry['code']} {entry['zh']}"
                         + ("" if zh else f" ({entry['en']})"),
                "kind": text(lang, "lookup.code"),
                "target": f"{CODES_PAGE}.html#{entry['code']}"}
               for entry in data("error_codes.json")["codes"]]
    entries += [{"keys": f"{term['zh']} {term['en']} {term.get('api', '')}",
                 "label": f"{term['zh']} · {term['en']}"
                          + (f" (`{term['api']}`)" if term.get("api") else ""),
                 "kind": text(lang, "lookup.term"),
                 "target": f"{GLOSSARY_PAGE}.html#{term_anchor(term)}"}
                for term in data("glossary.json")["terms"]]
    return entries


def write_pages(source: Path, lang: str) -> list[str]:
    """Write the edition's generated pages under ``source``; returns their docnames."""
    (source / FOLDER).mkdir(parents=True, exist_ok=True)
    pages = {CODES_PAGE: error_codes_page(lang, replayed_answers(lang)),
             SNIPPETS_PAGE: snippets_page(lang),
             SANDBOX_PAGE: sandbox_page(lang, sandbox_transcript(lang)),
             GLOSSARY_PAGE: glossary_page(lang),
             API_PAGE: api_page(lang, served_openapi())}
    for name, page in pages.items():
        (source / f"{name}.md").write_text(page, encoding="utf-8")
    return list(pages)


def write_files(source: Path) -> None:
    """Write the files the site publishes as they are (:data:`PUBLISHED_FILES`) under ``source``."""
    (source / FOLDER).mkdir(parents=True, exist_ok=True)
    (source / OPENAPI_FILE).write_bytes(served_openapi())
