"""The demo city's idea box: about thirty ideas across Mulhouse's neighbourhoods, in every
state of their life, with supports, comments, studies, the city's answers and implementation
steps. Everything goes through the core's services, as it would on a real site; only the dates
are moved back in time so that the box looks lived in. Running it twice changes nothing.
"""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from core.services.answers import Answer, publish, save_answer
from core.services.comments import Comment, post_comment
from core.database import db, utcnow
from core.settings import SettingValue, save_setting
from core.hookspecs import hookimpl
from core.demo_images import attach_illustration
from core.services.maps.demo import CENTRES, point_in
from core.services.supports import Support, add
from core.workflows import move, start, timeline

from .demo_ideas import IDEAS
from .models import Department, Idea, ImplementationStep, Study
from .rules import carry_supporters
from .workflow import DECIDED

DEMO_THRESHOLD = 15

DEPARTMENTS = {
    "Mobilité et déplacements": "Voirie et déplacements",
    "Environnement et nature en ville": "Espaces verts",
    "Propreté": "Propreté urbaine",
    "Culture et patrimoine": "Culture",
    "Sport et loisirs": "Sports",
    "Solidarité et vivre-ensemble": "Cohésion sociale",
    "Éducation et jeunesse": "Éducation et jeunesse",
    "Tranquillité publique": "Tranquillité publique",
    "Urbanisme et cadre de vie": "Urbanisme",
    "Commerce et vie économique": "Commerce et artisanat",
}

# How long ago each kind of idea was published (days): the older, the further in its life.
AGE_BY_STATE = {
    "implemented": (400, 540), "in_progress": (250, 400), "accepted": (150, 300),
    "rejected": (120, 300), "merged": (120, 250), "under_study": (60, 150), "eligible": (30, 90),
    "published": (2, 60), "pending": (1, 3), "draft": (0, 5),
}

MERGES = {"Des bancs et de l'ombre aux arrêts de tram": "Des bancs le long de la Doller"}

COMMENTS = [
    "Très bonne idée, je soutiens !",
    "Il faudrait aussi penser aux personnes à mobilité réduite.",
    "Qui entretiendra l'installation ensuite ? C'est la question à se poser dès le départ.",
    "Enfin ! Cela fait des années qu'on en parle dans le quartier.",
    "Je suis plutôt d'accord, mais le coût me semble élevé pour ce que c'est.",
    "On pourrait associer l'école du quartier au projet.",
    "Attention au bruit pour les riverains, surtout le soir.",
    "Bravo pour cette proposition concrète. Je peux aider si besoin.",
    "Une idée simple qui changerait le quotidien de beaucoup de familles.",
    "Ça existe déjà à Strasbourg et ça marche très bien.",
]

STEPS = [
    ("Étude détaillée et devis", "Le service a rencontré les riverains et choisi le prestataire.", 20),
    ("Commande passée", "Le matériel est commandé ; la livraison est prévue dans six semaines.", 45),
    ("Travaux en cours", "L'installation a commencé ; le chantier dure environ trois semaines.", 75),
    ("Inauguration", "L'installation est terminée et ouverte à tous.", 100),
]


@hookimpl
def load_demo_data(demo) -> None:
    """Add the idea box's demo content, once.

    Ideas already there are left alone, so a second run adds nothing (and a run that was
    interrupted is completed).
    """
    if db.session.scalar(select(SettingValue.id).filter_by(plugin="idea_box", name="support_threshold")) is None:
        # A small city's threshold, so that the demo's twenty residents can select ideas.
        save_setting("idea_box", "support_threshold", DEMO_THRESHOLD)
        db.session.commit()
    departments = _departments()
    neighbourhoods = {n.name: n for n in demo.neighbourhoods}
    categories = {c.name: c for c in demo.categories}
    by_title = {idea.title: idea for idea in db.session.scalars(
        select(Idea).where(Idea.title.in_([entry[0] for entry in IDEAS])))}
    for title, body, neighbourhood, theme, final, answer in IDEAS:
        if title in by_title:
            continue
        by_title[title] = _live(demo, title, body, neighbourhoods.get(neighbourhood), categories.get(theme),
                                final, answer, departments.get(DEPARTMENTS.get(theme, "")), by_title)


def _departments() -> dict[str, Department]:
    found = {}
    for name in sorted(set(DEPARTMENTS.values())):
        department = db.session.scalar(select(Department).where(Department.name == name))
        if department is None:
            department = Department(name=name)
            db.session.add(department)
        found[name] = department
    db.session.commit()
    return found


def _live(demo, title, body, neighbourhood, category, final, answer, department, by_title) -> Idea:
    """Create one idea and take it through its life up to ``final``."""
    rng, staff = demo.random, demo.accounts["staff"]
    author = demo.accounts["resident"] if final in ("draft", "pending", "implemented") and \
        rng.random() < 0.6 else rng.choice(demo.residents[1:])
    low, high = AGE_BY_STATE[final]
    born = utcnow() - timedelta(days=rng.randint(low, high), hours=rng.randint(0, 23))
    idea = Idea(title=title, body=body, author_id=author.id, neighbourhood=neighbourhood, category=category,
                estimated_cost=rng.choice([None, 2000, 5000, 15000, 40000]))
    # Most ideas point at a place in their neighbourhood (a random of their own, so that the
    # rest of the demo stays the same).
    placing = random.Random(title)
    if neighbourhood is not None and neighbourhood.name in CENTRES and placing.random() < 0.85:
        idea.latitude, idea.longitude = point_in(neighbourhood.name, placing)
    start(idea)
    db.session.add(idea)
    db.session.flush()
    if final == "draft":
        return _date(idea, born)
    if final == "pending":
        move(idea, "submit", author, record_audit=False)
        return _date(idea, born)
    move(idea, "publish", author, record_audit=False)
    if category is not None and placing.random() < 0.7:
        attach_illustration(idea, category.name, author)
    db.session.commit()

    _supports(demo, idea, author, final)
    _comments(demo, idea)
    if final in ("published", "eligible"):
        return _date(idea, born)
    if final != "merged":
        _study(demo, idea, department)
    if final == "under_study":
        return _date(idea, born)
    state = {"rejected": "rejected", "merged": "merged"}.get(final, "accepted")
    if state == "merged":
        idea.merged_into_id = by_title[MERGES[title]].id
    with db.session.no_autoflush:  # the answer is complete only once save_answer returns
        written = save_answer(idea, staff, state, answer or "")
    publish(written, staff)
    if state == "merged":
        carry_supporters(idea)
    db.session.commit()
    if final in ("in_progress", "implemented"):
        _implement(demo, idea, done=final == "implemented")
    return _date(idea, born)


def _supports(demo, idea: Idea, author, final: str) -> None:
    rng = demo.random
    others = [r for r in demo.residents if r.id != author.id]
    wanted = rng.randint(0, DEMO_THRESHOLD - 3) if final == "published" else rng.randint(DEMO_THRESHOLD, len(others))
    for person in rng.sample(others, min(wanted, len(others))):
        add(person, idea)
    db.session.commit()  # an idea past the threshold is selected for study once this commits


def _comments(demo, idea: Idea) -> None:
    rng = demo.random
    for person in rng.sample(demo.residents, rng.randint(0, 4)):
        post_comment(idea, person, rng.choice(COMMENTS))
    db.session.commit()


def _study(demo, idea: Idea, department: Department | None) -> None:
    rng, staff = demo.random, demo.accounts["staff"]
    idea.department = department
    db.session.add(Study(
        idea=idea, studied_by_id=staff.id, within_competence=True,
        technical="Réalisable par le service avec les moyens habituels ; aucune difficulté technique majeure.",
        legal="Aucune contrainte réglementaire particulière ; l'emplacement appartient à la ville.",
        estimated_cost=rng.choice([3000, 8000, 12000, 25000, 60000]),
        estimated_delay_months=rng.choice([2, 3, 6, 9, 12]),
    ))
    if idea.state in ("published", "eligible"):
        move(idea, "study", staff, record_audit=False)
    db.session.commit()


def _implement(demo, idea: Idea, done: bool) -> None:
    staff = demo.accounts["staff"]
    steps = STEPS if done else STEPS[: demo.random.randint(1, 3)]
    budget = (idea.study.estimated_cost if idea.study else None) or 10000
    for number, (title, description, progress) in enumerate(steps):
        db.session.add(ImplementationStep(
            idea=idea, happened_on=utcnow().date(), title=title, description=description, progress=progress,
            budget_spent=round(budget * progress / 100), created_by_id=staff.id,
        ))
        idea.progress, idea.budget_spent = progress, round(budget * progress / 100)
        if number == 0:
            move(idea, "start_work", staff, record_audit=False)
    if done:
        move(idea, "complete", staff, record_audit=False)
    db.session.commit()


def _date(idea: Idea, born) -> Idea:
    """Spread the idea's history between ``born`` and a little before today."""
    db.session.commit()
    key = (Idea.content_type_name, idea.id)
    records = timeline(idea)
    span = (utcnow() - born) * 0.85
    moments = [born + span * index / max(len(records), 1) for index in range(len(records))]
    idea.created_at = born - timedelta(days=1)
    if idea.published_at is not None:
        idea.published_at = born
    for record, moment in zip(records, moments):
        record.created_at = moment
    decided = next((m for r, m in zip(records, moments) if r.to_state in DECIDED), None)
    for answer in db.session.scalars(select(Answer).where(Answer.content_type == key[0], Answer.content_id == key[1])):
        answer.created_at = answer.published_at = decided or utcnow()
    first_steps = [m for r, m in zip(records, moments) if r.to_state in ("in_progress", "implemented")]
    for step, moment in zip(idea.steps, _spread(first_steps[0], utcnow(), len(idea.steps)) if first_steps else []):
        step.happened_on = moment.date()
    window_end = decided or utcnow()
    for rows in (Support, Comment):
        items = db.session.scalars(select(rows).where(rows.content_type == key[0], rows.content_id == key[1])).all()
        for item, moment in zip(items, _spread(born, window_end, len(items))):
            item.created_at = moment
    db.session.commit()
    return idea


def _spread(start_at, end_at, count: int):
    if count <= 0:
        return []
    step = (end_at - start_at) / (count + 1)
    return [start_at + step * (index + 1) for index in range(count)]
