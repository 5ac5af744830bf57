"""``idea_box``: residents put forward ideas for the common good; others support them; the city
studies the feasibility of the most popular and realistic ones, answers each one publicly, and
follows accepted ideas until they are done.

This module is the plugin's manifest: everything it declares to the core, at a glance — its
content type and workflow, permissions, settings, pages, navigation, administration pages, home
block, reactions, personal data, open data, statistics, migrations and demo data. The rooms of
the plugin are:

- ``models.py``: the tables (ideas, departments, campaigns, studies, implementation steps);
- ``rules.py``: the rules (who may support and when, the support threshold, merging ideas);
- ``forms.py``, ``views.py`` (residents' pages), ``staff.py`` (the city's pages), ``templates/``;
- ``data.py``: personal data (export, erasure), open data and statistics;
- ``demo.py``: the demo city's ideas;
- ``migrations/versions/``: the plugin's own Alembic branch;
- ``translations/``: the plugin's own catalogs (fr, en, de), updated by ``make translations``.

Supports, comments, follows, official answers, moderation, search, attachments, notifications
and the status timeline are the core's services, opted into below.
"""

from __future__ import annotations

from pathlib import Path

from flask_babel import lazy_gettext as _l

from core.content import ContentType, State, Transition, Workflow
from core.declarations import AdminPage, NavItem, PermissionSpec, SettingSpec
from core.hookspecs import hookimpl

from .models import MANAGE, MODERATE, Idea

NAME = "idea_box"
HERE = Path(__file__).resolve().parent


# --- The life of an idea ---------------------------------------------------------------------


def _moderation_before(idea) -> bool:
    from .rules import moderation_before

    return moderation_before()


def _ready_to_send(idea) -> bool:
    """A draft may be sent when it is complete and the box takes new ideas."""
    from .rules import is_complete, submissions_open

    return is_complete(idea) and submissions_open()


WORKFLOW = Workflow(
    states=(
        State("draft", _l("Draft"), public=False),
        State("pending", _l("Awaiting moderation"), public=False),
        State("published", _l("Open for support")),
        State("eligible", _l("Selected for study")),
        State("under_study", _l("Under study")),
        State("accepted", _l("Accepted")),
        State("rejected", _l("Not retained")),
        State("merged", _l("Merged into another idea")),
        State("in_progress", _l("Being carried out")),
        State("implemented", _l("Done")),
    ),
    initial="draft",
    transitions=(
        # The author sends a finished draft: straight to the public, or to the moderators first.
        Transition("publish", _l("Publish my idea"), ("draft",), "published", "author",
                   condition=lambda idea: not _moderation_before(idea) and _ready_to_send(idea)),
        Transition("submit", _l("Send my idea to the moderators"), ("draft",), "pending", "author",
                   condition=lambda idea: _moderation_before(idea) and _ready_to_send(idea)),
        Transition("approve", _l("Publish after moderation"), ("pending",), "published", MODERATE),
        Transition("send_back", _l("Send back to its author"), ("pending",), "draft", MODERATE,
                   comment_required=True),
        # Staff may select an idea for study below the threshold; reaching the threshold selects
        # it automatically (rules.py records that move as "threshold").
        Transition("select", _l("Select for study"), ("published",), "eligible", MANAGE),
        Transition("study", _l("Start the study"), ("published", "eligible"), "under_study", MANAGE),
        # The decisions (accepted, rejected, merged) are the city's official answers: they are
        # made on the study page and published through the core's answers service.
        Transition("start_work", _l("Start the work"), ("accepted",), "in_progress", MANAGE),
        Transition("complete", _l("Mark as done"), ("accepted", "in_progress"), "implemented", MANAGE),
    ),
)

OPEN_FOR_SUPPORT = ("published", "eligible")
IN_STUDY = ("eligible", "under_study")
DECIDABLE = ("published", "eligible", "under_study")
DECIDED = ("accepted", "rejected", "merged")
ACCEPTED = ("accepted", "in_progress", "implemented")
PUBLIC_STATES = tuple(state.name for state in WORKFLOW.states if state.public)


def _can_support(idea: Idea, user):
    from .rules import support_refusal

    return support_refusal(idea, user)


def _search_text(idea: Idea) -> str:
    return " ".join(part for part in (idea.body, idea.place_address) if part)


IDEA = ContentType(
    name=Idea.content_type_name,
    label=_l("Idea"),
    label_plural=_l("Ideas"),
    model=Idea,
    endpoint="idea_box.detail",
    services=frozenset(
        {"workflow", "answers", "comments", "supports", "follows", "moderation", "search", "attachments"}
    ),
    workflow=WORKFLOW,
    can_support=_can_support,
    # The discussion of a merged idea goes on under the idea it was merged into.
    comments_open=lambda idea: idea.is_public and idea.state != "merged",
    search_text=_search_text,
    attachment_kinds=frozenset({"image"}),
)


# --- Declarations ----------------------------------------------------------------------------------


@hookimpl
def register_content_types():
    return [IDEA]


@hookimpl
def register_permissions():
    return [
        PermissionSpec(MANAGE, _l("Study ideas, decide on them and follow their implementation"),
                       ("staff", "admin")),
        PermissionSpec(MODERATE, _l("Moderate new ideas before they are published"),
                       ("moderator", "staff", "admin")),
    ]


@hookimpl
def register_settings():
    return [
        SettingSpec(
            "moderation", _l("Moderation of new ideas"), "after", type="choice",
            choices=(("after", _l("After publication: ideas are published at once")),
                     ("before", _l("Before publication: a moderator approves each idea"))),
        ),
        SettingSpec(
            "mode", _l("Rhythm of the idea box"), "continuous", type="choice",
            choices=(("continuous", _l("Continuous: the box is open all year")),
                     ("campaign", _l("Campaigns: ideas and supports only during a campaign's dates"))),
            help=_l("Campaigns and their dates are set on the page “Idea box: departments and campaigns”."),
        ),
        SettingSpec(
            "support_threshold", _l("Supports needed to be selected for study"), 50, type="int",
            minimum=1, maximum=1_000_000,
            help=_l("An idea open for support is selected for study as soon as it reaches this number."),
        ),
        SettingSpec(
            "supporters_from_neighbourhood",
            _l("Only residents of an idea's neighbourhood may support it"), False, type="bool",
            help=_l("Ideas for the whole city stay open to everyone."),
        ),
    ]


@hookimpl
def register_blueprints(app):
    from . import staff, views  # noqa: F401  (staff.py adds the city's pages to the blueprint)

    return [views.bp]


@hookimpl
def nav_items(user):
    return [NavItem(_l("Idea box"), "idea_box.index", order=10)]


@hookimpl
def admin_pages(user):
    return [
        AdminPage(_l("Ideas to study"), "idea_box.study_queue", MANAGE,
                  _l("Ideas selected for study, most supported first: study them and decide."), order=30),
        AdminPage(_l("Ideas awaiting moderation"), "idea_box.moderation_queue", MODERATE,
                  _l("New ideas to read before they are published (when moderation comes first)."),
                  order=31),
        AdminPage(_l("Idea box: departments and campaigns"), "idea_box.setup", MANAGE,
                  _l("The departments that study ideas, and the campaigns' dates."), order=32),
    ]


@hookimpl
def home_blocks(user):
    from .views import home_block

    return [home_block()]


# --- Reactions ---------------------------------------------------------------------------------


@hookimpl
def track_event(event):
    from .rules import react

    react(event)


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
