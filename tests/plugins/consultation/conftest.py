"""The consultation's tests: Civique's own fixtures (``core.testing``) with the plugin enabled.

``app_config`` enables ``consultation`` next to whatever ``CIVIQUE_PLUGINS`` enables
(``core.testing.enable_plugin``). Helpers
below create consultations with a questionnaire of every kind of question, in any state, and
answer them through the real questionnaire page.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

import plugins.consultation
from core.testing import add_places, enable_plugin

PLUGIN = "consultation"

# The results show every figure from the first answer here, so that the tests can check the
# figures with a few people; test_privacy.py checks the threshold itself (5 by default).
app_config = enable_plugin(PLUGIN, plugins.consultation, CONSULTATION={"MINIMUM_RESPONDENTS": 1})


@pytest.fixture
def places(app):
    """Two neighbourhoods."""
    return add_places({"rebberg": "Rebberg", "dornach": "Dornach"})


# The questionnaire every test consultation has: one question of each kind.
QUESTIONS = [
    ("single", "How often do you cross the square?", True, ["Every day", "Every week", "Rarely"]),
    ("multiple", "What would you like to find there?", False, ["Trees", "Benches", "A fountain", "Bike racks"]),
    ("ranking", "Rank these priorities", True, ["Safety", "Greenery", "Tram access"]),
    ("scale", "How satisfied are you with the square today?", True, None),
    ("short_text", "One word for the square", False, None),
    ("long_text", "Any other remark?", False, None),
]


@pytest.fixture
def make_consultation(app, users, places):
    """``make_consultation(state="open", **fields)``: a consultation with the six questions."""
    from core.database import db, utcnow
    from plugins.consultation.models import Consultation, Option, Question

    def factory(state="open", title="Redesign of the Porte Jeune square", questions=QUESTIONS, **fields):
        day = utcnow().date()
        if state == "upcoming":
            fields.setdefault("opens_on", day + timedelta(days=5))
            fields.setdefault("closes_on", day + timedelta(days=30))
        elif state in ("closed", "results_published", "decision_published"):
            fields.setdefault("opens_on", day - timedelta(days=30))
            fields.setdefault("closes_on", day - timedelta(days=1))
        fields.setdefault("opens_on", day - timedelta(days=1))
        fields.setdefault("closes_on", day + timedelta(days=20))
        fields.setdefault("has_proposals", True)
        fields.setdefault("has_arguments", True)
        consultation = Consultation(
            title=title, summary="The city redesigns the square: tell us how you use it.",
            body="The budget is **voted**; the design is open.", state=state, author_id=users["staff"].id,
            published_at=None if state == "draft" else utcnow(), **fields,
        )
        for position, (kind, label, required, options) in enumerate(questions, 1):
            question = Question(kind=kind, label=label, required=required, position=position,
                                max_choices=2 if kind == "multiple" else None)
            if kind == "scale":
                question.scale_min, question.scale_max = 1, 5
                question.scale_min_label, question.scale_max_label = "not at all", "completely"
            question.options = [Option(label=text, position=i) for i, text in enumerate(options or [], 1)]
            consultation.questions.append(question)
        db.session.add(consultation)
        db.session.commit()
        return consultation

    return factory


def question(consultation, kind):
    return next(q for q in consultation.questions if q.kind == kind)


def option(consultation, kind, label):
    return next(o for o in question(consultation, kind).options if o.label == label)


def answers(consultation, single="Every day", multiple=("Trees",), ranking=("Safety", "Greenery", "Tram access"),
            scale=4, short_text="", long_text="") -> dict:
    """The form data of a questionnaire filled in with these answers (labels, not ids)."""
    data = {}
    q = question(consultation, "single")
    if single:
        data[f"q{q.id}"] = str(option(consultation, "single", single).id)
    q = question(consultation, "multiple")
    if multiple:
        data[f"q{q.id}"] = [str(option(consultation, "multiple", label).id) for label in multiple]
    q = question(consultation, "ranking")
    for rank, label in enumerate(ranking or (), 1):
        data[f"q{q.id}-{option(consultation, 'ranking', label).id}"] = str(rank)
    if scale is not None:
        data[f"q{question(consultation, 'scale').id}"] = str(scale)
    data[f"q{question(consultation, 'short_text').id}"] = short_text
    data[f"q{question(consultation, 'long_text').id}"] = long_text
    return data


@pytest.fixture
def answer(client):
    """``answer(consultation, **choices)`` posts the questionnaire for the signed-in person."""

    def do_answer(consultation, **choices):
        return client.post(f"/consultations/{consultation.id}/take-part", data=answers(consultation, **choices))

    return do_answer
