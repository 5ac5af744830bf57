"""The idea box's commands: ``flask --app core idea_box <command>``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from core.hookspecs import hookimpl
from core.web import background_context


@click.command("select", help="Select for study the ideas open for support that have already reached "
                               "the support threshold (after it was lowered). The worker does it daily.")
@with_appcontext
def select_command():
    from .rules import select_ideas_past_threshold

    with background_context():
        moved = select_ideas_past_threshold()
    click.echo(f"{moved} idea(s) selected for study.")


@hookimpl
def register_commands():
    return [select_command]
