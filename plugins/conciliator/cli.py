"""The mediation office's commands: ``flask --app core conciliator <command>``.

Both do what the worker's daily jobs do, for a city that runs them from its own scheduler.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from core.hookspecs import hookimpl
from core.web import background_context


@click.command("purge", help="Erase or anonymise the closed cases past their retention period.")
@with_appcontext
def purge_command():
    from .rules import purge_expired

    with background_context():
        count = purge_expired()
    click.echo(f"{count} case(s) past their retention period processed.")


@click.command("remind", help="Remind the conciliators of the deadlines about to pass.")
@with_appcontext
def remind_command():
    from .rules import send_reminders

    with background_context():
        sent = send_reminders()
    click.echo(f"{sent} reminder(s) sent.")


@hookimpl
def register_commands():
    return [purge_command, remind_command]
