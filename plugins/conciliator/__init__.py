"""``conciliator``: a municipal mediator for disputes between residents and the administration.

A resident refers a case (saisine) about a municipal service; the conciliator decides whether it
is admissible, works on it in confidence (private messages, internal notes, questions to the
service's staff) and closes it with an outcome. A yearly report publishes anonymous figures.

This module is the plugin's manifest: everything it declares to the core. The rooms are:

- ``models.py``: services, cases, private messages and notes, invitations of staff;
- ``rules.py``: references, deadlines, reminders, retention, the decisions on a case;
- ``forms.py``, ``views.py`` (the pages), ``templates/``;
- ``data.py``: personal data (export, erasure), the yearly report, open data and statistics;
- ``demo.py``: the demo city's mediation office;
- ``migrations/versions/``: the plugin's own Alembic branch;
- ``translations/``: the plugin's own catalogs (fr, en, de).

Confidentiality is the first rule: a case is visible to its resident, the conciliators and the
staff invited to it (:meth:`models.Case.allows`); anyone else gets the 404 of a missing case, and
the case's attachments and timeline, served by the core, follow the same rule.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import lazy_gettext as _l

from core.content import ContentType, State, Transition, Workflow
from core.declarations import AdminPage, NavItem, PermissionSpec, RoleSpec, SettingSpec
from core.hookspecs import hookimpl

from .models import HANDLE, OPEN_STATES, SERVICES, Case

NAME = "conciliator"
HERE = Path(__file__).resolve().parent


def _prior_complaint_given(case) -> bool:
    """As in French municipal mediation, a prior complaint to the service is required."""
    return case.prior_complaint_date is not None


WORKFLOW = Workflow(
    states=(
        State("received", _l("Received"), public=False),
        State("admissible", _l("Admissible"), public=False),
        State("inadmissible", _l("Inadmissible"), public=False),
        State("in_progress", _l("In progress"), public=False),
        State("closed", _l("Closed"), public=False),
    ),
    initial="received",
    transitions=(
        Transition("admit", _l("Declare admissible"), ("received",), "admissible", HANDLE,
                   condition=_prior_complaint_given),
        Transition("reject", _l("Declare inadmissible"), ("received",), "inadmissible", HANDLE,
                   comment_required=True),
        Transition("start", _l("Start the mediation"), ("admissible",), "in_progress", HANDLE),
        Transition("agreement", _l("Close: agreement reached"), ("admissible", "in_progress"),
                   "closed", HANDLE, comment_required=True),
        Transition("recommendation", _l("Close: recommendation made to the service"),
                   ("admissible", "in_progress"), "closed", HANDLE, comment_required=True),
        Transition("unresolved", _l("Close: not resolved"), ("admissible", "in_progress"),
                   "closed", HANDLE, comment_required=True),
        Transition("withdraw", _l("Withdraw my case"), OPEN_STATES, "closed", "author"),
    ),
)

OUTCOME_LABELS = {
    "agreement": _l("Agreement reached"),
    "recommendation": _l("Recommendation made to the service"),
    "unresolved": _l("Not resolved"),
    "withdrawn": _l("Withdrawn"),
}

CASE = ContentType(
    name=Case.content_type_name,
    label=_l("Mediation case"),
    label_plural=_l("Mediation cases"),
    model=Case,
    endpoint="conciliator.case",
    services=frozenset({"workflow", "attachments"}),
    workflow=WORKFLOW,
    attachment_kinds=frozenset({"image", "pdf"}),
)


# --- Declarations ----------------------------------------------------------------------------------


@hookimpl
def register_content_types():
    return [CASE]


@hookimpl
def register_roles():
    return [RoleSpec("conciliator", _l("Conciliator"),
                     _l("The municipal mediator: handles residents' cases in confidence."))]


@hookimpl
def register_permissions():
    return [
        PermissionSpec(HANDLE, _l("Handle mediation cases (read them, decide, close)"),
                       ("conciliator",)),
        PermissionSpec(SERVICES, _l("Maintain the list of services mediation cases are about"),
                       ("conciliator", "staff", "admin")),
    ]


@hookimpl
def register_settings():
    return [
        SettingSpec("acknowledgement_days", _l("Days for a conciliator to open a new case"), 5,
                    type="int", minimum=1, maximum=90),
        SettingSpec("admissibility_days", _l("Days to decide whether a case is admissible"), 15,
                    type="int", minimum=1, maximum=180),
        SettingSpec("answer_days", _l("Days to close an admissible case"), 60, type="int",
                    minimum=1, maximum=730),
        SettingSpec("reminder_days", _l("Days before a deadline when conciliators are reminded"),
                    3, type="int", minimum=0, maximum=60),
        SettingSpec("retention_years", _l("Years a closed case is kept"), 5, type="int",
                    minimum=1, maximum=30),
        SettingSpec("retention_mode", _l("What happens to a case after its retention period"),
                    "anonymise", type="choice",
                    choices=(("anonymise", _l("Anonymised: only the figures of the yearly report remain")),
                             ("erase", _l("Erased entirely")))),
        SettingSpec("anonymity_threshold",
                    _l("Smallest group of cases shown in the yearly report"), 5, type="int",
                    minimum=2, maximum=100,
                    help=_l("Smaller groups are merged so that no one can be recognised.")),
        SettingSpec("reference_prefix", _l("Prefix of case references"), "MED"),
        SettingSpec("other_remedies", _l("Where else to turn, sent with an inadmissibility"),
                    _l("You may contact the Défenseur des droits (www.defenseurdesdroits.fr), "
                       "a court conciliator (conciliateur de justice) or the administrative court."),
                    type="text"),
    ]


@hookimpl
def register_blueprints(app):
    from .views import bp

    return [bp]


@hookimpl
def nav_items(user):
    return [NavItem(_l("Mediation"), "conciliator.index", order=60)]


@hookimpl
def admin_pages(user):
    return [
        AdminPage(_l("Mediation cases"), "conciliator.dashboard", HANDLE,
                  _l("The cases by status and deadline, overdue ones first."), order=40),
        AdminPage(_l("Mediation: services"), "conciliator.services", SERVICES,
                  _l("The municipal services residents may refer a case about."), order=41),
    ]


# --- Jobs and commands -------------------------------------------------------------------------


@hookimpl
def register_jobs():
    from .rules import purge_expired, send_reminders

    return {
        "conciliator.reminders": lambda **payload: send_reminders(),
        "conciliator.purge": lambda **payload: purge_expired(),
    }


@hookimpl
def scheduled_jobs():
    from core.jobs import Schedule

    return [
        Schedule("conciliator.reminders", timedelta(days=1), "conciliator.reminders"),
        Schedule("conciliator.purge", timedelta(days=1), "conciliator.purge"),
    ]


@click.command("purge", help="Erase or anonymise the closed cases past their retention period.")
@with_appcontext
def purge_command():
    from .rules import purge_expired

    count = purge_expired()
    click.echo(f"{count} case(s) past their retention period processed.")


@click.command("remind", help="Remind the conciliators of the deadlines about to pass.")
@with_appcontext
def remind_command():
    from .rules import send_reminders

    click.echo(f"{send_reminders()} reminder(s) sent.")


@hookimpl
def register_commands():
    return [purge_command, remind_command]


# --- Reactions, personal data, open data, statistics -------------------------------------------


@hookimpl
def track_event(event):
    from .rules import react

    react(event)


@hookimpl
def export_user_data(user):
    from .data import export_user_data as export

    return export(user)


@hookimpl
def erase_user_data(user):
    from .data import erase_user_data as erase

    erase(user)


@hookimpl
def open_data_datasets():
    from .data import datasets

    return datasets()


@hookimpl
def public_statistics():
    from .data import statistics

    return statistics()


# --- Files, demo ---------------------------------------------------------------------------------


@hookimpl
def migration_dirs():
    return [str(HERE / "migrations" / "versions")]


@hookimpl
def translation_dirs():
    return [str(HERE / "translations")]


@hookimpl
def load_demo_data(demo):
    from .demo import load

    load(demo)
