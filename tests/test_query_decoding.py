"""The one query-string decoder (smskit.request.decode_query) and its three readers: the
sandbox (strict: each name once, none empty), the doctor (repeats counted) and the E4 judge."""

from __future__ import annotations

import pytest

from smskit import InputError, i18n
from smskit.doctor.sent import parse_sent
from smskit.request import ENDPOINT_PATH, decode_query
from smskit.sandbox.wire import HttpProblem, parse_query

PAIRS = [("codeType", "3"), ("internationalCode", "86"), ("phone", "13800138000"),
         ("random", "76a6L647F02CAoN9"), ("signature", "a" * 64), ("ts", "1744773894369"),
         ("userDomain", "demo")]
QUERY = "&".join(f"{name}={value}" for name, value in PAIRS)


@pytest.mark.parametrize(("query", "pairs"), [
    ("", []),
    ("a=1", [("a", "1")]),
    ("a=1&&b=2&", [("a", "1"), ("b", "2")]),  # empty parts skipped
    ("a=1&a=2", [("a", "1"), ("a", "2")]),  # repeats kept, in order
    ("a", [("a", "")]), ("a=", [("a", "")]),  # blank values: with and without '='
    ("=x", [("", "x")]),  # an empty name is the caller's rule
    ("a=b=c", [("a", "b=c")]),  # only the first '=' separates
    ("a=x+y", [("a", "x y")]), ("a=x%2By", [("a", "x+y")]),  # '+' is a space, %2B a plus
    ("a=%E6%BC%94%e7%a4%ba", [("a", "演示")]),  # UTF-8, either case of hex
    ("a=100%25", [("a", "100%")]),
    ("a;b=1", [("a;b", "1")]),  # ';' separates nothing
    ("us%65rDomain=x", [("userDomain", "x")]),  # names are decoded too
])
def test_decode_query_reads_as_a_server_does(query: str, pairs: list[tuple[str, str]]) -> None:
    assert decode_query(query) == pairs


@pytest.mark.parametrize(("query", "field", "en"), [
    ("phone=%zz", "phone", "query parameter 'phone' has a broken percent-escape '%zz': '%' must "
     "be followed by two hex digits (send a literal '%' as %25)"),
    ("phone=100%", "phone", "query parameter 'phone' has a broken percent-escape '%': '%' must "
     "be followed by two hex digits (send a literal '%' as %25)"),
    ("phone=%4", "phone", "query parameter 'phone' has a broken percent-escape '%4': '%' must "
     "be followed by two hex digits (send a literal '%' as %25)"),
    ("phone=1%zz38", "phone", "query parameter 'phone' has a broken percent-escape '%zz': '%' "
     "must be followed by two hex digits (send a literal '%' as %25)"),
    ("phone=%C3%28", "phone", "query parameter 'phone' is not UTF-8 after percent-decoding "
     "(byte 0xc3 at position 0); percent-encode text as UTF-8"),
    ("us%e9rDomain=x", "query", "a query parameter name is not UTF-8 after percent-decoding "
     "(byte 0xe9 at position 2); percent-encode text as UTF-8"),
    ("other=%ff", "query", "query parameter 'other' is not UTF-8 after percent-decoding "
     "(byte 0xff at position 0); percent-encode text as UTF-8"),
])
def test_a_broken_escape_or_non_utf8_names_the_parameter(query: str, field: str,
                                                         en: str) -> None:
    with pytest.raises(InputError) as caught:
        decode_query(query)
    assert caught.value.fields == (field,)
    assert caught.value.problems[0].rule_in("en") == en


def test_the_chinese_problem_names_the_parameter_too() -> None:
    with pytest.raises(InputError) as caught:
        decode_query("phone=%zz")
    assert caught.value.problems[0].rule_in("zh") == (
        "查询参数 'phone'含有不完整的百分号转义 '%zz'：'%' 后面必须跟两位十六进制数字"
        "（字面的 '%' 请发送为 %25）")


@pytest.mark.parametrize(("length", "shown"), [(60, "n" * 60), (61, "n" * 60 + "...")])
def test_a_name_of_60_characters_is_quoted_whole_and_one_more_is_cut(length: int,
                                                                     shown: str) -> None:
    with pytest.raises(InputError) as caught:
        decode_query("n" * length + "=%zz")
    assert caught.value.problems[0].rule_in("en").startswith(
        f"query parameter '{shown}' has a broken")


def test_a_hostile_name_is_quoted_back_cut_at_60_characters() -> None:
    name = "n" * 100_000
    with pytest.raises(InputError) as caught:
        decode_query(f"{name}=%zz")
    rule = caught.value.problems[0].rule_in("en")
    assert rule.startswith("query parameter '" + "n" * 60 + "...' has a broken")
    assert len(rule) < 250


def test_many_pairs_decode_in_one_pass() -> None:
    assert len(decode_query("a=%41&" * 50_000)) == 50_000


# -- the sandbox: each name present and sent once ----------------------------------------------

def test_the_sandbox_refuses_a_repeated_or_empty_name_and_keeps_blank_values() -> None:
    assert parse_query("a=x+y&b&c=") == {"a": "x y", "b": "", "c": ""}
    with pytest.raises(HttpProblem) as twice:
        parse_query("a=1&a=1")
    assert i18n.render(twice.value.detail, "en") == (
        "query parameter 'a' is sent more than once; send each parameter exactly once")
    with pytest.raises(HttpProblem) as nameless:
        parse_query("a=1&=13800138000")
    assert i18n.render(nameless.value.detail, "en") == (
        "a query parameter has no name: '=13800138000'")
    with pytest.raises(HttpProblem) as broken:
        parse_query("a=1&phone=%zz")
    assert broken.value.status == 400
    assert i18n.render(broken.value.detail, "en").startswith(
        "query parameter 'phone' has a broken percent-escape '%zz'")


# -- the doctor: repeats counted, other names ignored, the same decoding ------------------------

def test_the_doctor_decodes_as_the_sandbox_does() -> None:
    sent = parse_sent(f"https://h{ENDPOINT_PATH}?{QUERY.replace('demo', 'de+mo%21')}&x&=y")
    assert sent.user_domain == "de mo!"
    with pytest.raises(InputError) as repeated:
        parse_sent(f"https://h{ENDPOINT_PATH}?{QUERY}&phone=13800138000")
    assert [(p.field, p.rule_in("en")) for p in repeated.value.problems] == [
        ("phone", "is given 2 times")]
    with pytest.raises(InputError) as broken:
        parse_sent(f"https://h{ENDPOINT_PATH}?{QUERY}&random=%FF")
    assert [(p.field, p.rule_in("en")) for p in broken.value.problems] == [
        ("random", "query parameter 'random' is not UTF-8 after percent-decoding (byte 0xff at "
                   "position 0); percent-encode text as UTF-8")]
