"""``consultation``: the city consults residents on a local project (documents, a questionnaire,
proposals, arguments for and against); when it closes, the site reports what was said and
explains the decision taken.

This module is the plugin's manifest: everything it declares to the core, at a glance — its
content types and workflow, permissions, settings, pages, navigation, administration pages,
home block, reactions and jobs, personal data, open data, statistics, migrations and demo data.
The rooms of the plugin are:

- ``models.py``: the tables (consultations, questions and options, responses, proposals);
- ``rules.py``: the rules (dates and states, who may take part, checking and saving answers);
- ``results.py``: the results built from the answers;
- ``forms.py``, ``views.py`` (residents' pages), ``staff.py`` (the city's pages), ``templates/``;
- ``data.py``: personal data (export, erasure), open data and statistics;
- ``demo.py``: the demo city's consultations;
- ``migrations/versions/``: the plugin's own Alembic branch;
- ``translations/``: the plugin's own catalogs (fr, en, de).

The documents (attachments), the arguments (comments with a position), supports and comments on
proposals, follows, notifications, moderation reports and the status timeline are the core's
services, opted into below.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask_babel import lazy_gettext as _l

from core.content import ContentType, State, Transition, Workflow
from core.declarations import AdminPage, NavItem, PermissionSpec, SettingSpec
from core.hookspecs import hookimpl

from .models import MANAGE, Consultation, Proposal

NAME = "consultation"
HERE = Path(__file__).resolve().parent


# --- The life of a consultation ------------------------------------------------------------------


def _before_opening(consultation) -> bool:
    from .rules import publication_blockers, today

    return today() < consultation.opens_on and not publication_blockers(consultation)


def _within_dates(consultation) -> bool:
    from .rules import publication_blockers, today

    return consultation.opens_on <= today() <= consultation.closes_on and not publication_blockers(consultation)


def _decision_written(consultation) -> bool:
    return bool((consultation.decision or "").strip())


WORKFLOW = Workflow(
    states=(
        State("draft", _l("Draft"), public=False),
        State("upcoming", _l("Upcoming")),
        State("open", _l("Open")),
        State("closed", _l("Closed")),
        State("results_published", _l("Results published")),
        State("decision_published", _l("Decision published")),
    ),
    initial="draft",
    transitions=(
        # Publishing, once it is ready (rules.publication_blockers): before its first day the
        # consultation is announced; within its dates it opens. The calendar then opens and closes
        # it by itself (rules.follow_the_calendar).
        Transition("announce", _l("Publish as upcoming"), ("draft",), "upcoming", MANAGE,
                   condition=_before_opening),
        Transition("open", _l("Publish and open"), ("draft", "upcoming"), "open", MANAGE,
                   condition=_within_dates),
        Transition("close", _l("Close now"), ("open",), "closed", MANAGE),
        Transition("publish_results", _l("Publish the results"), ("closed",), "results_published", MANAGE),
        Transition("publish_decision", _l("Publish the decision"), ("results_published",),
                   "decision_published", MANAGE, condition=_decision_written),
    ),
)

PUBLIC_STATES = tuple(state.name for state in WORKFLOW.states if state.public)


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
    services=frozenset({"workflow", "comments", "follows", "moderation", "attachments"}),
    workflow=WORKFLOW,
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
    services=frozenset({"comments", "supports", "follows", "moderation"}),
    can_support=_takes_part_on_proposal,
    comments_open=_proposal_comments_open,
    can_comment=_takes_part_on_proposal,
)


# --- Declarations ----------------------------------------------------------------------------------


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
    from . import staff, views  # noqa: F401  (staff.py adds the city's pages to the blueprint)

    return [views.bp]


@hookimpl
def nav_items(user):
    return [NavItem(_l("Consultations"), "consultation.index", order=20)]


@hookimpl
def admin_pages(user):
    return [
        AdminPage(_l("Consultations"), "consultation.manage_list", MANAGE,
                  _l("Prepare consultations, publish them, moderate the answers, report and decide."),
                  order=40),
    ]


@hookimpl
def home_blocks(user):
    from .views import home_block

    return [home_block()]


# --- Jobs ----------------------------------------------------------------------------------------


@hookimpl
def register_jobs():
    from .rules import follow_the_calendar

    return {"consultation.calendar": lambda: follow_the_calendar()}


@hookimpl
def scheduled_jobs():
    from core.jobs import Schedule

    # Dates are days: every three hours is soon enough to open and close on the right day and
    # tell the followers, even when nobody visits the pages (which catch up on their own).
    return [Schedule("consultation.calendar", timedelta(hours=3), "consultation.calendar")]


# --- Personal data, open data, statistics -----------------------------------------------------


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
