"""The demo city's consultations: one open now (the Porte Jeune square), one closed with its
results published (the Rebberg school's lunch break), and one whose decision is published (the
tram line's timetable). Residents answer, propose, support and argue through the same functions
the pages use; only the dates are set in the past. Running it twice changes nothing.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.demo_images import attach_illustration
from core.services.comments import post_comment
from core.database import db
from core.hookspecs import hookimpl
from core.services.supports import add
from core.workflows import THE_SYSTEM, move, start

from .models import (
    APPROVED, EVERYONE, LONG_TEXT, MULTIPLE, RANKING, RESIDENTS, SCALE, SHORT_TEXT, SINGLE, Consultation,
    Option, Proposal, Question, Response,
)
from .rules import Submission, save_response, today

# (kind, label, required, options or (min, max, min label, max label), max choices)
SQUARE_QUESTIONS = [
    (SINGLE, "À quelle fréquence traversez-vous la place de la Porte Jeune ?", True,
     ["Tous les jours", "Plusieurs fois par semaine", "Rarement", "Jamais"], None),
    (MULTIPLE, "Qu'aimeriez-vous y trouver ? (trois choix au plus)", False,
     ["Plus d'arbres et d'ombre", "Des bancs", "Des jeux pour enfants", "Une fontaine", "Des stationnements vélo"], 3),
    (RANKING, "Classez ces priorités pour le réaménagement", True,
     ["Sécurité des piétons", "Végétalisation", "Accès au tram", "Animations et marchés"], None),
    (SCALE, "Êtes-vous satisfait de la place aujourd'hui ?", True, (1, 5, "pas du tout", "tout à fait"), None),
    (LONG_TEXT, "Avez-vous une remarque sur le projet ?", False, None, None),
]

SCHOOL_QUESTIONS = [
    (SINGLE, "Êtes-vous favorable à une pause méridienne de deux heures ?", True,
     ["Oui", "Non", "Sans avis"], None),
    (SCALE, "Quelle importance accordez-vous aux activités du midi ?", True, (1, 5, "aucune", "très grande"), None),
    (SHORT_TEXT, "Une activité que vous aimeriez proposer ?", False, None, None),
]

TRAM_QUESTIONS = [
    (SINGLE, "Quel horaire de premier tram vous conviendrait ?", True, ["4 h 30", "5 h", "5 h 30"], None),
    (MULTIPLE, "Quand prenez-vous le tram ?", False,
     ["Le matin", "En journée", "Le soir", "Le week-end"], None),
]

CONSULTATIONS = [
    {
        "title": "Réaménagement de la place de la Porte Jeune",
        "summary": "La Ville prépare le réaménagement de la place de la Porte Jeune. Dites-nous comment vous "
                   "l'utilisez et ce que vous aimeriez y trouver.",
        "body": "La place de la Porte Jeune est un lieu de passage important entre le centre historique et la "
                "gare.\n\nLe budget de 1,2 million d'euros est voté ; **l'aménagement reste à définir** avec vous.",
        "place": ("Place de la Porte Jeune", 47.74528, 7.33622),
        "theme": "Urbanisme et cadre de vie",
        "offset": (-10, 20), "state": "open", "questions": SQUARE_QUESTIONS, "neighbourhoods": [],
        "eligibility": EVERYONE, "proposals": [
            ("Un marché de producteurs le samedi",
             "Installer un petit marché de producteurs locaux le samedi matin sur la place."),
            ("Des toilettes publiques accessibles",
             "Il manque des toilettes publiques accessibles à tous entre la gare et le centre."),
            ("Un abri pour les vélos",
             "Un abri sécurisé pour les vélos près de l'arrêt de tram encouragerait à venir à vélo."),
        ],
        "texts": ["Pensez aux personnes âgées et aux poussettes : des bancs à l'ombre.",
                  "Plus de verdure, s'il vous plaît ! La place est un four en été.",
                  "Gardez de la place pour le marché de Noël.", "Merci de nous consulter."],
        "arguments": [
            ("Un réaménagement attendu depuis longtemps : la place est triste et peu sûre le soir.", "for"),
            ("Le coût me paraît élevé alors que d'autres quartiers attendent des travaux plus urgents.",
             "against"),
        ],
    },
    {
        "title": "Une pause méridienne repensée à l'école du Rebberg",
        "summary": "Faut-il allonger la pause de midi pour proposer des activités aux enfants ? Parents et "
                   "riverains du Rebberg ont donné leur avis.",
        "body": "L'école élémentaire du Rebberg propose d'allonger la pause de midi pour y accueillir des "
                "ateliers sportifs et culturels.",
        "place": ("École élémentaire du Rebberg", 47.73672, 7.34215),
        "theme": "Éducation et jeunesse",
        "offset": (-60, -30), "state": "results_published", "questions": SCHOOL_QUESTIONS,
        "neighbourhoods": ["Rebberg", "Centre historique", "Fonderie", "Dornach", "Bourtzwiller"],
        "eligibility": RESIDENTS, "proposals": [
            ("Un atelier de théâtre le jeudi",
             "Une compagnie du quartier pourrait animer un atelier de théâtre pour les CM1 et CM2."),
            ("Un coin calme pour lire",
             "Tous les enfants n'ont pas envie de courir : une salle de lecture avec la médiathèque."),
            ("Du sport avec les clubs du Rebberg",
             "Les clubs de basket et de judo du quartier proposent d'encadrer des séances d'initiation."),
        ],
        "texts": ["Un atelier de théâtre serait formidable.", "Du jardinage dans la cour.",
                  "Des échecs avec les grands-parents du quartier.", "Une chorale."],
        "arguments": [],
    },
    {
        "title": "Les horaires du tram ligne 2",
        "summary": "Faut-il avancer le premier tram de la ligne 2 le matin ? Vous avez répondu, la Ville a décidé.",
        "body": "Plusieurs usagers travaillant tôt ont demandé un premier départ avant 5 h.",
        "theme": "Mobilité et déplacements",
        "offset": (-120, -90), "state": "decision_published", "questions": TRAM_QUESTIONS,
        "neighbourhoods": [], "eligibility": EVERYONE, "proposals": [
            ("Un premier départ à 5 h en semaine",
             "Les équipes du matin de l'hôpital Émile-Muller commencent à 6 h : un tram à 5 h suffirait."),
            ("Un tram toutes les 10 minutes avant 7 h",
             "Entre 5 h 30 et 7 h, un tram toutes les 20 minutes ne suffit pas : les rames sont pleines."),
            ("Le même horaire le dimanche",
             "Ceux qui travaillent le dimanche ont aussi besoin d'un premier tram tôt."),
        ],
        "texts": [],
        "arguments": [
            ("Indispensable pour ceux qui commencent tôt : aujourd'hui il faut venir en voiture.", "for"),
            ("Un départ si tôt coûtera cher pour très peu de voyageurs.", "against"),
        ],
        "outcomes": [
            ("taken", "Dès la rentrée, le premier tram partira à 5 h du lundi au samedi."),
            ("partly_taken", "Un tram toutes les 15 minutes entre 6 h et 7 h ; toutes les 10 minutes "
                             "demanderait deux rames de plus."),
            ("not_taken", "Trop peu de voyageurs le dimanche à cette heure : l'horaire actuel est gardé, "
                          "la question sera revue dans un an."),
        ],
        "synthesis": "Une large majorité des répondants souhaite un premier départ à 5 h. Plusieurs "
                     "salariés de l'hôpital ont demandé une correspondance avec les bus de nuit.",
        "decision": "Dès la rentrée, le premier tram de la ligne 2 partira à **5 h** du lundi au samedi. "
                    "Une correspondance avec la ligne de bus de nuit sera étudiée avec Soléa.",
    },
]

@hookimpl
def load_demo_data(demo) -> None:
    """Add the consultations once (by title)."""
    staff = demo.accounts["staff"]
    rng = demo.random
    by_name = {n.name: n for n in demo.neighbourhoods}
    for spec in CONSULTATIONS:
        if db.session.scalar(select(Consultation.id).where(Consultation.title == spec["title"])):
            continue
        # Residents take part while it is open; a past consultation then gets its real dates.
        consultation = Consultation(
            title=spec["title"], summary=spec["summary"], body=spec["body"], author_id=staff.id,
            opens_on=today() - timedelta(days=1), closes_on=today() + timedelta(days=1),
            eligibility=spec["eligibility"], has_questionnaire=True, has_proposals=bool(spec["proposals"]),
            has_arguments=bool(spec["arguments"]),
            neighbourhoods=[by_name[name] for name in spec["neighbourhoods"] if name in by_name],
        )
        if spec.get("place"):
            consultation.place_address, consultation.latitude, consultation.longitude = spec["place"]
        start(consultation)
        db.session.add(consultation)
        db.session.flush()
        attach_illustration(consultation, spec["theme"], staff)
        for position, (kind, label, required, options, max_choices) in enumerate(spec["questions"], 1):
            question = Question(kind=kind, label=label, required=required, position=position, max_choices=max_choices)
            if kind == SCALE:
                question.scale_min, question.scale_max, question.scale_min_label, question.scale_max_label = options
            elif options:
                question.options = [Option(label=text, position=i) for i, text in enumerate(options, 1)]
            consultation.questions.append(question)
        db.session.flush()
        # While it is open, residents answer and propose.
        move(consultation, "open", staff)
        eligible = [r for r in demo.residents
                    if spec["eligibility"] == EVERYONE or r.neighbourhood in consultation.neighbourhoods]
        for resident in eligible[:14]:
            _answer(consultation, resident, rng, spec["texts"])
        proposals = []
        if spec["proposals"]:
            for index, (title, body) in enumerate(spec["proposals"]):
                author = eligible[index % len(eligible)]
                proposal = Proposal(consultation_id=consultation.id, title=title, body=body,
                                    author_id=author.id, state="published")
                db.session.add(proposal)
                proposals.append(proposal)
            db.session.flush()
            for proposal in proposals:
                for resident in rng.sample(eligible, k=min(len(eligible), rng.randint(2, 8))):
                    if resident.id != proposal.author_id:
                        add(resident, proposal)
        if spec["arguments"]:
            for (text, stance), resident in zip(spec["arguments"], eligible[-2:]):
                post_comment(consultation, resident, text, stance=stance)
        opens, closes = spec["offset"]
        consultation.opens_on = today() + timedelta(days=opens)
        consultation.closes_on = today() + timedelta(days=closes)
        if spec["state"] == "open":
            _date_the_moves(consultation)
            db.session.commit()
            continue
        move(consultation, "calendar_close", THE_SYSTEM)
        for value in _texts(consultation):
            value.moderation = APPROVED
        move(consultation, "publish_results", staff)
        if spec["state"] == "decision_published":
            consultation.synthesis = spec["synthesis"]
            consultation.decision = spec["decision"]
            for proposal, (outcome, reason) in zip(proposals, spec["outcomes"]):
                proposal.outcome, proposal.outcome_reason = outcome, reason
            move(consultation, "publish_decision", staff)
        _date_the_moves(consultation)
        db.session.commit()


def _date_the_moves(consultation) -> None:
    """Each recorded move of a past consultation on the day it would have happened: opened on
    its first day, closed after its last, results a few days later, the decision after them."""
    from datetime import datetime, time, timezone

    from core.workflows import WorkflowRecord

    def day(value, hour):
        return datetime.combine(value, time(hour), tzinfo=timezone.utc)

    when = {"open": day(consultation.opens_on, 8), "calendar_close": day(consultation.closes_on, 23),
            "publish_results": day(consultation.closes_on + timedelta(days=6), 10),
            "publish_decision": day(consultation.closes_on + timedelta(days=20), 10)}
    for record in db.session.scalars(select(WorkflowRecord).where(
            WorkflowRecord.content_type == consultation.content_type_name,
            WorkflowRecord.content_id == consultation.id)):
        if record.transition in when:
            record.created_at = when[record.transition]
    consultation.published_at = when["open"]
    # The answers came in while it was open, not on the day the demo was loaded.
    last = min(consultation.closes_on, today())
    length = max((last - consultation.opens_on).days, 0)
    responses = db.session.scalars(select(Response).where(Response.consultation_id == consultation.id)
                                   .order_by(Response.id))
    for index, response in enumerate(responses):
        answered = day(consultation.opens_on + timedelta(days=(index * 5) % (length + 1)), 8 + index % 12)
        response.created_at = response.updated_at = answered


def _answer(consultation, resident, rng, texts) -> None:
    submission = Submission()
    from .models import AnswerValue

    for question in consultation.questions:
        if question.kind == SINGLE:
            submission.values.append(AnswerValue(question_id=question.id, option_id=rng.choice(question.options).id))
        elif question.kind == MULTIPLE:
            count = rng.randint(1, question.max_choices or len(question.options))
            for option in rng.sample(question.options, k=count):
                submission.values.append(AnswerValue(question_id=question.id, option_id=option.id))
        elif question.kind == RANKING:
            order = rng.sample(question.options, k=len(question.options))
            for rank, option in enumerate(order, 1):
                submission.values.append(AnswerValue(question_id=question.id, option_id=option.id, rank=rank))
        elif question.kind == SCALE:
            submission.values.append(AnswerValue(question_id=question.id,
                                                 number=rng.randint(question.scale_min, question.scale_max)))
        elif question.kind in (SHORT_TEXT, LONG_TEXT) and texts and rng.random() < 0.4:
            submission.values.append(AnswerValue(question_id=question.id, text=rng.choice(texts)))
    save_response(consultation, resident, submission)


def _texts(consultation):
    from .models import AnswerValue, Response

    return db.session.scalars(
        select(AnswerValue).join(Response).where(Response.consultation_id == consultation.id,
                                                 AnswerValue.text.is_not(None))
    ).all()
