"""How the audit log reads to people: each action and object named in the reader's language.

An action's code (``"idea_box.decided"``) is stored; what people read is its label, declared
by the module that records it through the ``audit_actions`` hook (the core's own are below).
A workflow move (``"workflow.<transition>"``, or ``"<content type>.<transition>"``) is named
after the declared transition of the object's content type, with its states' labels.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.hookspecs import hookimpl

from .models import SUMMARY_KEY, AuditEntry

CORE_ACTIONS = {
    "accounts.admin_created": _l("Administrator account created"),
    "accounts.deleted": _l("Account deleted"),
    "accounts.role_granted": _l("Role granted"),
    "accounts.role_removed": _l("Role removed"),
    "answers.published": _l("City's answer published"),
    "answers.written": _l("City's answer written"),
    "attachments.added": _l("Document added"),
    "attachments.deleted": _l("Document deleted"),
    "bodies.document_added": _l("Meeting document added"),
    "bodies.meeting_scheduled": _l("Meeting scheduled"),
    "bodies.member_added": _l("Member added to a body"),
    "bodies.member_left": _l("Member left a body"),
    "bodies.minutes_published": _l("Minutes published"),
    "mail.sent_again": _l("Mail sent again"),
    "settings.changed": _l("Settings changed"),
    "settings.reset": _l("Setting set back to its default"),
    "taxonomy.deleted": _l("Neighbourhood or category deleted"),
}

# The core's tables an action may be recorded on; a plugin's own content types are named by
# their declared label, its other tables by the object's number only.
OBJECT_TYPES = {
    "answer": _l("City's answer"),
    "attachment": _l("Document"),
    "body": _l("Body"),
    "body_meeting": _l("Meeting"),
    "body_meeting_document": _l("Meeting document"),
    "body_member": _l("Body member"),
    "category": _l("Category"),
    "comment": _l("Comment"),
    "neighbourhood": _l("Neighbourhood"),
    "outbox_message": _l("Mail"),
    "permission": _l("Permission"),
    "setting": _l("Setting"),
    "user_account": _l("Account"),
}


@hookimpl
def audit_actions():
    return CORE_ACTIONS


def _declared() -> dict[str, Any]:
    declared = current_app.extensions.get("civique.audit_actions")
    if declared is None:
        from core.plugins import manager

        declared = {}
        for _plugin, actions in manager().each("audit_actions"):
            declared.update(actions)
        current_app.extensions["civique.audit_actions"] = declared
    return declared


def _move(action: str, object_type: str | None):
    """The declared transition an action records, with its content type, or ``None``."""
    from core.content import registry

    types = registry()
    if action.startswith("workflow.") and object_type is None:
        # The action alone (the filter's list): the first content type declaring the transition.
        name = action[len("workflow."):]
        for content_type in types.values():
            if content_type.workflow is not None and any(
                    t.name == name for t in content_type.workflow.transitions):
                return content_type, content_type.workflow.transition(name)
        return None
    if action.startswith("workflow."):
        content_type, name = types.get(object_type or ""), action[len("workflow."):]
    else:
        prefix, _dot, name = action.rpartition(".")
        content_type = types.get(prefix)
    if content_type is None or content_type.workflow is None:
        return None
    try:
        return content_type, content_type.workflow.transition(name)
    except KeyError:
        return None


def action_label(action: str, object_type: str | None = None) -> str:
    """What was done, in words: the declared label, else the workflow transition's."""
    label = _declared().get(action)
    if label is not None:
        return str(label)
    move = _move(action, object_type)
    if move is not None:
        content_type, transition = move
        if object_type is None and action.startswith("workflow."):
            return str(transition.label)  # named by the transition alone, whatever the type
        return _("%(type)s: %(transition)s", type=content_type.label, transition=transition.label)
    return action


def object_label(entry: AuditEntry) -> str:
    """What it was done on, in words (``Idée 12``)."""
    from core.content import registry

    if not entry.object_type:
        return ""
    content_type = registry().get(entry.object_type)
    kind = content_type.label if content_type is not None else OBJECT_TYPES.get(entry.object_type)
    if kind is None:
        return _("no. %(number)s", number=entry.object_id) if entry.object_id else ""
    return f"{kind} {entry.object_id}" if entry.object_id else str(kind)


def state_change(entry: AuditEntry) -> str:
    """For a workflow move: ``Brouillon → Ouverte``, from the states' labels (else empty)."""
    move = _move(entry.action, entry.object_type)
    details = entry.details or {}
    if move is None or "from_state" not in details:
        return ""
    workflow = move[0].workflow

    def label(state):
        try:
            return str(workflow.state(state).label)
        except KeyError:
            return state

    return f"{label(details['from_state'])} → {label(details['to_state'])}"


def summary_text(entry: AuditEntry) -> str:
    """The entry's summary in the reader's language when it was recorded as a translatable
    message, else as it was written."""
    kept = (entry.details or {}).get(SUMMARY_KEY)
    if not isinstance(kept, dict) or "message" not in kept:
        return entry.summary
    try:
        return _(kept["message"], **(kept.get("values") or {}))
    except (KeyError, TypeError, ValueError):
        return entry.summary


def recorded_details(entry: AuditEntry) -> dict:
    """The entry's details as recorded, without what the page already says in words."""
    return {name: value for name, value in (entry.details or {}).items()
            if name not in (SUMMARY_KEY, "from_state", "to_state")}
