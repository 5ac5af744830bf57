"""Fill a dedicated PostgreSQL database with a city's worth of participation, fast.

The schema is Civique's own (``flask --app core db upgrade`` on the bench database); the rows are
written with PostgreSQL's ``COPY`` through psycopg, in the order the foreign keys need, with the
counters (``support_count``, ``comment_count``) and the search index (``search_entry``) consistent
with the rows, as the services would have left them. The consultations come from
``bench/consultations.py`` in the same transaction; the finances (a few dozen lines a year) and
the council draws go through their plugins' own code.

Usage: ``python -m bench.generate city`` (or ``metropolis``, ``tiny``); ``--force`` rebuilds.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import subprocess
import sys
import time
import unicodedata
from collections import defaultdict
from datetime import datetime, timedelta, timezone

import psycopg

from . import consultations
from .settings import BIN, PASSWORD, ROOT, SCALES, Scale, app_environment, PG_SERVER

IDEA_TYPE = "idea_box.idea"
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc)
SEED = 20140101

NEIGHBOURHOODS = ("Centre", "Rebberg", "Dornach", "Bourtzwiller", "Drouot", "Fonderie", "Coteaux",
                  "Brustlein", "Nordfeld", "Wolf-Wagner", "Daguerre", "Haut-Poirier")
CATEGORIES = ("Mobilité", "Environnement", "Culture", "Sport", "Solidarité", "Propreté",
              "Éducation", "Sécurité")
DEPARTMENTS = ("Voirie", "Espaces verts", "Culture", "Sports", "Action sociale", "Propreté urbaine")
ACTIONS = ("Installer", "Créer", "Rénover", "Planter", "Sécuriser", "Aménager", "Ouvrir", "Éclairer",
           "Végétaliser", "Réparer", "Agrandir", "Animer")
OBJECTS = ("des bancs", "une piste cyclable", "un jardin partagé", "des arbres", "un passage piéton",
           "une aire de jeux", "des toilettes publiques", "un composteur collectif", "une fontaine",
           "des arceaux à vélos", "un terrain de basket", "une boîte à livres", "des poubelles de tri",
           "un marché de producteurs", "une fresque murale", "un abri pour les oiseaux")
PLACES = ("rue du Sauvage", "place de la Réunion", "parc Salvator", "avenue Kennedy", "quai d'Isly",
          "rue de Bâle", "square Steinbach", "boulevard de l'Europe", "rue des Tanneurs",
          "parc Wallach", "place de la Paix", "rue de la Mer Rouge", "près de l'école Jules Ferry")
REASONS = ("pour que les familles profitent du quartier", "pour ralentir les voitures",
           "pour rafraîchir la ville en été", "pour que les enfants jouent en sécurité",
           "pour créer du lien entre voisins", "pour réduire les déchets",
           "pour que les personnes âgées puissent se reposer", "pour encourager le vélo")
COMMENTS = ("Excellente idée, je soutiens !", "Il faudrait penser à l'entretien sur la durée.",
            "Le quartier en a vraiment besoin, surtout le week-end.",
            "Je ne suis pas convaincu : le coût semble élevé pour peu d'usagers.",
            "Pourquoi pas, mais en concertation avec les riverains.",
            "On pourrait aussi prévoir un éclairage la nuit.",
            "Bonne idée ; à coupler avec un projet de l'école voisine ?",
            "Attention au stationnement qui est déjà difficile dans cette rue.")
# (state, share of ideas, public?)
STATES = (("published", 0.62, True), ("eligible", 0.05, True), ("under_study", 0.05, True),
          ("accepted", 0.04, True), ("in_progress", 0.03, True), ("implemented", 0.05, True),
          ("rejected", 0.12, True), ("draft", 0.02, False), ("pending", 0.02, False))
# The idea box's default "support_threshold" setting.
SUPPORT_THRESHOLD = 50
STAFF_STATES = {"eligible", "under_study", "accepted", "in_progress", "implemented", "rejected"}


def fold(text: str) -> str:
    """Lower-case without accents: the core's search document (core.services.search.fold)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def ts(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S+00")


def copy_text(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return ts(value)
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_rows(cur, table: str, columns: tuple[str, ...], rows) -> int:
    """``COPY table (columns) FROM STDIN`` with ``rows``, in chunks; returns the row count."""
    count = 0
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(copy_text(v) for v in row))
            buffer.write("\n")
            count += 1
            if count % 50_000 == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())
    return count


# --- The database ---------------------------------------------------------------------------------


def recreate_database(scale: Scale) -> None:
    """Drop and create the scale's own database (never any other), then Civique's schema."""
    assert scale.database.startswith("civique_bench_")
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{scale.database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{scale.database}"')
    env = app_environment(scale.url)
    result = subprocess.run([str(BIN / "flask"), "--app", "core", "db", "upgrade"], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"flask db upgrade failed on {scale.database}:\n{result.stderr[-3000:]}")


def generated_scale(scale: Scale) -> dict | None:
    """What the bench database of ``scale`` holds, if it was fully generated, else ``None``."""
    try:
        with psycopg.connect(scale.url) as conn:
            row = conn.execute("SELECT accounts, ideas, supports, comments, consultations, responses, "
                               "draws FROM bench_dataset WHERE scale = %s", (scale.name,)).fetchone()
            has_consultations = conn.execute(
                "SELECT to_regclass('consultation_consultation') IS NOT NULL").fetchone()[0]
    except psycopg.Error:
        return None  # not generated, or generated before the consultations were
    if not has_consultations and "consultation" in os.environ.get("BENCH_PLUGINS", "consultation"):
        return None  # generated without the plugin, which the servers will now enable
    expected = (scale.accounts, scale.ideas, scale.supports, scale.comments)
    expected += consultations.sizes(scale)[:2] if has_consultations else (0, 0)
    if row is None or row[:6] != expected:
        return None
    return dict(zip(("accounts", "ideas", "supports", "comments", "consultations", "responses", "draws"),
                    row))


# --- Rows -----------------------------------------------------------------------------------------


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    span = max((end - start).total_seconds(), 1.0)
    return start + timedelta(seconds=rng.random() * span)


def _skewed(rng: random.Random, count: int) -> int:
    """An index in ``range(count)``, the first ones far more often (a few ideas draw crowds)."""
    return min(int(count * rng.random() ** 3), count - 1)


def users(scale: Scale, rng: random.Random, password_hash: str):
    """Accounts over ten years: user 1 is an admin, 2 a moderator, 3 staff, the rest residents."""
    start = NOW - timedelta(days=3650)
    frequencies = ("each",) * 2 + ("daily",) * 3 + ("none",) * 5
    created = sorted(_between(rng, start, NOW - timedelta(days=1)) for _ in range(scale.accounts))
    for index, created_at in enumerate(created, start=1):
        confirmed = created_at + timedelta(minutes=rng.randint(1, 600))
        yield (index, f"resident{index}@bench.example.org", password_hash, f"Habitant {index}",
               rng.randint(1, len(NEIGHBOURHOODS)), "fr", rng.choice(frequencies), 1, created_at,
               confirmed, None, _between(rng, confirmed, NOW), None)


USER_COLUMNS = ("id", "email", "password_hash", "display_name", "neighbourhood_id", "locale",
                "notification_frequency", "session_version", "created_at", "email_confirmed_at",
                "residency_verified_at", "last_login_at", "deleted_at")


class Ideas:
    """The ideas, drawn first so that supports and comments can refer to them."""

    def __init__(self, scale: Scale, rng: random.Random):
        start = NOW - timedelta(days=5 * 365)
        states = [s for s, _share, _public in STATES]
        weights = [share for _s, share, _public in STATES]
        self.rows = []
        for index in range(1, scale.ideas + 1):
            action, obj, place = rng.choice(ACTIONS), rng.choice(OBJECTS), rng.choice(PLACES)
            title = f"{action} {obj} {place}"[:150]
            body = (f"{action} {obj} {place}, {rng.choice(REASONS)}. "
                    f"Aujourd'hui rien n'existe {place} et les habitants en parlent souvent. "
                    f"Idée n° {index} : {rng.choice(REASONS)}.")
            created = _between(rng, start, NOW - timedelta(days=2))
            state = rng.choices(states, weights)[0]
            published = None if state in ("draft", "pending") else created + timedelta(hours=rng.randint(1, 72))
            self.rows.append({
                "id": index, "title": title, "body": body, "place_address": place, "state": state,
                "created_at": created, "published_at": published,
                "author_id": rng.randint(4, scale.accounts),
                "neighbourhood_id": rng.randint(1, len(NEIGHBOURHOODS)),
                "category_id": rng.randint(1, len(CATEGORIES)),
                "department_id": rng.randint(1, len(DEPARTMENTS)) if state in STAFF_STATES else None,
                "estimated_cost": rng.choice((None, 500, 2_000, 15_000, 80_000)),
                "progress": {"in_progress": 50, "implemented": 100}.get(state, 0),
                "support_count": 0, "comment_count": 0,
            })
        # The supportable public ideas, in a fixed shuffled order: _skewed() picks the first ones
        # most, so popularity does not follow the ids.
        self.public = [row for row in self.rows if row["published_at"] is not None]
        rng.shuffle(self.public)

    def pick(self, rng: random.Random) -> dict:
        return self.public[_skewed(rng, len(self.public))]


def select_past_threshold(ideas: Ideas) -> None:
    """An idea open for support that has the threshold's supports is selected for study, as the
    idea box's rules would have done on the support that reached it."""
    for idea in ideas.rows:
        if idea["state"] == "published" and idea["support_count"] >= SUPPORT_THRESHOLD:
            idea["state"] = "eligible"


def supports(scale: Scale, rng: random.Random, ideas: Ideas) -> list[tuple[int, int, datetime]]:
    """``scale.supports`` distinct (user, idea) pairs, never an author on their own idea."""
    seen: set[tuple[int, int]] = set()
    rows = []
    while len(rows) < scale.supports:
        idea = ideas.pick(rng)
        user_id = rng.randint(1, scale.accounts)
        key = (user_id, idea["id"])
        if user_id == idea["author_id"] or key in seen:
            continue
        seen.add(key)
        idea["support_count"] += 1
        rows.append((user_id, idea["id"], _between(rng, idea["published_at"], NOW)))
    return rows


def comments(scale: Scale, rng: random.Random, ideas: Ideas) -> list[tuple]:
    """Threads: a third of the comments answer an earlier one on the same idea."""
    roots: dict[int, list[int]] = defaultdict(list)
    rows = []
    for comment_id in range(1, scale.comments + 1):
        idea = ideas.pick(rng)
        parent = None
        if roots[idea["id"]] and rng.random() < 0.33:
            parent = rng.choice(roots[idea["id"]])
        else:
            roots[idea["id"]].append(comment_id)
        idea["comment_count"] += 1
        stance = None if parent else rng.choice((None, "for", "against", "neutral"))
        rows.append((comment_id, IDEA_TYPE, idea["id"], parent, parent, rng.randint(1, scale.accounts),
                     rng.choice(COMMENTS), stance, _between(rng, idea["published_at"], NOW), None,
                     False, None, None))
    # A reply is never older than its thread's first comment.
    by_id = {row[0]: row for row in rows}
    fixed = []
    for row in rows:
        if row[3] is not None and row[8] < by_id[row[3]][8]:
            row = row[:8] + (by_id[row[3]][8] + timedelta(minutes=5),) + row[9:]
        fixed.append(row)
    return fixed


COMMENT_COLUMNS = ("id", "content_type", "content_id", "parent_id", "reply_to_id", "author_id", "body",
                   "stance", "created_at", "edited_at", "is_hidden", "hidden_reason", "hidden_at")
IDEA_COLUMNS = ("id", "created_at", "updated_at", "published_at", "state", "is_hidden", "support_count",
                "comment_count", "author_id", "neighbourhood_id", "category_id", "title", "body",
                "place_address", "latitude", "longitude", "estimated_cost", "campaign_id",
                "department_id", "merged_into_id", "progress", "budget_spent")


def idea_rows(ideas: Ideas):
    for i in ideas.rows:
        yield (i["id"], i["created_at"], i["published_at"] or i["created_at"], i["published_at"],
               i["state"], False, i["support_count"], i["comment_count"], i["author_id"],
               i["neighbourhood_id"], i["category_id"], i["title"], i["body"], i["place_address"],
               None, None, i["estimated_cost"], None, i["department_id"], None, i["progress"], None)


def search_rows(ideas: Ideas):
    """The search index as core.services.search.indexing.index_item writes it (title, body + address, folded)."""
    for i in ideas.rows:
        body = " ".join(part for part in (i["body"], i["place_address"]) if part)
        yield (IDEA_TYPE, i["id"], i["title"], body, fold(f"{i['title']} {body}"), i["neighbourhood_id"],
               i["category_id"], i["published_at"] is not None, i["published_at"] or i["created_at"])


def workflow_rows(ideas: Ideas):
    """The status timeline: published by the author, then moved by the staff (user 3)."""
    for i in ideas.rows:
        if i["state"] == "pending":
            yield (IDEA_TYPE, i["id"], "submit", "draft", "pending", i["author_id"], "", i["created_at"])
        if i["published_at"] is None:
            continue
        yield (IDEA_TYPE, i["id"], "publish", "draft", "published", i["author_id"], "", i["published_at"])
        if i["state"] != "published":
            yield (IDEA_TYPE, i["id"], "bench", "published", i["state"], 3,
                   "Décision de la ville." if i["state"] == "rejected" else "",
                   i["published_at"] + timedelta(days=30))


def follow_rows(ideas: Ideas, support_rows, comment_rows):
    """Who follows what: authors, supporters and commenters (the services make them follow)."""
    seen = set()
    for i in ideas.rows:
        key = (i["author_id"], i["id"])
        seen.add(key)
        yield (key[0], IDEA_TYPE, key[1], i["created_at"])
    for user_id, idea_id, at in support_rows:
        if (user_id, idea_id) not in seen:
            seen.add((user_id, idea_id))
            yield (user_id, IDEA_TYPE, idea_id, at)
    for row in comment_rows:
        key = (row[5], row[2])
        if key not in seen:
            seen.add(key)
            yield (key[0], IDEA_TYPE, key[1], row[8])


# --- Filling ----------------------------------------------------------------------------------------


BULK_TABLES = ("user_account", "idea_box_idea", "search_entry", "workflow_record", "support", "comment",
               "follow", "consultation_consultation", "consultation_question", "consultation_option",
               "consultation_proposal", "consultation_response", "consultation_answer")


def drop_indexes(cur) -> list[str]:
    """Drop the plain indexes of the big tables (kept: those behind primary keys and unique
    constraints); returns their definitions, to build them again once the rows are in."""
    rows = cur.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
        "AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
        "WHERE c.conname = i.indexname)", (list(BULK_TABLES),)).fetchall()
    for name, _definition in rows:
        cur.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in rows]


def fill(scale: Scale, password_hash: str, log=print) -> dict[str, int]:
    """Write every row of ``scale`` into its (freshly migrated) database."""
    rng = random.Random(SEED)
    started = time.monotonic()
    ideas = Ideas(scale, rng)
    support_rows = supports(scale, rng, ideas)
    comment_rows = comments(scale, rng, ideas)
    select_past_threshold(ideas)
    log(f"  drawn in memory in {time.monotonic() - started:.1f} s")
    counts: dict[str, int] = {}
    with psycopg.connect(scale.url) as conn, conn.cursor() as cur:
        cur.execute("SET synchronous_commit = off")
        cur.execute("SET maintenance_work_mem = '512MB'")
        indexes = drop_indexes(cur)
        counts["neighbourhood"] = copy_rows(cur, "neighbourhood", ("id", "name", "slug", "position"), (
            (n, name, fold(name).replace(" ", "-"), n) for n, name in enumerate(NEIGHBOURHOODS, 1)))
        counts["category"] = copy_rows(cur, "category", ("id", "name", "slug", "position"), (
            (n, name, fold(name), n) for n, name in enumerate(CATEGORIES, 1)))
        counts["idea_box_department"] = copy_rows(cur, "idea_box_department", ("id", "name"),
                                                  enumerate(DEPARTMENTS, 1))
        counts["user_account"] = copy_rows(cur, "user_account", USER_COLUMNS, users(scale, rng, password_hash))
        copy_rows(cur, "user_role", ("user_id", "role", "granted_at"),
                  ((1, "admin", NOW), (2, "moderator", NOW), (3, "staff", NOW)))
        if cur.execute("SELECT to_regclass('consultation_consultation')").fetchone()[0]:
            counts.update(consultations.fill(cur, scale, rng, NOW, copy_rows, log))
        else:
            log("  consultation is not enabled (no tables): no consultations")
        counts["idea_box_idea"] = copy_rows(cur, "idea_box_idea", IDEA_COLUMNS, idea_rows(ideas))
        counts["search_entry"] = copy_rows(cur, "search_entry", (
            "content_type", "content_id", "title", "body", "document", "neighbourhood_id", "category_id",
            "is_public", "updated_at"), search_rows(ideas))
        # The stored French tsvector that core.services.search.indexing.index_item writes with each entry.
        cur.execute("UPDATE search_entry SET search_vector = to_tsvector('french', document)")
        counts["workflow_record"] = copy_rows(cur, "workflow_record", (
            "content_type", "content_id", "transition", "from_state", "to_state", "actor_id", "comment",
            "created_at"), workflow_rows(ideas))
        counts["support"] = copy_rows(cur, "support", ("user_id", "content_type", "content_id", "created_at"),
                                      ((u, IDEA_TYPE, i, at) for u, i, at in support_rows))
        counts["comment"] = copy_rows(cur, "comment", COMMENT_COLUMNS, comment_rows)
        counts["follow"] = copy_rows(cur, "follow", ("user_id", "content_type", "content_id", "created_at"),
                                     follow_rows(ideas, support_rows, comment_rows))
        for definition in indexes:
            cur.execute(definition)
        for table in ("neighbourhood", "category", "idea_box_department", "user_account", "idea_box_idea",
                      "comment"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))")
        conn.commit()
    log(f"  copied and indexed in {time.monotonic() - started:.1f} s: " +
        ", ".join(f"{table} {count:,}" for table, count in counts.items()))
    return counts


def load_finances(scale: Scale, log=print) -> int:
    """Ten years of accounts through the finance plugin's importer (a few hundred lines)."""
    env = app_environment(scale.url)
    code = (
        "import sys\n"
        "from decimal import Decimal\n"
        "from core import create_app\n"
        "from core.database import db\n"
        "from core.accounts.models import User\n"
        "app = create_app()\n"
        "if not app.extensions['civique.plugins'].is_enabled('finance_commission'):\n"
        "    sys.exit(3)\n"
        "from plugins.finance_commission.demo import _accounts\n"
        "from plugins.finance_commission.importer import save_year\n"
        "from plugins.finance_commission.models import FinanceYear\n"
        f"years, population = {scale.finance_years}, {scale.residents}\n"
        "from core.web import background_context\n"
        "with app.app_context(), background_context():\n"
        "    staff = db.session.get(User, 3)\n"
        "    for offset in range(years):\n"
        "        parsed = _accounts(offset)\n"
        "        parsed.entity_name = 'Benchville (fictional)'\n"
        "        save_year(2025 - years + offset, population + 300 * offset,\n"
        "                  Decimal(90_000_000 - 1_000_000 * offset) * population / 110_000, parsed, staff)\n"
        "    db.session.commit()\n"
        "    print(db.session.query(FinanceYear).count())\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode == 3:
        log("  finance_commission is not enabled: no accounts loaded")
        return 0
    if result.returncode != 0:
        log("  finances NOT loaded (the plugin's importer failed):\n" + result.stderr[-1500:])
        return 0
    years = int(result.stdout.strip().splitlines()[-1])
    log(f"  finances: {years} years of accounts imported")
    return years


def finish(scale: Scale, counts: dict[str, int], draws: int, log=print) -> None:
    """Statistics for the planner, and the mark that says this scale is complete."""
    with psycopg.connect(scale.url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        conn.execute("CREATE TABLE IF NOT EXISTS bench_dataset (scale text PRIMARY KEY, accounts int, "
                     "ideas int, supports int, comments int, consultations int, responses int, "
                     "answers int, draws int, generated_at timestamptz DEFAULT now())")
        conn.execute("INSERT INTO bench_dataset (scale, accounts, ideas, supports, comments, consultations, "
                     "responses, answers, draws) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                     (scale.name, counts["user_account"], counts["idea_box_idea"], counts["support"],
                      counts["comment"], counts.get("consultation_consultation", 0),
                      counts.get("consultation_response", 0), counts.get("consultation_answer", 0), draws))


def generate(scale: Scale, *, force: bool = False, log=print) -> float:
    """Build the database of ``scale`` unless it is already complete; returns the seconds spent."""
    if not force and generated_scale(scale) is not None:
        log(f"{scale.database}: already generated (use --force to rebuild)")
        return 0.0
    from core.accounts.passwords import hash_password

    started = time.monotonic()
    log(f"{scale.database}: creating the schema (flask --app core db upgrade)")
    recreate_database(scale)
    counts = fill(scale, hash_password(PASSWORD), log=log)
    load_finances(scale, log=log)
    draws = consultations.load_draws(scale, log=log)
    finish(scale, counts, draws, log=log)
    elapsed = time.monotonic() - started
    log(f"{scale.database}: ready in {elapsed:.0f} s")
    return elapsed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scales", nargs="*", default=["city"], choices=sorted(SCALES))
    parser.add_argument("--force", action="store_true", help="rebuild even if already generated")
    args = parser.parse_args(argv)
    for name in args.scales:
        generate(SCALES[name], force=args.force)
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
