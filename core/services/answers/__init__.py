"""Core service: official answers.

City staff answer a piece of content publicly: a decision from its workflow (accepted,
rejected...) and a text explaining it. An answer is published at once, or held and published
later together with others (a council's decisions announced on one day). On publication the
item moves by its workflow's answer transition (recorded on its timeline), its followers and
its author are told (:class:`~core.events.AnswerPublished`), and the answer shows on the item's
page in the name of the city. Templates use ``answers/_macros.html`` (``answer``,
``answer_form``).
"""

from flask_babel import lazy_gettext as _l

from core.declarations import AdminPage, PermissionSpec
from core.hookspecs import hookimpl

from .models import PERMISSION, Answer
from .rules import answerable_states, held_answer, may_answer, publish, published_answer, save_answer

__all__ = ["Answer", "PERMISSION", "answerable_states", "held_answer", "may_answer", "publish",
           "published_answer", "save_answer"]


@hookimpl
def register_blueprints(app):
    from .views import bp

    return [bp]


@hookimpl
def template_variables():
    from .views import answer_form_for

    return {"published_answer": published_answer, "held_answer": held_answer,
            "may_answer": may_answer, "answer_form_for": answer_form_for}


@hookimpl
def register_permissions():
    return [PermissionSpec(PERMISSION, _l("Answer residents' contributions for the city"),
                           ("staff", "admin"))]


@hookimpl
def admin_pages(user):
    return [AdminPage(_l("Answers waiting"), "answers.held", PERMISSION,
                      _l("Publish the answers held, all at once."), order=60)]
