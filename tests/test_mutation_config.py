"""The mutation set-up stays true to the code: every module and test file it names exists, and
every reviewed equivalent names a mutant the mutator still makes, with a reason."""

from __future__ import annotations

import ast
import functools
import json
from pathlib import Path

from tests.mutation.run import (
    _LINE,
    EQUIVALENTS,
    MODULES,
    ROOT,
    Mutant,
    _source_segment,
    load_equivalents,
)
from tests.mutation.run import mutants as make_mutants


@functools.cache
def mutants(module: str) -> list[Mutant]:
    return make_mutants(module)


def test_every_module_and_test_file_named_exists() -> None:
    config = json.loads(MODULES.read_text(encoding="utf-8"))
    assert {"smskit.signing", "smskit.validation", "smskit.fields", "smskit.request",
            "smskit.responses", "smskit.transport"} <= set(config)
    for module, entry in config.items():
        made = {m.scope for m in mutants(module)}
        assert made, module
        assert set(entry.get("scopes") or made) <= made, module  # each scope still exists
        assert entry["aim"] in (90, 95)
        for test_file in entry["tests"]:
            assert (ROOT / test_file).is_file(), test_file
            assert Path(test_file).name.startswith("test_")


def test_every_listed_equivalent_is_a_current_mutant_with_a_reason() -> None:
    equivalents = load_equivalents()
    assert equivalents, EQUIVALENTS
    config = json.loads(MODULES.read_text(encoding="utf-8"))
    current = {m.key for module in config for m in mutants(module)}
    stale = sorted(set(equivalents) - current)
    assert stale == [], "equivalents no longer made by the mutator: review and remove"
    for key, reason in equivalents.items():
        assert len(reason) > 20, key


def test_the_mutants_include_the_issues_examples() -> None:
    keys = {m.key for m in mutants("smskit.signing")} | {m.key for m in mutants(
        "smskit.responses")}
    assert 'signing | <module>.SECRET_MASK | "•" -> \'XX•XX\' | #1' in keys
    assert ("responses | error_for | abs(clock_skew_ms) > CLOCK_WINDOW_MS -> "
            "abs(clock_skew_ms) >= CLOCK_WINDOW_MS | #1") in keys
    assert ("responses | parse_envelope | 300 <= raw.status < 400 -> "
            "300 <= raw.status <= 400 | #1") in keys


def test_mutant_texts_quote_the_source_as_ast_does() -> None:
    """The mutator splits the source once (not per node, which took seconds a module); its
    quotes must stay those of ``ast.get_source_segment``, or every reviewed key would move."""
    source = ('x = ("é"\r\n     + "中文")\ny = 1 if a else 2\r'
              'def f(a):\n    return a < 3 and not a\n')
    tree = ast.parse(source)
    lines = [line.encode("utf-8") for line in _LINE.findall(source)]
    nodes = [node for node in ast.walk(tree) if hasattr(node, "end_lineno")]
    assert len(nodes) > 15
    for node in nodes:
        assert _source_segment(lines, node) == ast.get_source_segment(source, node)
