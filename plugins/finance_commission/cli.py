"""The finance commission's commands: ``flask --app core finance_commission <command>``.

``import FILE --year YEAR --population N [--debt AMOUNT]`` imports a year's accounts from a CSV
file (the SCDL budget file the city publishes, or the simple format; see ``importer.py``), as
the page "Import the city's accounts" does: the whole file or nothing, every bad line reported,
a year already there replaced (and the replacement audited). For a city's IT, to load the
accounts from a script or a scheduled task.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from core.database import db
from core.hookspecs import hookimpl
from core.web import background_context

from .importer import MAX_BYTES, parse, save_year
from .ledger import years


class Euros(click.ParamType):
    """An amount in euros, zero or more (``36000000``, ``36000000.50``)."""

    name = "amount"

    def convert(self, value, param, ctx):
        try:
            amount = Decimal(str(value).replace(" ", "").replace(",", "."))
        except InvalidOperation:
            self.fail(f"{value!r} is not an amount in euros.", param, ctx)
        if not amount.is_finite() or amount < 0:
            self.fail(f"{value!r} is not an amount in euros (zero or more).", param, ctx)
        return amount.quantize(Decimal("0.01"))


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option("--year", required=True, type=click.IntRange(1990, 2100), help="The year of the accounts.")
@click.option("--population", required=True, type=click.IntRange(1, 100_000_000),
              help="The legal population (INSEE) of that year, for the amounts per inhabitant.")
@click.option("--debt", type=Euros(), default=None,
              help="The outstanding debt on 31 December, in euros (from the annex on debt of the "
                   "administrative account). Leave it out if unknown.")
@with_appcontext
def import_command(file: str, year: int, population: int, debt: Decimal | None):
    """Import (or replace) a year's accounts from a CSV file: SCDL budget file or simple format."""
    with open(file, "rb") as stream:
        data = stream.read(MAX_BYTES + 1)  # parse() refuses a larger file
    # The command speaks English, as every Civique command does.
    with background_context(), force_locale("en"):
        parsed = parse(data, year)
        if parsed.errors:
            for line, reason in parsed.errors:
                click.echo(f"Line {line}: {reason}" if line else reason, err=True)
            raise click.ClickException(f"Nothing was imported: correct {file} and import it again.")
        replaced = any(existing.year == year for existing in years())
        save_year(year, population, debt, parsed, None)
        db.session.commit()
    done = "replaced" if replaced else "imported"
    click.echo(f"The accounts of {year} are {done}: {len(parsed.lines)} lines ({parsed.format} format, "
               f"{parsed.stage}).")


@hookimpl
def register_commands():
    return [import_command]
