"""``flask --app core council_draw verify record.json``: re-run and check a published draw.

The record is the JSON file linked from the draw's public page. Nothing else is read: the
command works on any machine with Civique installed, whatever its database holds.
"""

from __future__ import annotations

import json
import sys

import click

from core.hookspecs import hookimpl

from .selection.record import verify
from .selection.verify import print_report


@click.command("verify")
@click.argument("record_file", type=click.File("r", encoding="utf-8"))
@click.option("--seed", default=None,
              help="The seed read out at the ceremony (default: the one in the record).")
@click.option("--recompute", is_flag=True,
              help="Also compute the LEXIMIN probabilities again from the published pool.")
def verify_command(record_file, seed: str | None, recompute: bool):
    """Re-run a published council draw from its record and check every step."""
    try:
        record = json.load(record_file)
    except ValueError as exc:
        raise click.ClickException(f"{record_file.name} is not a JSON file: {exc}")
    report = verify(record, seed=seed, recompute=recompute)
    print_report(report, click.echo)
    sys.exit(0 if report.ok else 1)


@hookimpl
def register_commands():
    return [verify_command]
