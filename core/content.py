"""Content: what residents and the city publish, and the services it opts into.

A plugin declares each of its content types through the ``register_content_types`` hook with a
:class:`ContentType`. Its model inherits :class:`ContentMixin` (author, neighbourhood, category,
timestamps, workflow state, moderation flag and the counters the services keep), and lists the
core services it uses in ``services``:

``workflow``, ``answers``, ``comments``, ``supports``, ``follows``, ``moderation``, ``search``,
``attachments``.

Services refer to a piece of content by its type name and id, so they need no table per plugin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from .database import UTCDateTime, db, utcnow

SERVICES = frozenset(
    {"workflow", "answers", "comments", "supports", "follows", "moderation", "search", "attachments"}
)


# --- Workflows are data -------------------------------------------------------------------------


@dataclass(frozen=True)
class State:
    """A state of a workflow. ``public`` states are visible to everyone (drafts are not)."""

    name: str
    label: Any
    public: bool = True
    # Supports, comments... may be open only in some states; the content type decides.


# ``Transition.permission`` of the moves the content's author makes, and of those only Civique
# itself makes (a threshold crossed, a date reached): nobody applies those by hand.
AUTHOR = "author"
SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    """A move from one of ``sources`` to ``target`` that people holding ``permission`` may make.

    ``permission`` is a permission name, :data:`AUTHOR` for the content's own author, or
    :data:`SYSTEM` for a move only the system makes (``core.workflows.move`` with the actor
    ``core.workflows.THE_SYSTEM``). ``answer`` marks a decision of the city: it is made only by
    publishing an official answer (the answers service), by someone holding ``permission``.
    ``comment_required`` makes the public comment mandatory (a rejection's reason, say).
    ``condition``, when given, is called with the item and must return true for the transition
    to be offered at all (for example a transition that only exists when a setting is on).
    """

    name: str
    label: Any
    sources: tuple[str, ...]
    target: str
    permission: str
    comment_required: bool = False
    condition: Callable[[Any], bool] | None = None
    answer: bool = False

    @property
    def by_hand(self) -> bool:
        """Whether a person applies it with a button (not the system, not an answer)."""
        return self.permission != SYSTEM and not self.answer


@dataclass(frozen=True)
class Workflow:
    """The states of a content type, its initial state, and the allowed transitions."""

    states: tuple[State, ...]
    initial: str
    transitions: tuple[Transition, ...]

    def state(self, name: str) -> State:
        for state in self.states:
            if state.name == name:
                return state
        raise KeyError(name)

    def transition(self, name: str) -> Transition:
        for transition in self.transitions:
            if transition.name == name:
                return transition
        raise KeyError(name)

    def target_from(self, state: str, name: str) -> str:
        """The state the transition ``name`` leads to from ``state``; ``ValueError`` when no
        such transition is declared from there. For lives that are not content (a plugin's
        own records) declared as data all the same."""
        try:
            transition = self.transition(name)
        except KeyError:
            raise ValueError(f"no transition {name!r} is declared") from None
        if state not in transition.sources:
            raise ValueError(f"transition {name!r} is not declared from {state!r}")
        return transition.target

    def __post_init__(self):
        names = {s.name for s in self.states}
        if self.initial not in names:
            raise ValueError(f"initial state {self.initial!r} is not a state")
        for t in self.transitions:
            unknown = (set(t.sources) | {t.target}) - names
            if unknown:
                raise ValueError(f"transition {t.name!r} uses unknown states {sorted(unknown)}")


# --- Content types ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContentType:
    """A kind of content a plugin publishes, and the services it opts into.

    ``name`` is unique across plugins (``"<plugin>.<type>"``, e.g. ``"idea_box.idea"``);
    ``endpoint`` is the Flask endpoint of an item's page, called with ``id=<item id>``.
    Callables receive the item (and the user, where named so):

    - ``can_support(item, user)`` returns ``None`` when the user may support the item, or a
      translated sentence saying why not (not open for support, not a resident of the
      neighbourhood...). Default: confirmed accounts, while the item is public.
    - ``comments_open(item)``: whether new comments are accepted. Default: while public.
    - ``can_comment(item, user)`` returns ``None`` when the (signed-in, confirmed) user may
      comment on the item while comments are open, or a translated sentence saying why not
      (for example: only the residents of the neighbourhoods concerned take part). Default:
      everyone.
    - ``search_text(item)``: the text indexed besides the title. Default: ``item.body``.
    """

    name: str
    label: Any
    label_plural: Any
    model: type
    endpoint: str
    services: frozenset[str] = frozenset()
    workflow: Workflow | None = None
    comment_stances: bool = False
    can_support: Callable[[Any, Any], Any] | None = None
    comments_open: Callable[[Any], bool] | None = None
    can_comment: Callable[[Any, Any], Any] | None = None
    search_text: Callable[[Any], str] | None = None
    attachment_kinds: frozenset[str] = frozenset({"image", "pdf"})
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        unknown = set(self.services) - SERVICES
        if unknown:
            raise ValueError(f"{self.name}: unknown services {sorted(unknown)}")
        if "workflow" in self.services and self.workflow is None:
            raise ValueError(f"{self.name}: the workflow service needs a workflow")

    def uses(self, service: str) -> bool:
        return service in self.services

    def url(self, item, **kwargs) -> str:
        return url_for(self.endpoint, id=item.id, **kwargs)


class ContentMixin:
    """Columns every piece of content has. Inherit it in a model together with ``db.Model``.

    The model must set ``content_type_name`` to its :class:`ContentType` name and have a
    ``title`` and a ``body`` (plain attributes or columns).
    """

    content_type_name: str = ""

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(40), default="published", index=True)
    # Hidden by moderation (reported too often, or hidden by a moderator).
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # Counters kept by the services, so lists need no query per item.
    support_count: Mapped[int] = mapped_column(Integer, default=0, index=True)
    comment_count: Mapped[int] = mapped_column(Integer, default=0)

    @declared_attr
    def author_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)

    @declared_attr
    def neighbourhood_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("neighbourhood.id", ondelete="SET NULL"), index=True)

    @declared_attr
    def category_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("category.id", ondelete="SET NULL"), index=True)

    @declared_attr
    def author(cls):
        return relationship("User", foreign_keys=[cls.author_id], lazy="joined")

    @declared_attr
    def neighbourhood(cls):
        return relationship("Neighbourhood", lazy="joined")

    @declared_attr
    def category(cls):
        return relationship("Category", lazy="joined")

    # --- What services and views ask -------------------------------------------------------
    @property
    def content_type(self) -> ContentType:
        return get_type(self.content_type_name)

    @property
    def is_public(self) -> bool:
        """Visible to everyone: in a public state and not hidden by moderation."""
        if self.is_hidden:
            return False
        workflow = self.content_type.workflow
        if workflow is None:
            return True
        try:
            return workflow.state(self.state).public
        except KeyError:
            return False

    def is_author(self, user) -> bool:
        return bool(getattr(user, "is_authenticated", False)) and user.id == self.author_id

    def allows(self, user, action: str) -> bool:
        """Default object permissions; a model overrides this for its own rules.

        ``view``: public items for everyone; otherwise the author, moderators and staff.
        ``edit``: the author while the item is in the workflow's initial state; staff always.
        Other actions: a permission of that name (``"<type name>.<action>"``).
        """
        if action == "view":
            if self.is_public or self.is_author(user):
                return True
            return user.can("moderation.moderate") or user.can(f"{self.content_type_name}.manage")
        if action == "edit":
            workflow = self.content_type.workflow
            if self.is_author(user) and (workflow is None or self.state == workflow.initial):
                return True
            return user.can(f"{self.content_type_name}.manage")
        return user.can(f"{self.content_type_name}.{action}")

    @property
    def url(self) -> str:
        return self.content_type.url(self)


# --- The registry of content types -------------------------------------------------------------


def registry() -> dict[str, ContentType]:
    """Every content type declared by the enabled plugins, by name (built once per app)."""
    types = current_app.extensions.get("civique.content_types")
    if types is None:
        from .plugins import collect

        types = {}
        for content_type in collect("register_content_types"):
            if content_type.name in types:
                raise ValueError(f"Two plugins declare the content type {content_type.name!r}")
            types[content_type.name] = content_type
        current_app.extensions["civique.content_types"] = types
    return types


def get_type(name: str) -> ContentType:
    try:
        return registry()[name]
    except KeyError:
        raise LookupError(f"No enabled plugin declares the content type {name!r}") from None


def types_using(service: str) -> list[ContentType]:
    return [t for t in registry().values() if t.uses(service)]


def load_item(type_name: str, item_id: int):
    """The item of ``type_name`` with ``item_id``, or ``None`` (unknown type or id)."""
    try:
        content_type = get_type(type_name)
    except LookupError:
        return None
    return db.session.get(content_type.model, item_id)


def item_title(item) -> str:
    return getattr(item, "title", None) or str(_l("Untitled"))
