"""The consultation's commands: ``flask --app core consultation <command>``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from core.hookspecs import hookimpl
from core.web import background_context


@click.command("calendar", help="Open the upcoming consultations whose first day has come and close the "
                                 "open ones whose last day has passed, now (the worker does it every "
                                 "quarter of an hour); their followers are told.")
@with_appcontext
def calendar_command():
    from .rules import follow_the_calendar

    with background_context():
        moved = follow_the_calendar()
    click.echo(f"{moved} consultation(s) opened or closed.")


@hookimpl
def register_commands():
    return [calendar_command]
