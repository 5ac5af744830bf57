"""The idea box's rules: the box's rhythm (continuous or campaigns), who may support an idea and
when, the support threshold that selects an idea for study, and merging ideas.

The threshold: once a support is committed, the plugin hears :class:`~core.events.SupportAdded`
(``track_event`` in ``__init__.py``) and :func:`select_if_threshold_reached` moves an idea open
for support that has reached the threshold to "selected for study", by the workflow's system
transition ``threshold`` (the core then tells its followers and author). Supports carried over
by a merge are checked the same way, and a daily job (and ``flask --app core idea_box
select``) catches up ideas already past a threshold that an admin lowered.
"""

from __future__ import annotations

from datetime import date

from flask_babel import format_date, get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from core.services.attachments import Attachment, delete_attachment
from core.content import item_title
from core.database import db, utcnow
from core.services.follows import Follow, follow
from core.services.notifications import notify
from core.settings import get_setting
from core.services.supports import Support
from core.workflows import THE_SYSTEM, WorkflowRecord, move

from .models import Campaign, Idea
from .workflow import DECIDABLE, OPEN_FOR_SUPPORT, PUBLIC_STATES, WORKFLOW

PLUGIN = "idea_box"
TYPE = Idea.content_type_name


# --- Settings and the box's rhythm -----------------------------------------------------------


def moderation_before() -> bool:
    """Whether a moderator approves each new idea before it is published."""
    return get_setting(PLUGIN, "moderation") == "before"


def campaign_mode() -> bool:
    return get_setting(PLUGIN, "mode") == "campaign"


def support_threshold() -> int:
    return int(get_setting(PLUGIN, "support_threshold"))


def today() -> date:
    """Today in the municipality's time zone."""
    return utcnow().astimezone(get_timezone()).date()


def current_campaign(on: date | None = None) -> Campaign | None:
    """The campaign running on ``on`` (between its first day and its results), else ``None``."""
    on = on or today()
    return db.session.scalar(
        select(Campaign)
        .where(Campaign.submission_start <= on, Campaign.results_date >= on)
        .order_by(Campaign.submission_start.desc(), Campaign.id.desc())
        .limit(1)
    )


def next_campaign(on: date | None = None) -> Campaign | None:
    on = on or today()
    return db.session.scalar(
        select(Campaign).where(Campaign.submission_start > on)
        .order_by(Campaign.submission_start, Campaign.id).limit(1)
    )


def submissions_open() -> bool:
    """Whether new ideas may be sent now: always in continuous mode, else during a campaign's
    submission period."""
    if not campaign_mode():
        return True
    campaign = current_campaign()
    return campaign is not None and campaign.accepts_submissions(today())


def submissions_closed_message() -> str:
    """Why ideas cannot be sent now, with the next campaign's first day when there is one."""
    upcoming = next_campaign()
    if upcoming is not None:
        return _("The idea box takes new ideas during campaigns: the next one, “%(name)s”, opens on %(date)s.",
                 name=upcoming.name, date=format_date(upcoming.submission_start, "long"))
    return _("The idea box is closed for new ideas until the next campaign.")


def is_complete(idea: Idea) -> bool:
    """Whether a draft has what a published idea needs (its form checks the same)."""
    from .forms import BODY_MAX, BODY_MIN, TITLE_MAX

    return 5 <= len(idea.title or "") <= TITLE_MAX and BODY_MIN <= len(idea.body or "") <= BODY_MAX


def ready_to_send(idea: Idea) -> bool:
    """A draft may be sent when it is complete and the box takes new ideas."""
    return is_complete(idea) and submissions_open()


# --- Supports ------------------------------------------------------------------------------------


def support_refusal(idea: Idea, user):
    """``None`` when ``user`` may support ``idea`` now, else why not (the core asks this)."""
    if idea.state not in OPEN_FOR_SUPPORT:
        return _l("Supports are closed: this idea is now “%(state)s”.",
                  state=WORKFLOW.state(idea.state).label)
    if campaign_mode() and idea.campaign is not None and not idea.campaign.accepts_supports(today()):
        return _l("Supports for the campaign “%(name)s” closed on %(date)s.",
                  name=idea.campaign.name, date=format_date(idea.campaign.support_end, "long"))
    if get_setting(PLUGIN, "supporters_from_neighbourhood") and idea.neighbourhood_id:
        if getattr(user, "neighbourhood_id", None) != idea.neighbourhood_id:
            return _l("Only residents of %(place)s may support this idea: set your neighbourhood "
                      "on your account page if you live there.", place=idea.neighbourhood.name)
    return None


# --- The threshold: selected for study once a support crosses it -------------------------------


def select_if_threshold_reached(idea_id: int, known_count: int | None = None) -> bool:
    """Select the idea ``idea_id`` for study if it is open for support and has reached the
    threshold; true when it moved. ``known_count``: its count just after a support, when the
    caller knows it (below the threshold, nothing is read). The caller commits."""
    if known_count is not None and known_count < support_threshold():
        return False
    # Most supports cross nothing: two columns tell, before the idea is loaded and locked.
    row = db.session.execute(select(Idea.state, Idea.support_count).where(Idea.id == idea_id)).first()
    if row is None or row.state != "published" or row.support_count < support_threshold():
        return False
    # Locked (PostgreSQL), so that two supports crossing at once move the idea once.
    idea = db.session.scalar(
        select(Idea).where(Idea.id == idea_id).with_for_update(of=Idea)
        .execution_options(populate_existing=True)
    )
    if idea is None or idea.state != "published" or idea.support_count < support_threshold():
        return False
    move(idea, "threshold", THE_SYSTEM)
    return True


def select_ideas_past_threshold() -> int:
    """Select every idea still open for support already past the threshold (after an admin
    lowered it; in campaign mode, while its campaign takes supports); returns how many moved.
    Commits."""
    ideas = db.session.scalars(
        select(Idea).where(Idea.state == "published", Idea.support_count >= support_threshold())
        .order_by(Idea.id)
    ).all()
    still_open = [idea.id for idea in ideas if not (
        campaign_mode() and idea.campaign is not None and not idea.campaign.accepts_supports(today()))]
    moved = sum(select_if_threshold_reached(idea_id) for idea_id in still_open)
    db.session.commit()
    return moved


# --- Merging ---------------------------------------------------------------------------------


def merge_target_refusal(source: Idea, target: Idea | None):
    """``None`` when ``source`` may be merged into ``target``, else why not."""
    if target is None or target.state not in PUBLIC_STATES or target.is_hidden:
        return _l("There is no published idea with this number.")
    if target.id == source.id:
        return _l("An idea cannot be merged into itself.")
    if target.state in ("merged", "rejected"):
        return _l("This idea is closed (merged or not retained): choose an idea that is still alive.")
    if target.merged_into_id == source.id:
        return _l("That idea was merged into this one.")
    if source.state not in DECIDABLE:
        return _l("This idea has already been decided on.")
    return None


def carry_supporters(source: Idea) -> list[int]:
    """Give the idea ``source`` was merged into the supports of ``source``'s supporters.

    Someone who supports both counts once; the author of the target is not made to support
    their own idea; the target may then reach the support threshold. Safe to run again (the
    second run carries nobody). Returns the ids of the people whose support was carried; the
    caller notifies them and commits.
    """
    target = _merge_target(source)
    if target is None:
        return []
    already = select(Support.user_id).where(
        Support.content_type == TYPE, Support.content_id == target.id, Support.user_id.is_not(None)
    )
    query = select(Support.user_id).where(
        Support.content_type == TYPE, Support.content_id == source.id,
        Support.user_id.is_not(None), Support.user_id.not_in(already),
    )
    if target.author_id is not None:
        query = query.where(Support.user_id != target.author_id)
    carried = []
    for user_id in db.session.scalars(query.order_by(Support.user_id)).all():
        try:
            with db.session.begin_nested():  # a support given at this very moment wins
                db.session.add(Support(user_id=user_id, content_type=TYPE, content_id=target.id))
        except IntegrityError:
            continue
        carried.append(user_id)
    if carried:
        _recount_supports(target)
        _follow_all(carried, target)
        select_if_threshold_reached(target.id)
    return carried


def _merge_target(source: Idea) -> Idea | None:
    return db.session.get(Idea, source.merged_into_id) if source.merged_into_id else None


def _recount_supports(idea: Idea) -> None:
    counted = (
        select(func.count()).select_from(Support)
        .where(Support.content_type == TYPE, Support.content_id == idea.id)
        .scalar_subquery()
    )
    db.session.execute(update(Idea).where(Idea.id == idea.id).values(support_count=counted)
                       .execution_options(synchronize_session=False))
    db.session.expire(idea, ["support_count"])


def _follow_all(user_ids: list[int], idea: Idea) -> None:
    from core.accounts.models import User

    for user in db.session.scalars(select(User).where(User.id.in_(user_ids))):
        follow(user, idea)


def notify_carried(source: Idea, user_ids: list[int], actor=None) -> None:
    """Tell the people whose support was carried where it counts now (the caller commits)."""
    target = _merge_target(source)
    if target is None or not user_ids:
        return
    old, new = item_title(source), item_title(target)

    def message():
        return _("“%(old)s” was merged into “%(new)s”: your support now counts for it.", old=old, new=new)

    notify(user_ids, "idea_box.merged", message, item=target, actor=actor)


def carry_supporters_of_merged(idea_id: int, actor_id: int | None) -> None:
    """An idea was merged (however its answer was published): carry its supporters over and
    tell them. Safe to run again. The caller commits."""
    idea = db.session.get(Idea, idea_id)
    if idea is None or idea.merged_into_id is None:
        return
    notify_carried(idea, carry_supporters(idea), actor=actor_id)


# --- Deleting a draft ----------------------------------------------------------------------------


def delete_idea(idea: Idea) -> None:
    """Delete an idea that was never published, with its files, follows and records.

    The caller commits. (Comments and reports of deleted content are removed by the core.)
    """
    for attachment in db.session.scalars(
        select(Attachment).where(Attachment.content_type == TYPE, Attachment.content_id == idea.id)
    ).all():
        delete_attachment(attachment)
    for model in (Follow, WorkflowRecord, Support):
        db.session.execute(
            db.delete(model).where(model.content_type == TYPE, model.content_id == idea.id)
            .execution_options(synchronize_session=False)
        )
    db.session.delete(idea)


# --- Where an idea stands ------------------------------------------------------------------------


def life_steps(idea: Idea, records) -> list[tuple[str, str, str]]:
    """The phases of ``idea``'s life for the ``phases`` component: ``(name, date, status)`` with
    status "done", "current" or "next", from its recorded moves (``records``, oldest first)."""
    reached = {}
    for record in records:
        reached.setdefault(record.to_state, record.created_at)
    decided = next((state for state in ("accepted", "rejected", "merged") if state in reached), None)
    decision_name = {"rejected": _("Not retained"), "merged": _("Merged")}.get(decided, _("The city's answer"))
    steps = [
        (_("Open for support"), idea.published_at, ("published",)),
        (_("Selected for study"), reached.get("eligible"), ("eligible",)),
        (_("Studied"), reached.get("under_study"), ("under_study",)),
        (decision_name, reached.get(decided) if decided else None, ("accepted", "rejected", "merged")),
    ]
    if decided in (None, "accepted"):
        steps.append((_("Carried out"), reached.get("implemented") or reached.get("in_progress"),
                      ("in_progress", "implemented")))
    current = next((index for index, (_name, _when, states) in enumerate(steps) if idea.state in states), None)
    shown = []
    for index, (name, when, states) in enumerate(steps):
        if idea.state == "implemented" or (current is not None and index < current):
            status = "done"
        elif index == current:
            status = "current"
        else:
            status = "next"
        shown.append((name, format_date(when, "medium") if when is not None and status != "next" else "", status))
    return shown
