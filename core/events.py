"""Things that happen, as small typed events, and the one hook that hears them.

Code that changes something commits first, then calls :func:`emit`; every plugin's
``track_event(event)`` hook then runs. A failing reaction is logged and never undoes the change.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, ClassVar

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """Base of every event; ``name`` identifies the kind."""

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
    """A person deleted their account; it is now anonymised."""

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
    """An item moved from one state to another through its workflow (committed).

    Sent by :mod:`core.workflows` after each transition and each published answer.
    """

    name: ClassVar[str] = "workflow.transitioned"
    content_type: str
    content_id: int
    transition: str
    from_state: str | None
    to_state: str
    actor_id: int | None
    record_id: int



def emit(event: Event) -> None:
    """Tell every plugin that ``event`` happened (call it after the commit)."""
    from .plugins import manager

    for impl in reversed(manager().hook.track_event.get_hookimpls()):
        try:
            impl.function(event)
        except Exception:  # a reaction must never undo what happened
            log.exception("Plugin %s failed to react to %s", impl.plugin_name, event.name)


def event_payload(event: Event) -> dict[str, Any]:
    """The event as a plain dict (for logs and queues)."""
    from dataclasses import asdict

    return {"name": event.name, **asdict(event)}
