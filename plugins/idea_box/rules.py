"""The idea box's rules: the box's rhythm (continuous or campaigns), who may support an idea and
when, the support threshold that selects an idea for study, and merging ideas.

The threshold is kept whatever way a support arrives (the core's support button, a merge, a
script): every new support of an idea is noticed when it is flushed, and just before the
transaction commits, an idea open for support that has reached the threshold is moved to
"selected for study" by the core's workflow service, in the same transaction as the support
that crossed it. Its followers and author are told once the transaction is committed.
"""

from __future__ import annotations

from datetime import date

from flask import current_app, has_app_context
from flask_babel import format_date, get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.attachments import Attachment, delete_attachment
from core.content import item_title
from core.database import db, utcnow
from core.follows import Follow, follow
from core.notifications import notify
from core.settings import get_setting
from core.supports import Support
from core.workflows import WorkflowRecord, announce, move

from .models import Campaign, Idea

PLUGIN = "idea_box"
TYPE = Idea.content_type_name

# Keys in the database session's ``info``: ideas to check against the threshold before the
# commit, and the moves to announce after it.
_WATCH = "idea_box.threshold_watch"
_ANNOUNCE = "idea_box.threshold_announce"


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


# --- Supports ------------------------------------------------------------------------------------


def support_refusal(idea: Idea, user):
    """``None`` when ``user`` may support ``idea`` now, else why not (the core asks this)."""
    from . import OPEN_FOR_SUPPORT, WORKFLOW

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


# --- The threshold: selected for study on the support that crosses it -------------------------


def watch_threshold(idea_id: int) -> None:
    """Check ``idea_id`` against the threshold when the current transaction commits."""
    db.session.info.setdefault(_WATCH, set()).add(idea_id)


@event.listens_for(Session, "after_flush")
def _notice_new_supports(session: Session, flush_context) -> None:
    ids = {
        obj.content_id for obj in session.new
        if isinstance(obj, Support) and obj.content_type == TYPE
    }
    if ids:
        session.info.setdefault(_WATCH, set()).update(ids)


@event.listens_for(Session, "before_commit")
def _select_ideas_past_the_threshold(session: Session) -> None:
    """Move the ideas that reached the threshold, in the transaction that made them reach it."""
    if session.in_nested_transaction() or not session.info.get(_WATCH) or not has_app_context():
        return
    if not current_app.extensions["civique.plugins"].is_enabled(PLUGIN):
        session.info.pop(_WATCH, None)
        return
    ids = sorted(session.info.pop(_WATCH))
    session.flush()
    threshold = support_threshold()
    for idea_id in ids:
        # Locked (PostgreSQL), so that two supports crossing at once move the idea once.
        idea = session.scalar(
            select(Idea).where(Idea.id == idea_id).with_for_update(of=Idea)
            .execution_options(populate_existing=True)
        )
        if idea is None or idea.state != "published" or idea.support_count < threshold:
            continue
        record = move(idea, "eligible", None, transition="threshold", record_audit=False)
        session.info.setdefault(_ANNOUNCE, []).append((idea.id, record.id))


def announce_selected() -> None:
    """Tell the followers and authors of the ideas just selected for study (after the commit).

    Run after every request; scripts that add supports call it after their commit.
    """
    pending = db.session.info.pop(_ANNOUNCE, None)
    for idea_id, record_id in pending or ():
        record = db.session.get(WorkflowRecord, record_id)
        idea = db.session.get(Idea, idea_id)
        if record is None or idea is None or record.content_id != idea.id:
            continue  # the transaction that moved it was rolled back
        announce(idea, record)


# --- Merging ---------------------------------------------------------------------------------


def merge_target_refusal(source: Idea, target: Idea | None):
    """``None`` when ``source`` may be merged into ``target``, else why not."""
    from . import DECIDABLE, PUBLIC_STATES

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
    their own idea. Safe to run again (the second run carries nobody). Returns the ids of the
    people whose support was carried; the caller notifies them and commits.
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


def react(event) -> None:
    """``track_event``: when an idea is merged (however its answer was published), carry its
    supporters over."""
    if getattr(event, "name", "") != "workflow.transitioned" or event.content_type != TYPE:
        return
    if event.to_state != "merged":
        return
    idea = db.session.get(Idea, event.content_id)
    if idea is None or idea.merged_into_id is None:
        return
    carried = carry_supporters(idea)
    notify_carried(idea, carried, actor=event.actor_id)
    db.session.commit()


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
