"""Nothing lost under load: two gunicorn instances of Civique on the same PostgreSQL database and
the same Redis, many signed-in residents supporting, withdrawing and commenting at once, each
request sent to one instance or the other.

Afterwards, from the database:

- every idea's ``support_count`` and ``comment_count`` equals its rows, and equals what the
  successful responses imply (its count before, plus the supports each resident ended with, plus
  the comments published);
- each resident supports exactly the ideas their last successful action says;
- no (resident, idea) support is doubled;
- no response was a 5xx (nor a socket error);
- the log-in rate limit holds across both instances: failed attempts alternating between them
  are refused (429) once the limit is reached in total, not per instance.

Bounded: ``--residents`` residents x ``--actions`` actions each, ``--seconds`` at most, all on
127.0.0.1. Runs on its own database (``civique_bench_load``, rebuilt each time).
Usage: ``python -m bench.loadcheck``; exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import psycopg

from .generate import generate
from .servers import Client, Server
from .settings import PASSWORD, REDIS_URL, Scale, app_environment

IDEA_TYPE = "idea_box.idea"
LOAD = Scale("load", residents=11_000, accounts=2_000, ideas=500, supports=20_000, comments=5_000,
             finance_years=1)


@dataclass
class Resident:
    """One signed-in resident and what their successful responses say."""

    user_id: int
    email: str
    clients: list[Client] = field(default_factory=list)
    supported: dict[int, bool] = field(default_factory=dict)  # idea -> supports it (believed)
    touched: set[int] = field(default_factory=set)
    comments: Counter = field(default_factory=Counter)  # idea -> comments published
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)


def _setup(conn, residents: int, ideas: int, rng: random.Random):
    """A few published ideas (the contention) and residents who did not write them."""
    idea_ids = [row[0] for row in conn.execute(
        "SELECT id FROM idea_box_idea WHERE state = 'published' ORDER BY id LIMIT %s", (ideas,))]
    authors = {row[0] for row in conn.execute(
        "SELECT author_id FROM idea_box_idea WHERE id = ANY(%s)", (idea_ids,))}
    people = [(uid, email) for uid, email in conn.execute(
        "SELECT id, email FROM user_account WHERE id > 10 ORDER BY id LIMIT %s", (residents * 2,))
        if uid not in authors][:residents]
    return idea_ids, [Resident(uid, email) for uid, email in people]


def _counts(conn, idea_ids):
    rows = conn.execute(
        "SELECT i.id, i.support_count, i.comment_count, "
        "(SELECT count(*) FROM support s WHERE s.content_type = %s AND s.content_id = i.id), "
        "(SELECT count(*) FROM comment c WHERE c.content_type = %s AND c.content_id = i.id) "
        "FROM idea_box_idea i WHERE i.id = ANY(%s)", (IDEA_TYPE, IDEA_TYPE, idea_ids)).fetchall()
    return {row[0]: row[1:] for row in rows}


def _act(resident: Resident, idea_ids, actions: int, deadline: float, rng: random.Random) -> None:
    """The resident's actions, alternating between the two instances."""
    for step in range(actions):
        if time.monotonic() > deadline:
            resident.failures.append("stopped by the time bound")
            return
        client = resident.clients[step % 2]
        idea = rng.choice(idea_ids)
        roll = rng.random()
        try:
            if roll < 0.2:
                token = client.csrf(f"/content/{IDEA_TYPE}/{idea}/comments")
                response = client.post(f"/content/{IDEA_TYPE}/{idea}/comments",
                                       {"csrf_token": token, "body": f"Bench comment {step} by {resident.user_id}",
                                        "stance": ""})
                if response.status == 302:
                    resident.comments[idea] += 1
            else:
                action = "support" if roll < 0.65 else "withdraw"
                token = client.csrf(f"/ideas/{idea}")
                response = client.post(f"/content/{IDEA_TYPE}/{idea}/support",
                                       {"csrf_token": token, "action": action, "next": f"/ideas/{idea}"})
                if response.status == 302:
                    resident.supported[idea] = action == "support"
                    resident.touched.add(idea)
            resident.statuses[response.status] += 1
            if response.status >= 500 or response.status not in (302,):
                resident.failures.append(f"{response.status} on idea {idea} ({'comment' if roll < 0.2 else action})")
        except OSError as error:
            resident.statuses["socket error"] += 1
            resident.failures.append(f"socket error: {error}")


def _rate_limit(urls: list[str], attempts: int) -> dict:
    """Failed log-ins on one account, alternating between the instances: 10 pass, then 429."""
    email = f"nobody-{secrets.token_hex(4)}@bench.example.org"
    statuses = []
    for n in range(attempts):
        client = Client(urls[n % 2])
        token = client.csrf("/account/login")
        statuses.append(client.post("/account/login", {"csrf_token": token, "email": email,
                                                       "password": "wrong-password-1"}).status)
        client.close()
    return {"email": email, "statuses": statuses}


def run(residents: int = 40, ideas: int = 6, actions: int = 15, seconds: int = 180, log=print) -> dict:
    """The whole check; returns its report (``passed`` says whether every check held)."""
    generate(LOAD, force=True, log=lambda message: None)
    rng = random.Random(7)
    with psycopg.connect(LOAD.url) as conn:
        idea_ids, people = _setup(conn, residents, ideas, rng)
        before = _counts(conn, idea_ids)
        initially = {(uid, iid) for uid, iid in conn.execute(
            "SELECT user_id, content_id FROM support WHERE content_type = %s AND content_id = ANY(%s)",
            (IDEA_TYPE, idea_ids))}
    env = app_environment(LOAD.url, redis=True)
    # Both instances share this prefix (a fresh one each run): only this run's attempts count.
    env["CIVIQUE_RATELIMIT_KEY_PREFIX"] = f"civique-bench-{secrets.token_hex(4)}"
    env["CIVIQUE_LOGIN_RATE_LIMIT"] = "10 per minute"
    servers = [Server("load-a", "core:create_app()", env), Server("load-b", "core:create_app()", env)]
    report: dict = {"database": LOAD.database, "redis": REDIS_URL, "residents": len(people),
                    "ideas": idea_ids, "actions_per_resident": actions}
    try:
        for server in servers:
            server.wait_ready("/")
        urls = [server.url for server in servers]
        log(f"  two instances: {urls[0]} and {urls[1]}, Redis {REDIS_URL}")
        for resident in people:
            resident.clients = [Client(urls[0]), Client(urls[1])]
            if resident.clients[0].login(resident.email, PASSWORD).status != 302:
                raise RuntimeError(f"could not log {resident.email} in")
            resident.clients[1].cookies = dict(resident.clients[0].cookies)  # one session, two instances
            resident.supported = {i: (resident.user_id, i) in initially for i in idea_ids}
        started = time.monotonic()
        deadline = started + seconds
        threads = [threading.Thread(target=_act, args=(r, idea_ids, actions, deadline, random.Random(r.user_id)))
                   for r in people]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        report["elapsed_s"] = round(time.monotonic() - started, 1)
        report["rate_limit"] = _rate_limit(urls, 14)
    finally:
        for server in servers:
            server.stop()
    return _verify(report, people, idea_ids, before, initially, log)


def _verify(report, people, idea_ids, before, initially, log) -> dict:
    statuses = Counter()
    for resident in people:
        statuses.update({str(k): v for k, v in resident.statuses.items()})
    report["statuses"] = dict(statuses)
    checks: dict[str, bool] = {}
    problems: list[str] = []
    with psycopg.connect(LOAD.url) as conn:
        after = _counts(conn, idea_ids)
        supports_now = {(uid, iid) for uid, iid in conn.execute(
            "SELECT user_id, content_id FROM support WHERE content_type = %s AND content_id = ANY(%s)",
            (IDEA_TYPE, idea_ids))}
        doubled = conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM support GROUP BY user_id, content_type, content_id "
            "HAVING count(*) > 1) d").fetchone()[0]
        drift = conn.execute(
            "SELECT count(*) FROM idea_box_idea i WHERE support_count <> (SELECT count(*) FROM support s "
            "WHERE s.content_type = %s AND s.content_id = i.id) OR comment_count <> (SELECT count(*) "
            "FROM comment c WHERE c.content_type = %s AND c.content_id = i.id)",
            (IDEA_TYPE, IDEA_TYPE)).fetchone()[0]
    expected_support = defaultdict(int)
    expected_comments = defaultdict(int)
    for idea in idea_ids:
        expected_support[idea] = before[idea][0]
        expected_comments[idea] = before[idea][1]
    for resident in people:
        for idea in idea_ids:
            was = (resident.user_id, idea) in initially
            now = resident.supported[idea]
            expected_support[idea] += int(now) - int(was)
            if ((resident.user_id, idea) in supports_now) != now:
                problems.append(f"resident {resident.user_id} on idea {idea}: database says "
                                f"{'supported' if not now else 'not supported'}, responses say the opposite")
            expected_comments[idea] += resident.comments[idea]
    for idea in idea_ids:
        support_count, comment_count, support_rows, comment_rows = after[idea]
        if not (support_count == support_rows == expected_support[idea]):
            problems.append(f"idea {idea}: support_count {support_count}, rows {support_rows}, "
                            f"responses imply {expected_support[idea]}")
        if not (comment_count == comment_rows == expected_comments[idea]):
            problems.append(f"idea {idea}: comment_count {comment_count}, rows {comment_rows}, "
                            f"responses imply {expected_comments[idea]}")
    checks["counts equal rows and responses"] = not problems
    checks["every idea's counters equal its rows"] = drift == 0
    checks["no doubled support"] = doubled == 0
    server_errors = sum(v for k, v in statuses.items() if k.isdigit() and int(k) >= 500)
    checks["no 5xx, no socket error"] = server_errors == 0 and statuses.get("socket error", 0) == 0
    checks["every action answered by a redirect (success)"] = set(statuses) <= {"302"}
    limits = report["rate_limit"]["statuses"]
    checks["login rate limit shared by both instances (10 then 429)"] = (
        limits[:10] == [200] * 10 and all(status == 429 for status in limits[10:]))
    report["supports_before_after"] = {i: (before[i][0], after[i][0]) for i in idea_ids}
    report["comments_before_after"] = {i: (before[i][1], after[i][1]) for i in idea_ids}
    report["problems"] = problems[:50] + [f for r in people for f in r.failures][:50]
    report["checks"] = checks
    report["passed"] = all(checks.values())
    return report


def summary(report: dict) -> str:
    lines = [f"Load-consistency check: {report['residents']} residents x {report['actions_per_resident']} actions "
             f"on ideas {report['ideas']}, two instances, {report.get('elapsed_s', '?')} s; "
             f"responses {report['statuses']}"]
    for name, ok in report["checks"].items():
        lines.append(f"  [{'PASS' if ok else 'FAIL'}] {name}")
    lines.append(f"  login attempts alternating between instances: {report['rate_limit']['statuses']}")
    for problem in report["problems"][:10]:
        lines.append(f"  ! {problem}")
    lines.append("LOAD CHECK " + ("PASSED" if report["passed"] else "FAILED"))
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Nothing lost under load (two instances).")
    parser.add_argument("--residents", type=int, default=40)
    parser.add_argument("--ideas", type=int, default=6)
    parser.add_argument("--actions", type=int, default=15)
    parser.add_argument("--seconds", type=int, default=180)
    args = parser.parse_args(argv)
    report = run(args.residents, args.ideas, args.actions, args.seconds)
    print(summary(report))
    from .pages import save

    print("saved", save("loadcheck", report))
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
