"""Mutation testing: would the fast tests notice if one of the kit's promises broke?

A small AST mutator (``./kit mutate [MODULE ...] [--sample N]``). For each module listed in
``tests/mutation/modules.json`` it makes one mutant per small change of the source (a
comparison's boundary or sense, ``and``/``or``, a dropped ``not``, an arithmetic operator, a
constant, a branch never taken, a keyword argument replaced by ``None``, ``break``/``continue``)
and runs that module's own fast tests against it. A mutant is *killed* when a test fails (or
the run exceeds its time limit), else it *survived*. Mutants listed in
``tests/mutation/equivalents.json`` (reviewed: no behaviour can tell them from the original,
each with a one-line reason) count as killed.

Each mutant runs in a process forked from one that has already imported the module and its
tests, with the mutation patched into the live objects: a function's code object is replaced
(every reference to the function sees it), a module constant is re-bound in the module
(functions that read it see it; tests that imported it keep the original, as they should).
Mutations of default arguments, decorators, class bodies and other import-time code are not
made. The results are saved in ``tests/mutation/results.json`` (dated), which ``./kit bench``
reports without re-running anything.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import datetime as dt
import importlib
import importlib.util
import io
import json
import os
import re
import signal
import sys
import time
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
MODULES = HERE / "modules.json"
EQUIVALENTS = HERE / "equivalents.json"
RESULTS = HERE / "results.json"

_COMPARE_SWAPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In,
    ast.Is: ast.IsNot, ast.IsNot: ast.Is,
}
_BINOP_SWAPS: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div, ast.Pow: ast.Mult, ast.Mod: ast.FloorDiv,
    ast.BitOr: ast.BitAnd, ast.BitAnd: ast.BitOr,
}


@dataclass(frozen=True)
class Mutant:
    """One change of one module: where it applies and how it reads."""

    key: str          # stable identity: "module | scope | before -> after | #n"
    line: int
    scope: str        # the top-level function or method's qualname, or "<module>.NAME"
    path: tuple[int, ...]  # index of the mutated node in the module's ast.walk order
    variant: int      # which of the node's mutations


def _walk(tree: ast.AST) -> list[ast.AST]:
    return list(ast.walk(tree))


def _skipped(tree: ast.Module) -> set[int]:
    """ids of nodes no mutation may touch: docstrings, annotations, decorators, defaults."""
    skip: set[int] = set()

    def drop(node: ast.AST | None) -> None:
        if node is not None:
            skip.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) \
                and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant):
            drop(body[0])
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            drop(node.args)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            for decorator in node.decorator_list:
                drop(decorator)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            drop(node.returns)
        if isinstance(node, ast.AnnAssign):
            drop(node.annotation)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            drop(node)  # attribute docstrings (#: comments are not in the AST)
        if isinstance(node, ast.FormattedValue):
            drop(node.format_spec)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in {"TypeVar", "cast"}:
            drop(node)
    return skip


def _scopes(tree: ast.Module) -> dict[int, str]:
    """id of every mutable node -> the scope whose live object the mutation is patched into."""
    scopes: dict[int, str] = {}
    for statement in tree.body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(statement):
                scopes[id(node)] = statement.name
        elif isinstance(statement, ast.ClassDef):
            for item in statement.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    for node in ast.walk(item):
                        scopes[id(node)] = f"{statement.name}.{item.name}"
        elif isinstance(statement, ast.Assign | ast.AnnAssign) and statement.value is not None:
            targets = statement.targets if isinstance(statement, ast.Assign) \
                else [statement.target]
            if len(targets) == 1 and isinstance(targets[0], ast.Name):
                for node in ast.walk(statement.value):
                    scopes[id(node)] = f"<module>.{targets[0].id}"
    return scopes


def _variants(node: ast.AST, parent: ast.AST | None) -> list[tuple[ast.AST, str]]:
    """The mutated copies of ``node`` (each replacing it), with how each reads. Copies are
    shallow: they share the original's children, which are never changed."""
    out: list[tuple[ast.AST, None]] = []
    if isinstance(node, ast.Compare):
        for index, op in enumerate(node.ops):
            if type(op) in _COMPARE_SWAPS:
                ops = list(node.ops)
                ops[index] = _COMPARE_SWAPS[type(op)]()
                out.append((ast.Compare(node.left, ops, node.comparators), None))
    elif isinstance(node, ast.BoolOp):
        op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        out.append((ast.BoolOp(op, node.values), None))
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        out.append((node.operand, None))
    elif isinstance(node, ast.BinOp) and type(node.op) in _BINOP_SWAPS:
        out.append((ast.BinOp(node.left, _BINOP_SWAPS[type(node.op)](), node.right), None))
    elif isinstance(node, ast.AugAssign) and type(node.op) in (ast.Add, ast.Sub):
        op = ast.Sub() if isinstance(node.op, ast.Add) else ast.Add()
        out.append((ast.AugAssign(node.target, op, node.value), None))
    elif isinstance(node, ast.Constant):
        return _constant_variants(node)
    elif isinstance(node, ast.If | ast.While):
        kind = ast.If if isinstance(node, ast.If) else ast.While
        text = f"{kind.__name__.lower()} False: # was {ast.unparse(node.test)}"
        return [(kind(ast.Constant(False), node.body, node.orelse), text)]
    elif isinstance(node, ast.IfExp):
        for value in (True, False):
            out.append((ast.IfExp(ast.Constant(value), node.body, node.orelse), None))
    elif isinstance(node, ast.keyword) and node.arg \
            and isinstance(node.value, ast.Name | ast.Attribute):
        out.append((ast.keyword(node.arg, ast.Constant(None)), None))
    elif isinstance(node, ast.Break):
        return [(ast.Continue(), "continue")]
    elif isinstance(node, ast.Continue):
        return [(ast.Break(), "break")]
    return [(new, ast.unparse(new)) for new, _ in out]


def _constant_variants(node: ast.Constant) -> list[tuple[ast.AST, str]]:
    value = node.value
    if isinstance(value, bool):
        replacement: Any = not value
    elif isinstance(value, int | float):
        replacement = value + 1
    elif isinstance(value, str):
        replacement = f"XX{value}XX"
    elif isinstance(value, bytes):
        replacement = b"XX" + value + b"XX"
    else:
        return []
    new = ast.Constant(replacement)
    return [(new, repr(replacement))]


def _parents(tree: ast.AST) -> dict[int, ast.AST]:
    return {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def mutants(module_name: str) -> list[Mutant]:
    """Every mutant of the module, in source order, each with a stable key."""
    source = Path(_file(module_name)).read_text(encoding="utf-8")
    tree = ast.parse(source)
    skip, scopes, parents = _skipped(tree), _scopes(tree), _parents(tree)
    lines = [line.encode("utf-8") for line in _LINE.findall(source)]
    found: list[Mutant] = []
    seen: dict[str, int] = {}
    short = module_name.rsplit(".", 1)[-1]
    for index, node in enumerate(_walk(tree)):
        if id(node) in skip or id(node) not in scopes:
            continue
        if isinstance(node, ast.If | ast.While):
            before = f"{'if' if isinstance(node, ast.If) else 'while'} {ast.unparse(node.test)}:"
        else:
            try:
                before = _source_segment(lines, node) or ast.unparse(node)
            except Exception:
                before = ast.unparse(node)
        for variant, (_, after) in enumerate(_variants(node, parents.get(id(node)))):
            text = f"{short} | {scopes[id(node)]} | {_one_line(before)} -> {_one_line(after)}"
            seen[text] = seen.get(text, 0) + 1
            found.append(Mutant(f"{text} | #{seen[text]}", getattr(node, "lineno", 0),
                                scopes[id(node)], (index,), variant))
    found.sort(key=lambda m: (m.line, m.path, m.variant))
    return found


#: A line as the parser splits them (``\\r\\n``, ``\\r`` or ``\\n``; not form feeds), as
#: ``ast.get_source_segment`` does, which re-splits the whole source on every call.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|[\r\n])|[^\r\n]+\Z")


def _source_segment(lines: list[bytes], node: ast.AST) -> str | None:
    """``ast.get_source_segment`` over lines split once (UTF-8, as column offsets count)."""
    end_lineno = getattr(node, "end_lineno", None)
    end_col = getattr(node, "end_col_offset", None)
    if end_lineno is None or end_col is None:
        return None
    first, last, col = node.lineno - 1, end_lineno - 1, node.col_offset  # type: ignore[attr-defined]
    if first == last:
        return lines[first][col:end_col].decode("utf-8")
    middle = b"".join(lines[first + 1:last])
    return (lines[first][col:] + middle + lines[last][:end_col]).decode("utf-8")


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 90 else text[:87] + "..."


def _file(module_name: str) -> str:
    spec = importlib.util.find_spec(module_name)
    assert spec is not None and spec.origin is not None, module_name
    return spec.origin


def _mutated_tree(module_name: str, mutant: Mutant) -> ast.Module:
    source = Path(_file(module_name)).read_text(encoding="utf-8")
    tree = ast.parse(source)
    nodes = _walk(tree)
    target = nodes[mutant.path[0]]
    parents = _parents(tree)
    replacement = _variants(target, parents.get(id(target)))[mutant.variant][0]
    ast.copy_location(replacement, target)
    parent = parents[id(target)]
    for field, value in ast.iter_fields(parent):
        if value is target:
            setattr(parent, field, replacement)
        elif isinstance(value, list):
            for position, item in enumerate(value):
                if item is target:
                    value[position] = replacement
    ast.fix_missing_locations(tree)
    return tree


def apply(module_name: str, mutant: Mutant) -> None:
    """Patch the mutant into the live module (called in the forked child)."""
    module = sys.modules[module_name]
    tree = _mutated_tree(module_name, mutant)
    if mutant.scope.startswith("<module>."):
        name = mutant.scope.split(".", 1)[1]
        for statement in tree.body:
            targets = statement.targets if isinstance(statement, ast.Assign) else \
                [statement.target] if isinstance(statement, ast.AnnAssign) else []
            if len(targets) == 1 and isinstance(targets[0], ast.Name) \
                    and targets[0].id == name and statement.value is not None:
                expression = ast.Expression(statement.value)
                ast.fix_missing_locations(expression)
                value = eval(compile(expression, module.__file__ or "", "eval"),  # noqa: S307
                             module.__dict__)
                setattr(module, name, value)
                return
        raise LookupError(mutant.scope)
    code = compile(tree, module.__file__ or "", "exec")
    new_code = _find_code(code, mutant.scope)
    for function in _live_functions(module, mutant.scope):
        if function.__code__.co_firstlineno == new_code.co_firstlineno:
            function.__code__ = new_code
            cache_clear = getattr(function, "cache_clear", None)
            if cache_clear:
                cache_clear()
            return
    raise LookupError(mutant.scope)


def _find_code(code: types.CodeType, qualname: str) -> types.CodeType:
    pending = [code]
    while pending:
        current = pending.pop()
        if current.co_qualname == qualname:
            return current
        pending.extend(c for c in current.co_consts if isinstance(c, types.CodeType))
    raise LookupError(qualname)


def _live_functions(module: types.ModuleType, qualname: str) -> Iterator[types.FunctionType]:
    owner: Any = module
    parts = qualname.split(".")
    for part in parts[:-1]:
        owner = vars(owner)[part]
    raw = vars(owner)[parts[-1]]
    candidates = [raw]
    if isinstance(raw, property):
        candidates = [raw.fget, raw.fset, raw.fdel]
    elif isinstance(raw, staticmethod | classmethod):
        candidates = [raw.__func__]
    for candidate in candidates:
        while candidate is not None:
            if isinstance(candidate, types.FunctionType):
                yield candidate
            candidate = getattr(candidate, "__wrapped__", None) or getattr(
                candidate, "func", None)
            if candidate is not None and not callable(candidate):
                break


# --- running --------------------------------------------------------------------------------

def _pytest_args(tests: list[str]) -> list[str]:
    # smskit is imported before pytest starts here (to list the mutants), so pytest cannot
    # rewrite the asserts of smskit's own pytest plugin: expected, not an error.
    return ["-q", "-s", "-p", "no:cacheprovider", "-p", "no:nbval", "-o", "addopts=", "--no-header",
            "-W", "ignore::pytest.PytestAssertRewriteWarning", "--timeout=300", *tests]


class _Coverage:
    """A pytest plugin: which tests call each function of the module (its scope's name)."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.current: str | None = None
        self.calls: dict[str, set[str]] = {}
        self.durations: dict[str, float] = {}

    def _profile(self, frame: types.FrameType, event: str, _arg: object) -> None:
        if event == "call" and frame.f_code.co_filename == self.filename and self.current:
            qualname = frame.f_code.co_qualname.split(".<locals>", 1)[0]
            self.calls.setdefault(qualname, set()).add(self.current)

    def pytest_runtest_protocol(self, item: Any) -> None:
        import threading

        self.current = item.nodeid
        sys.setprofile(self._profile)
        threading.setprofile(self._profile)

    def pytest_runtest_logreport(self, report: Any) -> None:
        self.durations[report.nodeid] = self.durations.get(report.nodeid, 0) + report.duration

    def pytest_runtest_logfinish(self) -> None:
        self.current = None


class _Failures:
    """A pytest plugin: did any phase of any test fail?"""

    def __init__(self) -> None:
        self.failed = False

    def pytest_runtest_logreport(self, report: Any) -> None:
        if report.failed:
            self.failed = True


def _run_items(session: Any, items: list[Any], *, stop_at_first_failure: bool) -> bool:
    """Run ``items`` with pytest's own protocol in this process; True if any failed."""
    failures = _Failures()
    session.config.pluginmanager.register(failures)
    for index, item in enumerate(items):
        nextitem = items[index + 1] if index + 1 < len(items) else None
        item.config.hook.pytest_runtest_protocol(item=item, nextitem=nextitem)
        if failures.failed and stop_at_first_failure:
            break
    return failures.failed


def _in_child(work: Any) -> int:
    """Fork; the child runs ``work()`` (its result is the exit code) with its output
    discarded. Returns the child's pid."""
    pid = os.fork()
    if pid:
        return pid
    code = 3
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        code = int(work())
    except BaseException:  # a mutant that breaks even the set-up is killed
        code = 3
    finally:
        os._exit(code)


def _wait(pid: int, limit_s: float) -> tuple[int | None, float]:
    started = time.monotonic()
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status), time.monotonic() - started
        if time.monotonic() - started > limit_s:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return None, time.monotonic() - started
        time.sleep(0.01)


class _MutationLoop:
    """A pytest plugin replacing the test loop: the tests are collected once, then each
    mutant runs in a forked child against the tests that call the mutated function."""

    def __init__(self, module_name: str, chosen: list[Mutant], equivalents: dict[str, str],
                 echo: bool) -> None:
        self.module_name = module_name
        self.chosen = chosen
        self.equivalents = equivalents
        self.echo = echo
        self.record: dict[str, Any] = {}

    def pytest_runtestloop(self, session: Any) -> bool:
        import hypothesis

        # Repeatable draws and no example database: a mutant's failing example must not be
        # replayed against the next mutant.
        hypothesis.settings.register_profile(
            "mutation", database=None, derandomize=True, deadline=None,
            suppress_health_check=list(hypothesis.HealthCheck))
        hypothesis.settings.load_profile("mutation")
        importlib.import_module(self.module_name)
        items = list(session.items)
        by_id = {item.nodeid: item for item in items}
        started = time.monotonic()
        calls = self._coverage(session, items)
        baseline_s = time.monotonic() - started
        limit = max(20.0, baseline_s * 3 + 10)
        survivors: list[str] = []
        killed = equivalent = 0
        started = time.monotonic()
        for number, mutant in enumerate(self.chosen, 1):
            # Only the tests that call the mutated function, fastest first (all of them for
            # a module constant); a function no test calls survives without a run.
            ids = [item.nodeid for item in items] if mutant.scope.startswith("<module>.") \
                else calls.get(mutant.scope, [])
            selected = [by_id[i] for i in ids]
            code = 0
            if selected:
                code, _ = _wait(_in_child(lambda m=mutant, s=selected: self._run_mutant(
                    session, m, s)), limit)
            if code == 0 and mutant.key in self.equivalents:
                equivalent += 1
            elif code == 0:
                survivors.append(f"line {mutant.line}: {mutant.key}")
                if self.echo:
                    print(f"  survived  line {mutant.line}: {mutant.key}", flush=True,
                          file=sys.__stdout__)
            else:
                killed += 1
            if self.echo and number % 25 == 0:
                print(f"  {self.module_name}: {number}/{len(self.chosen)}", flush=True,
                      file=sys.__stdout__)
        chosen = len(self.chosen)
        self.record = {
            "mutants": chosen, "killed": killed, "equivalents": equivalent,
            "survived": len(survivors),
            "score_percent": round(100 * (killed + equivalent) / chosen, 1) if chosen else 100.0,
            "baseline_tests_s": round(baseline_s, 2),
            "run_s": round(time.monotonic() - started, 1), "survivors": survivors,
        }
        return True

    def _run_mutant(self, session: Any, mutant: Mutant, items: list[Any]) -> int:
        apply(self.module_name, mutant)
        return 1 if _run_items(session, items, stop_at_first_failure=True) else 0

    def _coverage(self, session: Any, items: list[Any]) -> dict[str, list[str]]:
        """scope -> the test ids that call it, measured once (unmutated) in a child."""
        out = HERE / f".coverage-{os.getpid()}.json"

        def measure() -> int:
            plugin = _Coverage(_file(self.module_name))
            session.config.pluginmanager.register(plugin)
            failed = _run_items(session, items, stop_at_first_failure=False)
            fastest_first = {  # a mutant's run ends at its first failing test
                scope: sorted(ids, key=lambda i: (plugin.durations.get(i, 0), i))
                for scope, ids in plugin.calls.items()}
            out.write_text(json.dumps(fastest_first))
            return 1 if failed else 0

        code, _ = _wait(_in_child(measure), 1800)
        if code != 0 or not out.exists():
            raise SystemExit(f"mutate: {self.module_name}'s tests fail without any mutant "
                             f"(exit {code}): run them with pytest to see why")
        calls: dict[str, list[str]] = json.loads(out.read_text())
        out.unlink()
        return calls


def run_module(module_name: str, tests: list[str], *, sample: int, equivalents: dict[str, str],
               echo: bool, scopes: list[str] | None = None) -> dict[str, Any]:
    """Run every (or every ``sample``-th) mutant of the module, or of only its ``scopes``
    (functions, methods); the module's result record."""
    import pytest

    all_mutants = [m for m in mutants(module_name) if scopes is None or m.scope in scopes]
    loop = _MutationLoop(module_name, all_mutants[::sample], equivalents, echo)
    with contextlib.redirect_stdout(io.StringIO()):
        pytest.main(_pytest_args(tests), plugins=[loop])
    if not loop.record:
        raise SystemExit(f"mutate: {module_name}: the tests could not be collected")
    return {
        "module": module_name, "tests": tests, "mutants_in_module": len(all_mutants),
        "sample_every": sample, **loop.record,
        "date_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def load_equivalents() -> dict[str, str]:
    """The reviewed equivalent mutants: key -> the one-line reason no test can tell."""
    entries = json.loads(EQUIVALENTS.read_text(encoding="utf-8"))
    return {entry["mutant"]: entry["reason"] for entry in entries}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="./kit mutate", description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="module names (default: all in modules.json)")
    parser.add_argument("--sample", type=int, default=1, help="run every N-th mutant only")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    args = parser.parse_args(argv)
    config: dict[str, dict[str, Any]] = json.loads(MODULES.read_text(encoding="utf-8"))
    names = args.modules or list(config)
    unknown = [name for name in names if name not in config]
    if unknown and not args.list:
        parser.error(f"not in {MODULES.relative_to(ROOT)}: {', '.join(unknown)}")
    if args.list:
        for name in names:
            for mutant in mutants(name):
                print(f"line {mutant.line}: {mutant.key}")
        return 0
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    equivalents = load_equivalents()
    for name in names:
        print(f"mutate: {name} with {' '.join(config[name]['tests'])}", flush=True)
        pid = os.fork()  # each module in its own process: a clean import state
        if pid == 0:
            record = run_module(name, config[name]["tests"], sample=args.sample,
                                equivalents=equivalents, echo=True,
                                scopes=config[name].get("scopes"))
            record["scopes"] = config[name].get("scopes")
            (HERE / f".result-{os.getpid()}.json").write_text(json.dumps(record))
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        part = HERE / f".result-{pid}.json"
        if os.waitstatus_to_exitcode(status) != 0 or not part.exists():
            print(f"mutate: {name} failed", file=sys.stderr)
            return 1
        record = json.loads(part.read_text())
        part.unlink()
        record["aim_percent"] = config[name]["aim"]
        # Re-read: another run (of other modules) may have saved its results meanwhile.
        results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
        results[name] = record
        RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n",
                           encoding="utf-8")
        print(f"mutate: {name}: {record['mutants']} mutants, {record['killed']} killed, "
              f"{record['equivalents']} equivalent, {record['survived']} survived: "
              f"{record['score_percent']}% (aim {record['aim_percent']}%)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
