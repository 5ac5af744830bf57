"""Check a published draw record with no database and no web application::

    python -m plugins.council_draw.selection.verify record.json [--seed "3 5 1 6"] [--recompute]

The same checks as ``flask --app core council_draw verify``: see :func:`.record.verify`.
Exits with status 0 when every check passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys

from .record import Verification, verify


def print_report(report: Verification, write=print) -> None:
    for check in report.checks:
        write(("OK    " if check.ok else "FAILED") + "  " + check.message)
    write("The record checks out." if report.ok else "The record does NOT check out.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Re-run and check a published council draw.")
    parser.add_argument("record", help="the record downloaded from the draw's public page (JSON)")
    parser.add_argument("--seed", help="the seed read out at the ceremony (default: the record's)")
    parser.add_argument("--recompute", action="store_true",
                        help="also compute the LEXIMIN probabilities again from the pool")
    args = parser.parse_args(argv)
    with open(args.record, encoding="utf-8") as handle:
        record = json.load(handle)
    report = verify(record, seed=args.seed, recompute=args.recompute)
    print_report(report)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
