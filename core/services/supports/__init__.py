"""Core service: supports.

One support per eligible person per item, withdrawable. The content type decides who is
eligible and when supports are open with its ``can_support(item, user)`` callable (default:
confirmed accounts, on public items). Each item keeps a ``support_count`` column updated in the
same transaction as the support itself (an atomic ``UPDATE``), so lists show counts without any
query per item, and
:func:`preload_supports` tells in one query which items of a list the visitor supports.

:func:`add` and :func:`withdraw` emit :class:`~core.events.SupportAdded` and
:class:`~core.events.SupportWithdrawn`: a plugin that counts supports (the idea box's
threshold) reacts to them in its ``track_event`` hook. Templates render the button with
``supports/_macros.html`` (``support_button``, ``support_count``).
"""

from core.hookspecs import hookimpl

from .models import Support
from .rules import SupportRefused, add, has_supported, preload_supports, refusal, withdraw

__all__ = ["Support", "SupportRefused", "add", "has_supported", "preload_supports", "refusal", "withdraw"]


@hookimpl
def register_blueprints(app):
    from .views import bp

    return [bp]


@hookimpl
def template_variables():
    return {"has_supported": has_supported, "support_refusal": refusal}
