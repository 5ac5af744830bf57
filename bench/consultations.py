"""Consultations and council draws of the generated city (issue 7's counts).

Consultations are written with ``COPY`` like the rest of the data (:func:`fill`, called by
:func:`bench.generate.fill` inside its transaction): per scale, ``consultations`` consultations
in every public state, each with a questionnaire of six questions (one of each kind), proposals
with supports, and ``responses`` responses in all, spread over the open and past consultations
(one per person each), every response answering every choice and scale question and a third of
them the free-text ones. Free-text answers are half approved, half awaiting moderation.

Council draws (:func:`load_draws`) go through the ``council_draw`` plugin itself, in a child
process, like the finances: each council gets a small pool of candidates, LEXIMIN
probabilities, a published record and a ceremony, so that every draw's record is real.

Everything is drawn from the generator's seeded ``rng`` except the dates of the open and upcoming
consultations, which follow the day of generation (see :func:`_dates`).
"""

from __future__ import annotations

import random
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone

from .settings import ROOT, Scale, app_environment

CONSULTATION_TYPE = "consultation.consultation"
PROPOSAL_TYPE = "consultation.proposal"
# Per scale: consultations, responses over all of them, proposals per consultation, draws.
SIZES = {"city": (50, 60_000, 20, 20), "metropolis": (500, 600_000, 20, 20), "tiny": (5, 500, 5, 2)}

PROJECTS = ("le réaménagement de la place de la Réunion", "le plan vélo 2030",
            "la rénovation du parc Salvator", "la piétonnisation du centre ancien",
            "le nouveau marché couvert", "l'éclairage public économe", "la cour d'école Oasis",
            "le budget participatif", "la ligne de bus de nuit", "les jardins partagés du Rebberg")
OPTIONS = ("Tout à fait d'accord", "Plutôt d'accord", "Plutôt pas d'accord", "Pas du tout d'accord")
PRIORITIES = ("Sécurité des piétons", "Espaces verts", "Stationnement", "Commerces", "Jeux d'enfants")
USES = ("À pied", "À vélo", "En bus ou en tram", "En voiture")
TEXTS = ("Plus d'ombre en été, s'il vous plaît.", "Pensez aux personnes à mobilité réduite.",
         "Il manque des bancs.", "Très bon projet, à faire vite.", "Attention au bruit le soir.",
         "Associer les écoles du quartier.")
OUTCOMES = ("taken", "partly_taken", "not_taken")
APPROVED, PENDING = "approved", "pending"
# (state, share): the mix of a city's consultations over the years.
STATES = (("decision_published", 0.5), ("results_published", 0.2), ("closed", 0.1), ("open", 0.12),
          ("upcoming", 0.08))
PAST = ("closed", "results_published", "decision_published")
RESULTS = ("results_published", "decision_published")

CONSULTATION_COLUMNS = (
    "id", "title", "summary", "body", "opens_on", "closes_on", "eligibility", "has_questionnaire",
    "has_proposals", "has_arguments", "synthesis", "decision", "created_at", "updated_at",
    "published_at", "state", "is_hidden", "support_count", "comment_count", "author_id",
    "neighbourhood_id", "category_id")
QUESTION_COLUMNS = ("id", "consultation_id", "position", "kind", "label", "help", "required",
                    "max_choices", "scale_min", "scale_max", "scale_min_label", "scale_max_label",
                    "created_at")
PROPOSAL_COLUMNS = ("id", "consultation_id", "title", "body", "outcome", "outcome_reason",
                    "created_at", "updated_at", "published_at", "state", "is_hidden",
                    "support_count", "comment_count", "author_id", "neighbourhood_id",
                    "category_id")


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    span = max((end - start).total_seconds(), 1.0)
    return start + timedelta(seconds=rng.random() * span)


def sizes(scale: Scale) -> tuple[int, int, int, int]:
    """Consultations, responses, proposals per consultation and draws of ``scale`` (the load
    check's own scale takes tiny's)."""
    return SIZES.get(scale.name, SIZES["tiny"])


def _dates(state: str, rng: random.Random, now: datetime, today: date) -> tuple[date, date]:
    """Opening and closing days. Past consultations are dated before the data's ``now``; open and
    upcoming ones around the real ``today``, since the plugin's calendar would otherwise close
    them on their first visit (and write to the database in the middle of a benchmark)."""
    if state == "upcoming":
        opens = today + timedelta(days=rng.randint(30, 60))
        return opens, opens + timedelta(days=rng.randint(21, 45))
    if state == "open":
        opens = today - timedelta(days=rng.randint(1, 20))
        return opens, today + timedelta(days=rng.randint(90, 180))
    closes = now.date() - timedelta(days=rng.randint(40, 3000))
    return closes - timedelta(days=rng.randint(21, 60)), closes


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc)


def _timeline(cid: int, state: str, opens: date, closes: date, created: datetime, now: datetime):
    """The status timeline the workflow service records: announced (or opened) by the staff
    (user 3), opened and closed by the calendar (no actor), results and decision by the staff."""
    steps = [("announce", "draft", "upcoming", 3, created)]
    if state != "upcoming":
        steps.append(("open", "upcoming", "open", None, _at(opens, 0)))
    if state in PAST:
        steps.append(("close", "open", "closed", None, _at(closes + timedelta(days=1), 0)))
    if state in RESULTS:
        steps.append(("publish_results", "closed", "results_published", 3,
                      min(_at(closes + timedelta(days=14)), now)))
    if state == "decision_published":
        steps.append(("publish_decision", "results_published", "decision_published", 3,
                      min(_at(closes + timedelta(days=35)), now)))
    return [(CONSULTATION_TYPE, cid, name, before, after, actor, "", at)
            for name, before, after, actor, at in steps]


def _spread(rng: random.Random, total: int, buckets: int, cap: int) -> list[int]:
    """``total`` drawn over ``buckets`` with a skew (a few consultations draw thousands), none
    above ``cap`` (one response per person): what a bucket cannot take goes to the others."""
    weights = [rng.paretovariate(1.5) for _ in range(buckets)]
    per = [0] * buckets
    for index in rng.choices(range(buckets), weights, k=total):
        per[index] += 1
    overflow = sum(max(n - cap, 0) for n in per)
    per = [min(n, cap) for n in per]
    while overflow:
        index = rng.randrange(buckets)
        if per[index] < cap:
            per[index] += 1
            overflow -= 1
    return per


def fill(cur, scale: Scale, rng: random.Random, now: datetime, copy_rows, log=print) -> dict[str, int]:
    """Write the consultations of ``scale`` (``copy_rows`` is :func:`bench.generate.copy_rows`),
    with what the plugin and the core's services write alongside: supports of proposals (with
    their ``support_count``), follows (participants follow the consultation, supporters the
    proposal) and the status timeline (``workflow_record``). Consultations are not in the search
    index (the plugin does not opt into the ``search`` service). Returns the row counts by table."""
    count, responses_total, proposals_each, _ = sizes(scale)
    accounts = scale.accounts
    residents = range(4, accounts + 1)
    today = datetime.now(timezone.utc).date()
    consultations, questions, options, proposals, supports, timeline = [], [], [], [], [], []
    follows: dict[tuple[int, str, int], datetime] = {}
    question_id = option_id = proposal_id = 0
    layout: dict[int, list[tuple[int, str, list[int]]]] = {}
    windows: dict[int, tuple[datetime, datetime]] = {}
    for cid in range(1, count + 1):
        state = rng.choices([s for s, _ in STATES], [w for _, w in STATES])[0]
        opens, closes = _dates(state, rng, now, today)
        project = PROJECTS[cid % len(PROJECTS)]
        created = _at(opens - timedelta(days=14), 10)
        synthesis = "Les habitants ont surtout demandé plus d'ombre et de sécurité." \
            if state in RESULTS else ""
        decision = "La ville retient le scénario 2, avec plus d'arbres." \
            if state == "decision_published" else ""
        steps = _timeline(cid, state, opens, closes, created, now)
        timeline.extend(steps)
        consultations.append((
            cid, f"Consultation sur {project} ({cid})", f"Donnez votre avis sur {project}.",
            f"Le projet : {project}. Documents et plans joints.", opens, closes,
            "everyone", True, True, False, synthesis, decision, created, steps[-1][7],
            created, state, False, 0, 0, 3, 1 + cid % 12, 1 + cid % 8))
        layout[cid] = []
        for position, (kind, labels) in enumerate((
                ("single", OPTIONS), ("multiple", PRIORITIES), ("ranking", USES), ("scale", ()),
                ("short_text", ()), ("long_text", ())), start=1):
            question_id += 1
            questions.append((
                question_id, cid, position, kind,
                {"single": "Êtes-vous favorable au projet ?", "multiple": "Vos priorités ?",
                 "ranking": "Classez vos façons de venir", "scale": "Votre note du projet",
                 "short_text": "En un mot ?", "long_text": "Vos remarques"}[kind],
                "", kind in ("single", "scale"), 2 if kind == "multiple" else None, 1, 5,
                "Pas du tout" if kind == "scale" else "", "Tout à fait" if kind == "scale" else "",
                created))
            ids = []
            for index, label in enumerate(labels, start=1):
                option_id += 1
                options.append((option_id, question_id, index, label))
                ids.append(option_id)
            layout[cid].append((question_id, kind, ids))
        if state == "upcoming":
            continue  # nobody takes part before it opens
        window = (_at(opens, 8), min(_at(closes, 20), datetime.now(timezone.utc)))
        windows[cid] = window
        for _ in range(proposals_each):
            proposal_id += 1
            votes = int(rng.paretovariate(1.2)) % 400
            author = rng.randint(4, accounts)
            at = _between(rng, *window)
            outcome = rng.choice(OUTCOMES) if state == "decision_published" else None
            proposals.append((
                proposal_id, cid, f"Proposition {proposal_id} : {rng.choice(TEXTS)[:-1]}",
                "Détail de la proposition.", outcome,
                {"taken": "Retenue dans le projet final.", "partly_taken": "Retenue en partie.",
                 "not_taken": "Trop coûteuse pour ce projet."}.get(outcome, ""),
                at, at, at, "published", False, votes, 0, author, None, None))
            follows.setdefault((author, CONSULTATION_TYPE, cid), at)
            voters = rng.sample(residents, votes + 1)
            for user in [u for u in voters if u != author][:votes]:
                supported = _between(rng, at, window[1])
                supports.append((user, PROPOSAL_TYPE, proposal_id, supported))
                follows.setdefault((user, PROPOSAL_TYPE, proposal_id), supported)
    counts = {
        "consultation_consultation": copy_rows(cur, "consultation_consultation", CONSULTATION_COLUMNS,
                                               consultations),
        "consultation_question": copy_rows(cur, "consultation_question", QUESTION_COLUMNS, questions),
        "consultation_option": copy_rows(cur, "consultation_option",
                                         ("id", "question_id", "position", "label"), options),
        "consultation_proposal": copy_rows(cur, "consultation_proposal", PROPOSAL_COLUMNS, proposals),
    }
    counts["support (proposals)"] = copy_rows(
        cur, "support", ("user_id", "content_type", "content_id", "created_at"), supports)
    counts["workflow_record (consultations)"] = copy_rows(cur, "workflow_record", (
        "content_type", "content_id", "transition", "from_state", "to_state", "actor_id", "comment",
        "created_at"), timeline)
    # Responses: skewed over the open and past consultations, one per person.
    answered = list(windows)
    per = _spread(rng, responses_total, len(answered), (accounts - 3) // 2)
    respondents = {cid: rng.sample(residents, n) for cid, n in zip(answered, per)}

    def response_rows():
        rid = 0
        for cid in answered:
            for user in respondents[cid]:
                rid += 1
                at = _between(rng, *windows[cid])
                follows.setdefault((user, CONSULTATION_TYPE, cid), at)
                yield rid, cid, user, at, at

    def answer_rows():
        rid = 0
        for cid in answered:
            for _user in respondents[cid]:
                rid += 1
                for qid, kind, ids in layout[cid]:
                    if kind == "single":
                        yield rid, qid, rng.choices(ids, (4, 3, 2, 1))[0], None, None, None, APPROVED
                    elif kind == "multiple":
                        for oid in rng.sample(ids, rng.randint(1, 2)):
                            yield rid, qid, oid, None, None, None, APPROVED
                    elif kind == "ranking":
                        for rank, oid in enumerate(rng.sample(ids, len(ids)), start=1):
                            yield rid, qid, oid, rank, None, None, APPROVED
                    elif kind == "scale":
                        yield rid, qid, None, None, rng.choices((1, 2, 3, 4, 5), (1, 2, 3, 4, 3))[0], None, APPROVED
                    elif rng.random() < 0.3:
                        yield (rid, qid, None, None, None, rng.choice(TEXTS),
                               APPROVED if rng.random() < 0.5 else PENDING)

    counts["consultation_response"] = copy_rows(
        cur, "consultation_response", ("id", "consultation_id", "user_id", "created_at", "updated_at"),
        response_rows())
    counts["consultation_answer"] = copy_rows(
        cur, "consultation_answer",
        ("response_id", "question_id", "option_id", "rank", "number", "text", "moderation"),
        answer_rows())
    counts["follow (consultations)"] = copy_rows(
        cur, "follow", ("user_id", "content_type", "content_id", "created_at"),
        (key + (at,) for key, at in follows.items()))
    for table in ("consultation_consultation", "consultation_question", "consultation_option",
                  "consultation_proposal", "consultation_response", "consultation_answer"):
        cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table}))")
    return counts


def busiest_results(cur) -> int | None:
    """The consultation with published results that has the most responses (the bench's page)."""
    cur.execute("SELECT c.id FROM consultation_consultation c JOIN consultation_response r "
                "ON r.consultation_id = c.id WHERE c.state IN ('results_published', 'decision_published') "
                "GROUP BY c.id ORDER BY count(*) DESC LIMIT 1")
    row = cur.fetchone()
    return row[0] if row else None


def load_draws(scale: Scale, log=print) -> int:
    """``draws`` councils drawn through the council_draw plugin (pool, LEXIMIN, ceremony)."""
    draws = sizes(scale)[3]
    env = app_environment(scale.url)
    code = (
        "import sys\n"
        "from datetime import date, timedelta\n"
        "from core import create_app\n"
        "from core.database import db, utcnow\n"
        "from core.accounts.models import User\n"
        "app = create_app()\n"
        "if not app.extensions['civique.plugins'].is_enabled('council_draw'):\n"
        "    sys.exit(3)\n"
        "from plugins.council_draw.councils import add_default_features, candidates_of, taken_pseudonyms, unique_pseudonym\n"
        "from plugins.council_draw.draws import hold_ceremony, prepare, publish\n"
        "from plugins.council_draw.eligibility import refresh_flags\n"
        "from plugins.council_draw.models import Candidate, College, Council, Quota\n"
        "from core.taxonomy import Neighbourhood\n"
        f"count = {draws}\n"
        "from core.web import background_context\n"
        "with app.app_context(), background_context():\n"
        "    staff = db.session.get(User, 3)\n"
        "    places = db.session.scalars(db.select(Neighbourhood).order_by(Neighbourhood.id)).all()\n"
        "    done = 0\n"
        "    for n in range(count):\n"
        "        place = places[n % len(places)]\n"
        "        start = date(2016 + n % 9, 1, 15)\n"
        "        council = Council(name=f'Conseil citoyen {place.name} {start.year}', term_start=start,\n"
        "                          term_end=start + timedelta(days=730), minimum_age=16,\n"
        "                          call_opens_on=start - timedelta(days=90),\n"
        "                          call_closes_on=start - timedelta(days=30), is_published=True)\n"
        "        council.neighbourhoods = [place]\n"
        "        add_default_features(council)\n"
        "        college = College(council=council, name='Habitants', kind='residents', seats=12, position=1)\n"
        "        db.session.add(council)\n"
        "        db.session.flush()\n"
        "        gender = next(f for f in council.features if f.key == 'gender')\n"
        "        for value in gender.values[:2]:\n"
        "            db.session.add(Quota(college=college, value=value, minimum=6, maximum=6))\n"
        "        taken = taken_pseudonyms(council.id)\n"
        "        for i in range(60):\n"
        "            db.session.add(Candidate(council_id=council.id, college=college, college_id=college.id,\n"
        "                pseudonym=unique_pseudonym(council.id, taken), first_name=f'Prénom{i}',\n"
        "                last_name=f'Nom{n}', email=f'candidat{n}-{i}@example.org',\n"
        "                birth_date=date(1950 + i % 50, 3, 1), address='1 rue de la Paix',\n"
        "                neighbourhood=place, neighbourhood_id=place.id,\n"
        "                features={'gender': 'woman' if i % 5 < 3 else 'man'}, consent_at=utcnow()))\n"
        "        db.session.flush()\n"
        "        refresh_flags(council, candidates_of(council))\n"
        "        draw = prepare(council, 'leximin', staff)\n"
        "        publish(draw, 'Hôtel de ville', None)\n"
        "        hold_ceremony(draw, f'{n} 4 2 6 1', ['Témoin Un', 'Témoin Deux'])\n"
        "        db.session.commit()\n"
        "        done += 1\n"
        "    print(done)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                            text=True)
    if result.returncode == 3:
        log("  council_draw is not enabled: no draws")
        return 0
    if result.returncode != 0:
        log("  draws NOT made (the plugin failed):\n" + result.stderr[-1500:])
        return 0
    made = int(result.stdout.strip().splitlines()[-1])
    log(f"  council draws: {made} councils drawn through the plugin")
    return made
