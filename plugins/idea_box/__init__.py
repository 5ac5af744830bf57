"""``idea_box``: residents put forward ideas for the common good; others support them; the city
studies the feasibility of the most popular and realistic ones, answers each one publicly, and
follows accepted ideas until they are done.

This module is the plugin's manifest: what it declares to the core, at a glance — its content
type, permissions, settings, pages, navigation, administration pages, home block, reactions and
jobs. The core finds the rest of the plugin by convention, in rooms every plugin has:

- ``workflow.py``: the life of an idea (states, transitions) and the names the rooms share;
- ``models.py``: the tables (ideas, departments, campaigns, studies, implementation steps);
- ``rules.py``: the rules (the box's rhythm, who may support and when, the support threshold,
  merging ideas);
- ``forms.py``, ``views.py`` (residents' pages), ``staff.py`` (the city's pages), ``templates/``;
- ``cli.py``: ``flask --app core idea_box ...``; ``data.py``: personal data (export, erasure),
  open data and statistics; ``demo.py``: the demo city's ideas (the core registers these three);
- ``migrations/versions/``: the plugin's own Alembic branch; ``translations/``: its catalogs
  (fr, en, de), updated by ``make translations`` (the core finds both folders).

Supports, comments, follows, official answers, moderation, search, attachments, notifications
and the status timeline are the core's services, opted into below.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l

from core.content import ContentType
from core.declarations import AdminPage, NavItem, PermissionSpec, SettingSpec
from core.events import SupportAdded, WorkflowTransitioned
from core.hookspecs import hookimpl

from .models import Idea
from .workflow import MANAGE, MODERATE, WORKFLOW

THRESHOLD_JOB = "idea_box.select_past_threshold"


def _support_refusal(idea, user):
    from .rules import support_refusal

    return support_refusal(idea, user)


def _search_text(idea) -> str:
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
    can_support=_support_refusal,
    # The discussion of a merged idea goes on under the idea it was merged into.
    comments_open=lambda idea: idea.is_public and idea.state != "merged",
    search_text=_search_text,
    attachment_kinds=frozenset({"image"}),
)


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
    from . import staff, views

    return [views.bp, staff.bp]


@hookimpl
def audit_actions():
    return {
        "idea_box.campaign_added": _l("Idea box: campaign added"),
        "idea_box.campaign_changed": _l("Idea box: campaign changed"),
        "idea_box.campaign_deleted": _l("Idea box: campaign deleted"),
        "idea_box.decided": _l("Idea box: decision on an idea"),
        "idea_box.department_added": _l("Idea box: service added"),
        "idea_box.department_deleted": _l("Idea box: service deleted"),
        "idea_box.step_added": _l("Idea box: step added"),
        "idea_box.step_deleted": _l("Idea box: step deleted"),
        "idea_box.study_saved": _l("Idea box: study saved"),
    }


@hookimpl
def plugin_title():
    return _l("Idea box")


@hookimpl
def nav_items(user):
    return [NavItem(_l("Idea box"), "idea_box.index", order=10, icon="lightbulb",
                    description=_l("Propose an idea for the common good, support those of others."))]


@hookimpl
def account_links(user):
    return [NavItem(_l("My ideas"), "idea_box.mine", order=10, icon="lightbulb",
                    description=_l("Your drafts, and where your published ideas stand."))]


@hookimpl
def admin_pages(user):
    return [
        AdminPage(_l("Ideas to study"), "idea_box_staff.study_queue", MANAGE,
                  _l("Ideas selected for study, most supported first: study them and decide."), order=30),
        AdminPage(_l("Ideas awaiting moderation"), "idea_box_staff.moderation_queue", MODERATE,
                  _l("New ideas to read before they are published (when moderation comes first)."),
                  order=31),
        AdminPage(_l("Idea box: departments and campaigns"), "idea_box_staff.setup", MANAGE,
                  _l("The departments that study ideas, and the campaigns' dates."), order=32),
    ]


@hookimpl
def home_blocks(user):
    from .views import home_block

    return [home_block()]


@hookimpl
def track_event(event):
    """A support may select its idea for study; a merged idea's supporters are carried over."""
    from . import rules

    if isinstance(event, SupportAdded) and event.content_type == Idea.content_type_name:
        rules.select_if_threshold_reached(event.content_id, known_count=event.support_count)
    elif (isinstance(event, WorkflowTransitioned) and event.content_type == Idea.content_type_name
          and event.to_state == "merged"):
        rules.carry_supporters_of_merged(event.content_id, event.actor_id)


@hookimpl
def register_jobs():
    from .rules import select_ideas_past_threshold

    return {THRESHOLD_JOB: lambda **payload: select_ideas_past_threshold()}


@hookimpl
def scheduled_jobs():
    from core.jobs import Schedule

    return [Schedule(THRESHOLD_JOB, timedelta(days=1), THRESHOLD_JOB)]
