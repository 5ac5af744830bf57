"""How what happens reaches the plugins: typed events, delivered once the change is committed.

There is one path for reactions in Civique, and this module is all of it.

1. Code that changes something calls :func:`emit` with one of the events below, inside the
   transaction that makes the change (``supports.add`` emits :class:`SupportAdded`,
   ``workflows.move`` emits :class:`WorkflowTransitioned`...).
2. When that transaction commits, the *after-commit service* (:func:`after_commit`) runs what
   the transaction queued, in the order it was queued. Delivering an event means calling each
   plugin's ``track_event(event)`` hook through pluggy, plugin after plugin.
3. Each plugin's reaction runs in a transaction of its own, committed when it returns. A
   reaction that raises is rolled back and logged; it never undoes the change it reacts to, and
   the other plugins still hear the event. What a reaction emits or queues runs after it, once
   its own transaction committed: a support can select an idea for study, whose move then
   notifies the idea's followers, whose mail is then sent.

The after-commit service is for any work that must follow a commit: the mail sent right away
(:mod:`core.mail`), jobs handed to RQ (:mod:`core.jobs`), kept pages dropped
(:mod:`core.pagecache`), events. A callback queued in a transaction that is rolled back is
dropped; one queued inside a savepoint that is rolled back is dropped with it, while what was
queued outside the savepoint stays. ``db.session.commit()`` returns once everything the commit
set off has run (a transaction committed by other means, ``with db.session.begin():``, has its
work run when the app context ends).

The ORM listeners below are the only SQLAlchemy session listeners of Civique (a test holds it):
they keep the after-commit queue in step with the transaction, and turn what a flush wrote to
content (any model with a ``content_type_name``, that is :class:`core.content.ContentMixin`)
into a :class:`ContentChanged` event, which the core's search, follows, comments, moderation
and attachments services react to.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable, ClassVar

from flask import current_app, has_request_context, request
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession
from sqlalchemy import event as orm_event

log = logging.getLogger(__name__)


# --- The events ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """Base of every event; ``name`` identifies the kind (``"<area>.<what happened>"``)."""

    name: ClassVar[str] = "event"


@dataclass(frozen=True)
class UserRegistered(Event):
    """A person created an account (not yet confirmed)."""

    name: ClassVar[str] = "user.registered"
    user_id: int


@dataclass(frozen=True)
class UserConfirmed(Event):
    """A person confirmed their e-mail address."""

    name: ClassVar[str] = "user.confirmed"
    user_id: int


@dataclass(frozen=True)
class UserLoggedIn(Event):
    """A person signed in."""

    name: ClassVar[str] = "user.logged_in"
    user_id: int


@dataclass(frozen=True)
class UserDeleted(Event):
    """A person's account was erased: every plugin erased their data, the account is anonymised."""

    name: ClassVar[str] = "user.deleted"
    user_id: int


@dataclass(frozen=True)
class RoleChanged(Event):
    """An admin granted (``granted`` true) or removed a role."""

    name: ClassVar[str] = "user.role_changed"
    user_id: int
    role: str
    granted: bool
    actor_id: int | None = None


@dataclass(frozen=True)
class WorkflowTransitioned(Event):
    """An item moved from one state to another by a declared transition of its workflow.

    ``actor_id`` is ``None`` when the system made the move (a threshold crossed, a date
    reached); ``answer_id`` is the official answer whose publication made it, if any;
    ``announced`` is true when the code that made the move told the followers itself.
    """

    name: ClassVar[str] = "workflow.transitioned"
    content_type: str
    content_id: int
    transition: str
    from_state: str | None
    to_state: str
    actor_id: int | None
    record_id: int
    answer_id: int | None = None
    announced: bool = False


@dataclass(frozen=True)
class AnswerPublished(Event):
    """The city's official answer to an item was published (after its move, if it made one);
    ``actor_id`` is the person who wrote it."""

    name: ClassVar[str] = "answer.published"
    content_type: str
    content_id: int
    answer_id: int
    state: str
    actor_id: int | None


@dataclass(frozen=True)
class SupportAdded(Event):
    """A person supported an item; ``support_count`` is the item's count with this support
    (``None`` when not known)."""

    name: ClassVar[str] = "support.added"
    content_type: str
    content_id: int
    user_id: int
    support_count: int | None = None


@dataclass(frozen=True)
class SupportWithdrawn(Event):
    """A person withdrew their support of an item."""

    name: ClassVar[str] = "support.withdrawn"
    content_type: str
    content_id: int
    user_id: int


@dataclass(frozen=True)
class CommentPosted(Event):
    """A comment (or a reply, with ``reply_to_id``) was posted on an item."""

    name: ClassVar[str] = "comment.posted"
    comment_id: int
    content_type: str
    content_id: int
    author_id: int
    reply_to_id: int | None = None


ContentKey = tuple[str, int]


@dataclass(frozen=True)
class ContentChanged(Event):
    """What one flush wrote to content: items created, changed and deleted, as
    ``(content type name, id)`` pairs. Sent for every flush that touched content. Records the
    search finds besides content (:class:`~core.declarations.SearchSource`) are in it too, under
    their source's name."""

    name: ClassVar[str] = "content.changed"
    created: tuple[ContentKey, ...] = ()
    changed: tuple[ContentKey, ...] = ()
    deleted: tuple[ContentKey, ...] = ()


def emit(event: Event) -> None:
    """Tell every plugin that ``event`` happened, once the current transaction commits."""
    after_commit(deliver, event)


def deliver(event: Event) -> None:
    """Call each plugin's ``track_event`` with ``event``, each reaction in its own transaction."""
    session = _session()
    for plugin_name, track_event in current_app.extensions["civique.plugins"].callers("track_event"):
        try:
            track_event(event=event)
            session.commit()
        except Exception:  # a reaction must never undo what happened, nor silence the others
            session.rollback()
            log.exception("Plugin %s failed to react to %s", plugin_name, event.name)


# --- The after-commit service -----------------------------------------------------------------

# In the session's ``info``: what the current transaction queued, as (callback, args, the
# savepoints open when it was queued); what its commit made ready to run; whether it is running.
_PENDING = "civique.after_commit.pending"
_READY = "civique.after_commit.ready"
_RUNNING = "civique.after_commit.running"


def after_commit(callback: Callable[..., Any], *args: Any, once: bool = False) -> None:
    """Run ``callback(*args)`` once the current transaction has committed.

    Dropped if the transaction is rolled back (or the savepoint it was queued in). With
    ``once``, the same callback with the same arguments runs once for the transaction however
    many times it was queued. The callback may use the database; what it changes it commits.
    Called when no transaction is in progress and nothing waits to be written (after a commit,
    say), it runs at once: there is nothing to wait for.
    """
    session = _session()
    if not session.in_transaction() and not (session.new or session.dirty or session.deleted):
        callback(*args)
        return
    _queue(session, callback, args, once)


def _queue(session, callback: Callable[..., Any], args: tuple, once: bool = False) -> None:
    pending = session.info.setdefault(_PENDING, [])
    if once and any(c == callback and a == args for c, a, _ in pending):
        return
    pending.append((callback, args, _open_savepoints(session)))


# The most after-commit work one commit may set off, in chains of reactions: a reaction that
# writes what sets it off again would otherwise run forever, inside the request.
MAX_AFTER_COMMIT_WORK = 10_000


class Session(FlaskSQLAlchemySession):
    """Flask-SQLAlchemy's session, whose ``commit()`` then runs what the transaction queued with
    :func:`after_commit` (and what those callbacks queue in turn) before returning."""

    def commit(self) -> None:
        super().commit()
        if has_request_context():
            from .database import COMMITTED_MARK

            # What the request did is recorded: an error after this point must not say it was
            # not (core.web's 503 page).
            request.environ[COMMITTED_MARK] = True
        self.run_after_commit()

    def run_after_commit(self) -> None:
        """Run the work that committed transactions made ready, in order. ``commit()`` calls it;
        so does the end of each app context, for a transaction committed by other means
        (``with db.session.begin(): ...``)."""
        if self.info.get(_RUNNING):
            return  # a callback committed: the loop below goes on with what it queued
        self.info[_RUNNING] = True
        try:
            ready = self.info.setdefault(_READY, [])
            done = 0
            while ready:
                if done >= MAX_AFTER_COMMIT_WORK:
                    log.error("After-commit work stopped after %s callbacks (a reaction sets itself "
                              "off again?); %s dropped", done, len(ready))
                    ready.clear()
                    break
                callback, args = ready.pop(0)
                done += 1
                try:
                    callback(*args)
                except Exception:  # what followed the commit must not fail the commit
                    self.rollback()
                    log.exception("After-commit work %s failed", getattr(callback, "__qualname__", callback))
        finally:
            self.info[_RUNNING] = False


def run_left_after_commit_work(exception=None) -> None:
    """``teardown_appcontext`` (registered before Flask-SQLAlchemy removes the session): the
    after-commit work of a transaction committed without ``Session.commit()`` runs now."""
    if exception is None and "sqlalchemy" in current_app.extensions:
        session = _session()
        if session.info.get(_READY):
            session.run_after_commit()


def _session():
    return current_app.extensions["sqlalchemy"].session()


def _open_savepoints(session) -> tuple:
    savepoints = []
    transaction = session.get_nested_transaction()
    while transaction is not None:
        if transaction.nested:
            savepoints.append(transaction)
        transaction = transaction.parent
    return tuple(savepoints)


# --- The ORM listeners: the only ones in Civique ----------------------------------------------


@orm_event.listens_for(Session, "after_commit")
def _commit_makes_ready(session) -> None:
    """The transaction committed: what it queued is ready to run (``Session.commit`` runs it)."""
    session.info.setdefault(_READY, []).extend(
        (callback, args) for callback, args, _ in session.info.pop(_PENDING, [])
    )


@orm_event.listens_for(Session, "after_soft_rollback")
def _savepoint_rollback_drops(session, previous_transaction) -> None:
    """A savepoint rolled back: what was queued inside it goes; the rest stays."""
    if previous_transaction.nested and session.info.get(_PENDING):
        session.info[_PENDING] = [
            entry for entry in session.info[_PENDING] if previous_transaction not in entry[2]
        ]


@orm_event.listens_for(Session, "after_transaction_end")
def _transaction_end_drops(session, transaction) -> None:
    """The outermost transaction ended: committed (its queue already moved to ready) or rolled
    back or closed (its queue is dropped)."""
    if transaction.parent is None and not transaction.nested:
        session.info.pop(_PENDING, None)


@orm_event.listens_for(Session, "after_flush")
def _flush_changed_content(session, flush_context) -> None:
    """Content a flush created, changed or deleted: a :class:`ContentChanged` after the commit."""

    def name_of(obj) -> str:
        # Content, and the records the search finds besides content (a council, a meeting).
        return getattr(obj, "content_type_name", "") or getattr(obj, "search_source_name", "")

    def keys(objects) -> tuple[ContentKey, ...]:
        return tuple((name_of(obj), obj.id) for obj in objects if name_of(obj) and obj.id is not None)

    created, changed, deleted = keys(session.new), keys(session.dirty), keys(session.deleted)
    if created or changed or deleted:
        _queue(session, deliver, (ContentChanged(created=created, changed=changed, deleted=deleted),))
