"""``consultation``: the city consults residents on a local project (documents, a questionnaire,
proposals, arguments for and against); when it closes, the site reports what was said and
explains the decision taken.

This module is the plugin's manifest: what it declares to the core, at a glance — its content
types, permission, settings, pages, navigation, administration pages, home block, reactions and
jobs. The core finds the rest by convention, in the rooms every plugin has:

- ``workflow.py``: the life of a consultation (states, transitions, the calendar's moves);
- ``models.py``: the tables (consultations, questions and options, responses, proposals);
- ``rules.py``: the rules (dates and states, who may take part, checking and saving answers);
- ``results.py``: the results built from the answers;
- ``forms.py``, ``views.py`` (residents' pages), ``staff.py`` (the city's pages), ``templates/``;
- ``cli.py``: ``flask --app core consultation ...``; ``data.py``: personal data (export,
  erasure), open data and statistics; ``demo.py``: the demo city's consultations;
- ``migrations/versions/``: the plugin's own Alembic branch; ``translations/``: its catalogs.

The documents (attachments), the arguments (comments with a position), supports and comments on
proposals, follows, notifications, moderation reports and the status timeline are the core's
services, opted into below.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l

from core.content import ContentType
from core.declarations import AdminPage, NavItem, PermissionSpec, SettingSpec
from core.events import WorkflowTransitioned
from core.hookspecs import hookimpl

from .models import Consultation, Proposal
from .workflow import MANAGE, WORKFLOW

CALENDAR_JOB = "consultation.calendar"


def _comments_open(consultation) -> bool:
    """Arguments for and against are taken while the consultation is open."""
    from .rules import accepts_answers

    return consultation.has_arguments and accepts_answers(consultation) and not consultation.is_hidden


def _takes_part_on_proposal(proposal, user):
    from .rules import participation_refusal

    return participation_refusal(proposal.consultation, user)


def _can_argue(consultation, user):
    """Who may take part writes arguments (residents of the neighbourhoods concerned...)."""
    from .rules import participation_refusal

    return participation_refusal(consultation, user)


def _proposal_comments_open(proposal) -> bool:
    from .rules import accepts_answers

    return accepts_answers(proposal.consultation) and not proposal.is_hidden


CONSULTATION = ContentType(
    name=Consultation.content_type_name,
    label=_l("Consultation"),
    label_plural=_l("Consultations"),
    model=Consultation,
    endpoint="consultation.detail",
    services=frozenset({"workflow", "comments", "follows", "moderation", "attachments", "search"}),
    workflow=WORKFLOW,
    search_text=lambda consultation: f"{consultation.summary} {consultation.body}",
    comment_stances=True,
    comments_open=_comments_open,
    can_comment=_can_argue,
    attachment_kinds=frozenset({"image", "pdf"}),
)

PROPOSAL = ContentType(
    name=Proposal.content_type_name,
    label=_l("Proposal"),
    label_plural=_l("Proposals"),
    model=Proposal,
    endpoint="consultation.proposal",
    services=frozenset({"comments", "supports", "follows", "moderation", "search"}),
    can_support=_takes_part_on_proposal,
    comments_open=_proposal_comments_open,
    can_comment=_takes_part_on_proposal,
)


@hookimpl
def register_content_types():
    return [CONSULTATION, PROPOSAL]


@hookimpl
def register_permissions():
    return [
        PermissionSpec(MANAGE, _l("Run consultations: prepare, publish, moderate answers, report and decide"),
                       ("staff", "admin")),
    ]


@hookimpl
def register_settings():
    return [
        SettingSpec(
            "minimum_respondents", _l("Fewest answers to publish a question's figures"), 5, type="int",
            minimum=1, maximum=1000,
            help=_l("When fewer people answered a choice or scale question, its results show no figure, so "
                    "that nobody can work out what someone else answered. Free-text answers are moderated "
                    "one by one instead."),
        ),
    ]


@hookimpl
def register_blueprints(app):
    from . import staff, views

    return [views.bp, staff.bp]


@hookimpl
def audit_actions():
    return {
        "consultation.answers_moderated": _l("Consultation: answers moderated"),
        "consultation.created": _l("Consultation created"),
        "consultation.outcome_saved": _l("Consultation: outcome of a proposal saved"),
        "consultation.question_added": _l("Consultation: question added"),
        "consultation.question_deleted": _l("Consultation: question deleted"),
        "consultation.question_edited": _l("Consultation: question changed"),
        "consultation.responses_exported": _l("Consultation: answers exported"),
    }


@hookimpl
def plugin_title():
    return _l("Consultations")


@hookimpl
def nav_items(user):
    return [NavItem(_l("Consultations"), "consultation.index", order=20, icon="messages-square",
                    description=_l("Give your view on the city's projects, then read what was decided."))]


@hookimpl
def admin_pages(user):
    return [
        AdminPage(_l("Consultations"), "consultation_staff.manage_list", MANAGE,
                  _l("Prepare consultations, publish them, moderate the answers, report and decide."),
                  order=40),
    ]


@hookimpl
def home_blocks(user):
    from .views import home_block

    return [home_block()]


@hookimpl
def template_variables():
    from .rules import calendar_state

    return {"consultation_state": calendar_state}


@hookimpl
def track_event(event):
    """A consultation that closes keeps its figures: its answers can no longer change."""
    from .results import keep_figures

    if isinstance(event, WorkflowTransitioned) and event.content_type == Consultation.content_type_name \
            and event.to_state == "closed":
        keep_figures(event.content_id)


@hookimpl
def register_jobs():
    from .rules import follow_the_calendar

    return {CALENDAR_JOB: lambda **payload: follow_the_calendar()}


@hookimpl
def scheduled_jobs():
    from core.jobs import Schedule

    # Dates are days; a quarter of an hour after midnight at most, the move is recorded and the
    # followers told (the pages show the state the calendar implies meanwhile).
    return [Schedule(CALENDAR_JOB, timedelta(minutes=15), CALENDAR_JOB)]
