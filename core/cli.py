"""Command-line interface (``flask --app core <command>``).

``db`` (Flask-Migrate, with ``upgrade`` going to every branch's head), ``demo``, ``create-admin``,
``plugins``, ``worker``, ``backup`` and ``restore`` (:mod:`core.backup`); each plugin's commands
come under its own name.
"""

from __future__ import annotations

import getpass

import click
from flask import current_app, g
from flask.cli import with_appcontext
from flask_migrate import cli as migrate_cli
from flask_migrate import upgrade as migrate_upgrade

from .backup import backup_command, restore_command
from .database import db, utcnow
from .web import background_context


def init_app(app, plugins) -> None:
    app.cli.add_command(db_group, name="db")
    app.cli.add_command(demo_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(plugins_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(reindex_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    for plugin_name, commands in plugins.each("register_commands"):
        group = click.Group(name=plugin_name, help=f"Commands of the {plugin_name} plugin.")
        for command in commands:
            group.add_command(command)
        app.cli.add_command(group)


# --- db: Flask-Migrate's group, with "upgrade" going to every branch's head ----------------------


@click.group(name="db", help="Database schema: create, upgrade, inspect migrations.")
@click.option("-x", "--x-arg", multiple=True, help="Extra arguments for env.py.")
@with_appcontext
def db_group(x_arg):
    g.directory = None  # Flask-Migrate then uses the folder given to Migrate (core/migrations)
    g.x_arg = x_arg


for _name, _command in migrate_cli.db.commands.items():
    if _name != "upgrade":
        db_group.add_command(_command, _name)


@db_group.command("upgrade")
@click.argument("revision", default="heads")
@click.option("--sql", is_flag=True, help="Print the SQL instead of running it.")
@with_appcontext
def db_upgrade(revision: str, sql: bool):
    """Create or upgrade the schema of the core and of every enabled plugin."""
    migrate_upgrade(revision=revision, sql=sql)


# --- The other commands ----------------------------------------------------------------------------


@click.command("plugins")
@with_appcontext
def plugins_command():
    """List the plugins installed and say which are enabled."""
    from .plugins import manager

    pm = manager()
    enabled = {p.name: p for p in pm.enabled}
    click.echo(f"{'plugin':<22} {'enabled':<8} {'package':<32} version")
    for name in sorted(pm.installed):
        for candidate in pm.installed[name]:
            chosen = enabled.get(name)
            mark = "yes" if chosen and chosen.candidate == candidate else "no"
            click.echo(f"{name:<22} {mark:<8} {candidate.distribution:<32} {candidate.version}")


@click.command("create-admin")
@click.option("--email", prompt=True, help="The admin's e-mail address.")
@click.option("--name", "display_name", default="Administrateur", show_default=True)
@click.option("--password", default=None, help="Asked for when not given.")
@with_appcontext
def create_admin_command(email: str, display_name: str, password: str | None):
    """Create an admin account (confirmed), or make an existing account admin."""
    from flask_babel import lazy_gettext as _l

    from .accounts.models import User, UserRole
    from .accounts.passwords import hash_password, password_problems
    from .services.audit import record

    email = email.strip().lower()
    user = db.session.scalar(db.select(User).where(User.email == email))
    if user is None:
        if password is None:
            password = getpass.getpass("Password: ")
        problems = password_problems(password, email, display_name)
        if problems:
            raise click.ClickException(" ".join(problems))
        user = User(
            email=email, display_name=display_name, password_hash=hash_password(password),
            email_confirmed_at=utcnow(),
        )
        db.session.add(user)
        db.session.flush()
    if not user.has_role("admin"):
        user.role_grants.append(UserRole(role="admin"))
    record("accounts.admin_created", user,
           summary=_l("Admin role given from the command line to %(email)s", email=email))
    db.session.commit()
    click.echo(f"{email} is an admin.")


@click.command("demo")
@click.option("--password", default="civique-demo-2026", show_default=True,
              help="Password of every demo account.")
@with_appcontext
def demo_command(password: str):
    """Load demo data for a Mulhouse-like city (safe to run twice)."""
    from .demo import load_demo

    accounts = load_demo(password)
    click.echo("Demo data loaded for %s." % current_app.config["CITY_NAME"])
    click.echo("Demo accounts (password: %s):" % password)
    for role, email in accounts:
        click.echo(f"  {role:<20} {email}")


@click.command("worker")
@click.option("--once", is_flag=True, help="Do what is due now, then stop.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between rounds.")
@with_appcontext
def worker_command(once: bool, interval: float):
    """Send queued mail, queue scheduled work and run background jobs, with retries.

    With REDIS_URL set, jobs are shared through RQ with the workers of other machines.
    """
    from . import heartbeat
    from .jobs import worker_round

    mode = "RQ on " + current_app.config["REDIS_URL"] if current_app.config.get("REDIS_URL") else "database"
    # Its heartbeat, for /healthz and so that the others take back its work if it dies.
    name = heartbeat.start(current_app._get_current_object())
    click.echo(f"Civique worker {name} started (jobs through {mode}).", err=True)
    # SIGTERM and Ctrl+C stop it between two mails or two jobs, never in the middle of one.
    with heartbeat.stopping_gracefully():
        while True:
            try:
                # Jobs build links (notifications, mails): give them the site's public address
                # as a request would, since a worker has no request of its own.
                with background_context():
                    done = worker_round()
                if any(done.values()):
                    summary = ", ".join(f"{kind}: {count}" for kind, count in done.items() if count)
                    click.echo(f"{utcnow().isoformat(timespec='seconds')} {summary}", err=True)
            except Exception as exc:  # keep going: the database or Redis may come back
                db.session.rollback()
                click.echo(f"worker round failed: {exc}", err=True)
            if once or heartbeat.stop_asked() or heartbeat.wait_or_stop(interval):
                break
    click.echo(f"Civique worker {name} stopped.", err=True)


@click.command("reindex")
@with_appcontext
def reindex_command():
    """Rebuild the search index of every content type that uses search."""
    from .services.search import reindex_all

    click.echo(f"{reindex_all()} item(s) indexed.")
