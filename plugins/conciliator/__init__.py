"""``conciliator``: a municipal mediator for disputes between residents and the administration.

A resident refers a case (saisine) about a municipal service; the conciliator decides whether it
is admissible, works on it in confidence (private messages, internal notes, questions to the
service's staff) and closes it with an outcome. A yearly report publishes anonymous figures.

This module is the plugin's manifest: what it declares to the core, at a glance — its content
type, role, permissions, settings, pages, navigation, administration pages, template helpers,
reactions and jobs. The core finds the rest of the plugin by convention, in rooms every plugin has:

- ``workflow.py``: the life of a case (states, transitions, outcomes) and the names the rooms share;
- ``models.py``: services, cases, private messages and notes, invitations of staff;
- ``rules.py``: references, deadlines, reminders, retention, the decisions on a case;
- ``forms.py``, ``views.py`` (residents' pages, and a case's page, which the conciliators and the
  invited staff share), ``staff.py`` (the city's pages: dashboard, services, decisions,
  questions to a service), ``templates/``;
- ``cli.py``: ``flask --app core conciliator ...``; ``data.py``: personal data (export, erasure),
  the yearly report, open data and statistics; ``demo.py``: the demo city's mediation office
  (the core registers these three);
- ``migrations/versions/``: the plugin's own Alembic branch; ``translations/``: its catalogs
  (fr, en, de) (the core finds both folders).

Confidentiality is the first rule: a case is visible to its resident, the conciliators and the
staff invited to it (:meth:`models.Case.allows`); anyone else gets the 404 of a missing case, and
the case's attachments and timeline, served by the core, follow the same rule.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from core.content import ContentType
from core.declarations import AdminPage, NavItem, PermissionSpec, RoleSpec, SettingSpec
from core.events import WorkflowTransitioned
from core.hookspecs import hookimpl

from .models import Case
from .workflow import HANDLE, MANAGE_SERVICES, WORKFLOW, outcome_label

REMINDERS_JOB = "conciliator.reminders"
PURGE_JOB = "conciliator.purge"

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
        PermissionSpec(MANAGE_SERVICES, _l("Maintain the list of services mediation cases are about"),
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
    from . import staff, views

    return [views.bp, staff.bp]


@hookimpl
def audit_actions():
    return {
        "conciliator.case.answered": _l("Mediation case: answer sent"),
        "conciliator.case.downloaded": _l("Mediation case: case file downloaded"),
        "conciliator.case.file_added": _l("Mediation case: document added"),
        "conciliator.case.invited": _l("Mediation case: service invited"),
        "conciliator.case.note": _l("Mediation case: internal note"),
        "conciliator.case.referred": _l("Mediation case referred by a resident"),
        "conciliator.case.viewed": _l("Mediation case: read"),
        "conciliator.dashboard.viewed": _l("Mediation dashboard read"),
        "conciliator.service.added": _l("Mediation: service added"),
        "conciliator.service.toggled": _l("Mediation: service switched on or off"),
        "conciliator.case.erased": _l("Mediation case erased at the end of its retention"),
        "conciliator.case.anonymised": _l("Mediation case anonymised at the end of its retention"),
    }


@hookimpl
def plugin_title():
    return _l("Mediation")


@hookimpl
def nav_items(user):
    return [NavItem(_l("Mediation"), "conciliator.index", order=60, icon="scale",
                    description=_l("A dispute with a municipal service? The mediator helps, in confidence."))]


@hookimpl
def account_links(user):
    return [NavItem(_l("My mediation cases"), "conciliator.mine", order=60, icon="scale",
                    description=_l("What you asked the mediator, and where it stands."))]


@hookimpl
def admin_pages(user):
    return [
        AdminPage(_l("Mediation cases"), "conciliator_staff.dashboard", HANDLE,
                  _l("The cases by status and deadline, overdue ones first."), order=40),
        AdminPage(_l("Mediation: services"), "conciliator_staff.services", MANAGE_SERVICES,
                  _l("The municipal services residents may refer a case about."), order=41),
    ]


@hookimpl
def template_variables():
    return {
        "conciliator_outcome_label": outcome_label,
        "conciliator_format_date": format_date,
    }


@hookimpl
def track_event(event):
    """A case moved, by this plugin's pages or by the core's own route: keep the dates and the
    outcome its move gives it."""
    from . import rules

    if isinstance(event, WorkflowTransitioned) and event.content_type == Case.content_type_name:
        rules.note_move(event.content_id, event.transition)


@hookimpl
def register_jobs():
    from .rules import purge_expired, send_reminders

    return {
        REMINDERS_JOB: lambda **payload: send_reminders(),
        PURGE_JOB: lambda **payload: purge_expired(),
    }


@hookimpl
def scheduled_jobs():
    from core.jobs import Schedule

    return [
        Schedule(REMINDERS_JOB, timedelta(days=1), REMINDERS_JOB),
        Schedule(PURGE_JOB, timedelta(days=1), PURGE_JOB),
    ]
