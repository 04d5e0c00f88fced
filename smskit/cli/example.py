"""``smskit example``: recompute the page's worked example and state what it shows."""

from __future__ import annotations

import argparse

from smskit import worked_example


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = "The example's secret is published on the page, so it is shown here."


def run(args: argparse.Namespace) -> int:
    example = worked_example.load()
    result = worked_example.reproduce(example)
    print("Inputs printed on the page:")
    for name, value in (("phone", example.phone), ("codeType", example.code_type),
                        ("random", example.random), ("ts", example.ts),
                        ("userDomainSecret", example.secret)):
        print(f"  {name:<17} {value}")
    print(f"Signed string (computed): {result.signed_string}")
    print(result.summary())
    print(example.finding["en"])
    return 0
