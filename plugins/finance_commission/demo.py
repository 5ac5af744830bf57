"""Demo data: six years of plausible accounts of a FICTIONAL city of about 110,000 inhabitants
(the figures are invented and said to be so on the commission's page), a commission with its
members and meetings, and answered questions."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from core.services.answers import publish, save_answer
from core.services.bodies import add_member, ensure_body, publish_minutes, schedule_meeting
from core.database import db, utcnow
from core.hookspecs import hookimpl
from core.workflows import move

from .importer import Parsed, save_year
from .models import FinanceYear, Question
from .workflow import COMMISSION_SLUG, NAME

FICTIONAL = "Ville fictive (données de démonstration)"
# (account, section, direction, chapter, label, function, amount in the first year, yearly growth)
BASE = (
    ("6061", "F", "D", "011", "Fournitures non stockables (eau, énergie)", "0", 9_800_000, 0.045),
    ("611", "F", "D", "011", "Contrats de prestations de services", "8", 14_200_000, 0.02),
    ("6411", "F", "D", "012", "Personnel titulaire", "2", 58_500_000, 0.022),
    ("6451", "F", "D", "012", "Cotisations à l'URSSAF", "2", 12_400_000, 0.02),
    ("6574", "F", "D", "65", "Subventions aux associations", "3", 11_300_000, 0.01),
    ("657362", "F", "D", "65", "Subvention au CCAS", "4", 6_900_000, 0.015),
    ("66111", "F", "D", "66", "Intérêts des emprunts", "0", 2_900_000, -0.03),
    ("6811", "F", "D", "042", "Dotations aux amortissements", "0", 9_000_000, 0.01),
    ("73111", "F", "R", "731", "Impôts directs locaux", "0", 84_000_000, 0.03),
    ("7411", "F", "R", "74", "Dotation forfaitaire (DGF)", "0", 19_800_000, -0.01),
    ("74123", "F", "R", "74", "Dotation de solidarité urbaine", "0", 9_600_000, 0.02),
    ("7066", "F", "R", "70", "Redevances des services", "3", 12_100_000, 0.025),
    ("752", "F", "R", "75", "Revenus des immeubles", "0", 3_200_000, 0.01),
    ("2135", "I", "D", "21", "Installations générales des bâtiments", "2", 14_000_000, 0.04),
    ("2315", "I", "D", "23", "Travaux de voirie en cours", "8", 12_500_000, 0.05),
    ("2041512", "I", "D", "204", "Subventions d'équipement versées", "5", 2_400_000, 0.0),
    ("1641", "I", "D", "16", "Remboursement du capital des emprunts", "0", 9_700_000, 0.01),
    ("1641", "I", "R", "16", "Emprunts nouveaux", "0", 8_000_000, 0.03),
)
FIRST_YEAR, YEARS = 2019, 6


def _accounts(offset: int) -> Parsed:
    parsed = Parsed(format="simple", stage="compte administratif", entity_name=FICTIONAL)
    for account, section, direction, chapter, label, function, amount, growth in BASE:
        value = Decimal(str(round(amount * (1 + growth) ** offset, 2)))
        parsed.lines.append({"section": section, "direction": direction, "is_real": chapter != "042",
                             "account": account, "chapter": chapter, "label": label, "function": function,
                             "amount": value})
    return parsed


@hookimpl
def load_demo_data(demo) -> None:
    """Six fictional years, the commission, its meetings and answered questions (once)."""
    if db.session.scalar(select(FinanceYear.id).limit(1)) is not None:
        return
    staff = demo.accounts["staff"]
    for offset in range(YEARS):
        population = 110_000 + 350 * offset
        debt = Decimal(str(round(92_000_000 - 1_200_000 * offset, 2)))
        save_year(FIRST_YEAR + offset, population, debt, _accounts(offset), staff)
    body = ensure_body(NAME, COMMISSION_SLUG, "Commission extra-municipale des finances",
                       "Démonstration : une ville **fictive**, des chiffres inventés. Habitants tirés au "
                       "sort et élus suivent les finances de la ville et répondent aux questions.")
    add_member(body, "Claire Dubois", "elected", "Présidente, adjointe aux finances")
    add_member(body, "Jean Lambert", "elected", "Conseiller municipal d'opposition")
    for resident in demo.residents[1:6]:
        add_member(body, resident.display_name, "resident", "membre", user=resident)
    now = utcnow()
    for months_ago, title in ((8, "Présentation du compte administratif"), (4, "Orientations budgétaires"),
                              (1, "Examen du budget primitif")):
        meeting = schedule_meeting(body, title, now - timedelta(days=30 * months_ago), "Hôtel de ville, salle 2",
                                   "1. Accueil\n2. Présentation des chiffres\n3. Questions des habitants")
        publish_minutes(meeting, f"Compte rendu de la séance « {title} » : chiffres présentés, questions posées, "
                                 "réponses apportées.")
    schedule_meeting(body, "Suivi de l'exécution budgétaire", now + timedelta(days=21), "Hôtel de ville, salle 2",
                     "1. Exécution au premier semestre\n2. Questions des habitants")
    questions = (
        ("Pourquoi les dépenses de personnel augmentent-elles chaque année ?",
         "La hausse vient surtout des revalorisations nationales du point d'indice et des recrutements "
         "dans les écoles."),
        ("Combien d'années faudrait-il pour rembourser la dette ?",
         "Environ sept ans d'épargne brute : c'est sous le seuil de vigilance de huit ans."),
    )
    for index, (title, reply) in enumerate(questions):
        question = Question(title=title, body="", author_id=demo.residents[index + 1].id, state="pending")
        db.session.add(question)
        db.session.flush()
        move(question, "approve", demo.accounts["moderator"])
        publish(save_answer(question, staff, "answered", reply), staff)
    pending = Question(title="Quelle part du budget va aux écoles ?", body="", author_id=demo.residents[3].id,
                       state="pending")
    db.session.add(pending)
    db.session.flush()
    move(pending, "approve", demo.accounts["moderator"])
    db.session.commit()
