"""Pages under load: wrk against Civique served by gunicorn on a bench database, and against the
floor (a bare Flask+Jinja page served the same way), in the same run.

For each page: requests per second, p50/p95/p99 latency, errors (socket errors and responses
that are neither 2xx nor 3xx), and the ratios to the floor. Usage:
``python -m bench.pages city --duration 10`` (the scale must have been generated).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote_plus

import psycopg

from .consultations import busiest_results
from .servers import Client, serving
from .settings import PASSWORD, SCALES, Scale, app_environment

CONNECTIONS = 16
THREADS = 2
WARMUP_SECONDS = 2
CACHE_HEADER = "X-Civique-Cache"  # core.pagecache.HEADER: "hit" when the kept page answered
IDEA_TYPE = "idea_box.idea"
# Pages of plugins a city may leave out: a 404 there means "not enabled", and the page is skipped.
PLUGIN_PAGES = ("finances", "consultation")

# wrk's done() prints one line of JSON that we read back.
DONE_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "errors_connect": %d, '
    .. '"errors_read": %d, "errors_write": %d, "errors_timeout": %d, "errors_status": %d, '
    .. '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.timeout,
    e.status, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
"""

# Signed-in residents writing: each request takes the next resident and posts their form (a
# comment's text gets the request's number, so that no two are the same; a support is given on
# one round over the residents and withdrawn on the next).
WRITE_LUA = """
local counter = 0
setup = function(thread)
  thread:set("offset", __THREAD_INDEX__)
  __THREAD_INDEX__ = __THREAD_INDEX__ + 1
end
request = function()
  local n = #residents
  local offset = tonumber(offset) or 0
  local i = ((counter * 2 + offset) % n) + 1
  local round = math.floor((counter * 2 + offset) / n)
  local r = residents[i]
  local body = string.gsub(r.body, "__N__", tostring(counter * 2 + offset))
  body = string.gsub(body, "__ACTION__", (round % 2 == 0) and "support" or "withdraw")
  counter = counter + 1
  return wrk.format("POST", r.path, {["Cookie"] = r.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
"""

# The writes' floor: anonymous POSTs, no body.
FLOOR_WRITE_LUA = """
request = function()
  return wrk.format("POST", nil, {["Content-Type"] = "application/x-www-form-urlencoded"}, "")
end
"""

# A signed-in resident reading a page: their session cookie on every request.
SIGNED_IN_LUA = """
request = function()
  return wrk.format("GET", nil, {["Cookie"] = __COOKIE__})
end
"""


@dataclass
class Page:
    """A page to load: a GET of ``path`` (by a visitor, or by a signed-in resident when
    ``signed_in``), or the support POST when ``lua`` is given."""

    key: str
    label: str
    path: str
    lua: str = ""
    signed_in: bool = False
    write: bool = False  # a POST, measured against the writes' floor


@dataclass
class Result:
    key: str
    label: str
    path: str
    rps: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0
    requests: int = 0
    rps_ratio: float | None = None  # floor rps / page rps: how many times slower than the floor
    p95_ratio: float | None = None  # page p95 / floor p95
    write: bool = False  # measured against the writes' floor (insert, delete, commit)
    kept: bool | None = None  # a visitor's page: served from the page cache before the run
    note: str = ""
    raw: dict = field(default_factory=dict)


def wrk_binary() -> str:
    """wrk (Debian's package); installed with apt-get when missing and allowed (root)."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: installing Debian's wrk package")
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, stdout=subprocess.DEVNULL)
        found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is needed: `apt-get install wrk` (Debian/Ubuntu).")
    return found


def run_wrk(url: str, lua: str, duration: int) -> dict:
    """One wrk run at 16 connections; the figures its done() printed."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua + DONE_LUA)
    try:
        command = [wrk_binary(), "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{duration}s",
                   "--timeout", "10s", "-s", script.name, url]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    for line in output.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line[len("BENCH_JSON "):])
    raise RuntimeError(f"wrk printed no figures:\n{output}")


def measure(base_url: str, page: Page, duration: int) -> Result:
    """Warm up, then load ``page`` for ``duration`` seconds."""
    lua = page.lua
    run_wrk(base_url + page.path, lua, WARMUP_SECONDS)
    raw = run_wrk(base_url + page.path, lua, duration)
    errors = sum(raw[k] for k in raw if k.startswith("errors_"))
    return Result(page.key, page.label, page.path, rps=raw["requests"] / (raw["duration_us"] / 1e6),
                  p50_ms=raw["p50_us"] / 1000, p95_ms=raw["p95_us"] / 1000, p99_ms=raw["p99_us"] / 1000,
                  errors=errors, requests=raw["requests"], raw=raw)


# --- What to request, chosen from the data ---------------------------------------------------------


def _one(conn, sql: str, params=()):
    row = conn.execute(sql, params).fetchone()
    return row[0] if row else None


def choose_pages(scale: Scale) -> list[Page]:
    """The pages of issue 7 that exist now, with ids and filters picked from the bench data."""
    with psycopg.connect(scale.url) as conn:
        idea_id = _one(conn, "SELECT id FROM idea_box_idea WHERE state = 'published' "
                             "ORDER BY comment_count DESC, id LIMIT 1")
        typical_id = _one(conn, "SELECT id FROM idea_box_idea WHERE state = 'published' AND comment_count >= "
                                "(SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY comment_count) FROM idea_box_idea "
                                "WHERE state = 'published') ORDER BY comment_count, id LIMIT 1")
        neighbourhood = _one(conn, "SELECT neighbourhood_id FROM idea_box_idea WHERE state = 'published' "
                                   "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
        consultation_id = None
        if _one(conn, "SELECT to_regclass('consultation_consultation') IS NOT NULL"):
            consultation_id = busiest_results(conn.cursor())
    reading = [
        Page("home", "Home page", "/"),
        Page("ideas", "Idea list, filtered and sorted", f"/ideas/?neighbourhood={neighbourhood}"
                                                        "&status=open&sort=newest"),
        Page("idea", "An idea's page (median comments)", f"/ideas/{typical_id}"),
        Page("idea_top", "An idea's page (the most commented)", f"/ideas/{idea_id}"),
        Page("search", "Search", "/search/?q=piste+cyclable"),
        Page("finances", "Finances (finance_commission)", "/finances/"),
        # Without the plugin's tables (the data was generated without it) there is no id to ask
        # for: the page answers 404 like any page of a plugin that is not enabled.
        Page("consultation", "Consultation results (the busiest)",
             f"/consultations/{consultation_id or 0}/results"),
    ]
    # Each reading page twice: as a visitor (not signed in: the page cache answers) and as a
    # signed-in resident (rendered for them on every request).
    pages = []
    for page in reading:
        pages.append(Page(page.key, page.label + " - visitor", page.path))
        pages.append(Page(page.key + "_signed_in", page.label + " - signed in", page.path, signed_in=True))
    pages.append(Page("support", "Support / withdraw (POST, signed in)", "/content/idea_box.idea/0/support",
                      write=True))
    pages.append(Page("comment", "A comment (POST, signed in)", "/content/idea_box.idea/0/comments", write=True))
    answered = answer_consultation(scale)
    pages.append(Page("answer", "Answers to a questionnaire (POST, signed in)",
                      f"/consultations/{answered or 0}/take-part", write=True))
    return pages


def signed_in_script(base_url: str, scale: Scale) -> str:
    """The GET script of a signed-in resident (logged in once, their cookie on every request)."""
    with psycopg.connect(scale.url) as conn:
        email = _one(conn, "SELECT email FROM user_account WHERE id > 100 AND deleted_at IS NULL "
                           "ORDER BY id LIMIT 1")
    client = Client(base_url)
    response = client.login(email, PASSWORD)
    if response.status != 302:
        raise RuntimeError(f"could not log {email} in (status {response.status})")
    client.get("/")  # shows (and so clears) the welcome message: the cookie carries none
    cookie = client.cookie_header()
    client.close()
    return SIGNED_IN_LUA.replace("__COOKIE__", json.dumps(cookie))


def support_script(base_url: str, scale: Scale, residents: int = 32) -> str:
    """Log ``residents`` residents in, each on a published idea not theirs: the POST script."""
    with psycopg.connect(scale.url) as conn:
        rows = conn.execute(
            "SELECT u.id, u.email, i.id FROM user_account u "
            "JOIN LATERAL (SELECT id FROM idea_box_idea WHERE state = 'published' AND author_id <> u.id "
            "  AND id %% 97 = u.id %% 97 ORDER BY id LIMIT 1) i ON true "
            "WHERE u.id > 100 ORDER BY u.id LIMIT %s", (residents,)).fetchall()
    entries = []
    for _user_id, email, idea_id in rows:
        client, token = _logged_in(base_url, email, f"/ideas/{idea_id}")
        body = (f"csrf_token={quote_plus(token)}&action=__ACTION__&next=" + quote_plus(f"/ideas/{idea_id}"))
        entries.append({"cookie": client.cookie_header(), "path": f"/content/{IDEA_TYPE}/{idea_id}/support",
                        "body": body})
        client.close()
    return _write_script(base_url, entries)


def _residents(scale: Scale, count: int) -> list[tuple[int, str]]:
    with psycopg.connect(scale.url) as conn:
        return conn.execute("SELECT id, email FROM user_account WHERE id > 100 AND deleted_at IS NULL "
                            "AND email_confirmed_at IS NOT NULL ORDER BY id LIMIT %s", (count,)).fetchall()


def _write_script(base_url: str, entries: list[dict]) -> str:
    lua_rows = ",\n".join(
        "{cookie=%s, path=%s, body=%s}" % tuple(json.dumps(e[k]) for k in ("cookie", "path", "body"))
        for e in entries)
    return f"residents = {{\n{lua_rows}\n}}\n__THREAD_INDEX__ = 0\n" + WRITE_LUA


def _logged_in(base_url: str, email: str, page: str) -> tuple[Client, str]:
    client = Client(base_url)
    response = client.login(email, PASSWORD)
    if response.status != 302:
        raise RuntimeError(f"could not log {email} in (status {response.status})")
    client.get("/")  # shows (and so clears) the welcome message
    return client, client.csrf(page)


def comment_script(base_url: str, scale: Scale, residents: int = 32) -> str:
    """``residents`` residents logged in, each commenting on one of the ideas most discussed."""
    with psycopg.connect(scale.url) as conn:
        ideas = [row[0] for row in conn.execute(
            "SELECT id FROM idea_box_idea WHERE state = 'published' AND NOT is_hidden "
            "ORDER BY comment_count DESC, id LIMIT 8")]
    entries = []
    for number, (_user_id, email) in enumerate(_residents(scale, residents)):
        idea_id = ideas[number % len(ideas)]
        client, token = _logged_in(base_url, email, f"/ideas/{idea_id}")
        path = f"/content/{IDEA_TYPE}/{idea_id}/comments"
        body = f"csrf_token={quote_plus(token)}&body=" + quote_plus("Avis du banc d'essai numéro __N__")
        first = client.post(path, dict(csrf_token=token, body="Premier avis du banc d'essai"))
        if first.status != 302:
            raise RuntimeError(f"a comment was refused before the run (status {first.status})")
        entries.append({"cookie": client.cookie_header(), "path": path, "body": body})
        client.close()
    return _write_script(base_url, entries)


def answer_consultation(scale: Scale) -> int | None:
    """The open consultation with a questionnaire that most people answered, open to everyone."""
    with psycopg.connect(scale.url) as conn:
        if not _one(conn, "SELECT to_regclass('consultation_consultation') IS NOT NULL"):
            return None
        return _one(conn, "SELECT c.id FROM consultation_consultation c "
                          "LEFT JOIN consultation_response r ON r.consultation_id = c.id "
                          "WHERE c.state = 'open' AND c.has_questionnaire AND c.eligibility <> 'residents' "
                          "AND c.opens_on <= current_date AND c.closes_on >= current_date "
                          "GROUP BY c.id ORDER BY count(r.id) DESC, c.id LIMIT 1")


def answer_form(scale: Scale, consultation_id: int) -> list[tuple[str, str]]:
    """A complete set of answers to the consultation's questionnaire, as form fields."""
    fields = []
    with psycopg.connect(scale.url) as conn:
        questions = conn.execute("SELECT id, kind, scale_min FROM consultation_question "
                                 "WHERE consultation_id = %s ORDER BY position, id", (consultation_id,)).fetchall()
        for question_id, kind, scale_min in questions:
            options = [row[0] for row in conn.execute(
                "SELECT id FROM consultation_option WHERE question_id = %s ORDER BY position, id", (question_id,))]
            name = f"q{question_id}"
            if kind in ("single", "multiple"):
                fields.append((name, str(options[0])))
            elif kind == "ranking":
                fields.extend((f"{name}-{option}", str(rank)) for rank, option in enumerate(options, 1))
            elif kind == "scale":
                fields.append((name, str(scale_min)))
            else:
                fields.append((name, "Réponse du banc d'essai"))
    return fields


def answer_script(base_url: str, scale: Scale, consultation_id: int, residents: int = 32) -> str:
    """``residents`` residents logged in, each answering the questionnaire again and again (a
    participant may change their answers until the consultation closes)."""
    from urllib.parse import urlencode

    fields = answer_form(scale, consultation_id)
    path = f"/consultations/{consultation_id}/take-part"
    entries = []
    for _user_id, email in _residents(scale, residents):
        client, token = _logged_in(base_url, email, path)
        body = urlencode([("csrf_token", token), *fields])
        first = client.post(path, dict([("csrf_token", token), *fields]))
        if first.status != 302:
            raise RuntimeError(f"an answer was refused before the run (status {first.status})")
        entries.append({"cookie": client.cookie_header(), "path": path, "body": body})
        client.close()
    return _write_script(base_url, entries)


# --- A run ------------------------------------------------------------------------------------------


def write_floor_database() -> str:
    """The writes' floor's database (``civique_bench_floor``, its one table), created when missing."""
    from .settings import DB_PREFIX, PG_SERVER
    from .floor import WRITE_TABLE

    name = DB_PREFIX + "floor"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        if not _one(conn, "SELECT 1 FROM pg_database WHERE datname = %s", (name,)):
            conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{PG_SERVER}/{name}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE IF NOT EXISTS {WRITE_TABLE} (id bigserial PRIMARY KEY, "
                     "user_id integer NOT NULL, created_at timestamptz NOT NULL)")
    return url


def measure_floors(duration: int, log=print) -> tuple[Result, Result]:
    """The reading floor (bare Flask+Jinja) and the writes' floor (insert, delete, commit)."""
    with serving("floor", "bench.floor:create_app()", app_environment("")) as server:
        log(f"  floor: bare Flask+Jinja on {server.url}")
        floor = measure(server.url, Page("floor", "Floor (bare Flask+Jinja)", "/"), duration)
    env = {**app_environment(""), "BENCH_WRITE_FLOOR_URL": write_floor_database()}
    with serving("floor-write", "bench.floor:create_write_app()", env) as server:
        log(f"  writes' floor: bare Flask, one row inserted and deleted on PostgreSQL, on {server.url}")
        write_floor = measure(server.url, Page("floor_write", "Writes' floor (insert + delete + commit)", "/",
                                               lua=FLOOR_WRITE_LUA, write=True), duration)
    return floor, write_floor


def run_scale(scale: Scale, duration: int, floors: tuple[Result, Result] | None = None, log=print) -> dict:
    """Load every page of ``scale`` (and the floors, unless given); figures and ratios."""
    floor, write_floor = floors or measure_floors(duration, log)
    results: list[Result] = []
    log(f"  load average before: {os.getloadavg()[0]:.1f} (other jobs on this machine skew every figure)")
    with serving(f"civique-{scale.name}", "core:create_app()", app_environment(scale.url)) as server:
        signed_in_lua = signed_in_script(server.url, scale)
        for page in choose_pages(scale):
            probe = Client(server.url).get(page.path) if not page.write else None
            if probe is not None and probe.status == 404 and page.key.removesuffix("_signed_in") in PLUGIN_PAGES:
                results.append(Result(page.key, page.label, page.path, note="plugin not enabled: skipped"))
                continue
            if probe is not None and probe.status != 200:
                results.append(Result(page.key, page.label, page.path, note=f"HTTP {probe.status} before load"))
                continue
            if page.key == "answer" and page.path.endswith("/0/take-part"):
                results.append(Result(page.key, page.label, page.path,
                                      note="no open consultation with a questionnaire: skipped"))
                continue
            kept = None
            if page.key == "support":
                page.lua = support_script(server.url, scale)
            elif page.key == "comment":
                page.lua = comment_script(server.url, scale)
            elif page.key == "answer":
                page.lua = answer_script(server.url, scale, int(page.path.split("/")[2]))
            elif page.signed_in:
                page.lua = signed_in_lua
            else:
                # Each gunicorn worker keeps its own copy (no Redis here): ask until one answers
                # with its kept page.
                visitor = Client(server.url)
                kept = any(visitor.get(page.path).headers.get(CACHE_HEADER) == "hit" for _ in range(12))
                visitor.close()
            log(f"  {page.label}: {page.path}")
            result = measure(server.url, page, duration)
            result.kept = kept
            result.write = page.write
            results.append(result)
    for result in results:
        if result.requests:
            base = write_floor if result.write else floor
            result.rps_ratio = base.rps / result.rps if result.rps else None
            result.p95_ratio = result.p95_ms / base.p95_ms if base.p95_ms else None
    return {"scale": scale.name, "database": scale.database, "duration_s": duration,
            "load_average_after": os.getloadavg(),
            "connections": CONNECTIONS, "floor": asdict(floor), "write_floor": asdict(write_floor),
            "pages": [asdict(r) for r in results]}


def table(run: dict) -> str:
    """The figures of one scale as a short text table."""
    lines = [f"Scale {run['scale']} ({run['connections']} connections, {run['duration_s']} s per page, "
             f"load average after {run['load_average_after'][0]:.1f})",
             f"{'page':<52} {'rps':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} "
             f"{'floor/rps':>9} {'p95/floor':>9} {'kept':>5}"]
    for floor in (run["floor"], run.get("write_floor")):
        if floor:
            lines.append(f"{floor['label']:<52} {floor['rps']:>8.0f} {floor['p50_ms']:>8.1f} {floor['p95_ms']:>8.1f} "
                         f"{floor['p99_ms']:>8.1f} {floor['errors']:>7} {'1.0':>9} {'1.0':>9} {'-':>5}")
    for page in run["pages"]:
        if not page["requests"]:
            lines.append(f"{page['label']:<52} {page['note']}")
            continue
        kept = {True: "yes", False: "NO"}.get(page.get("kept"), "-")
        lines.append(f"{page['label']:<52} {page['rps']:>8.0f} {page['p50_ms']:>8.1f} {page['p95_ms']:>8.1f} "
                     f"{page['p99_ms']:>8.1f} {page['errors']:>7} {page['rps_ratio']:>9.1f} "
                     f"{page['p95_ratio']:>9.1f} {kept:>5}")
    lines.append("(the POSTs' ratios are to the writes' floor, the pages' to the reading floor)")
    return "\n".join(lines)


def growth(small: dict, large: dict) -> list[dict]:
    """Latency of each page at the large scale over the small one (target: 1.5 at most)."""
    before = {p["key"]: p for p in small["pages"] if p["requests"]}
    rows = []
    for page in large["pages"]:
        base = before.get(page["key"])
        if not page["requests"] or base is None:
            continue
        rows.append({"key": page["key"], "label": page["label"],
                     "p50_growth": page["p50_ms"] / base["p50_ms"] if base["p50_ms"] else None,
                     "p95_growth": page["p95_ms"] / base["p95_ms"] if base["p95_ms"] else None,
                     "rps_growth": base["rps"] / page["rps"] if page["rps"] else None})
    return rows


def growth_table(small: str, large: str, rows: list[dict]) -> str:
    lines = [f"Cost growth {small} -> {large} (latency {large} / {small}; target <= 1.5)",
             f"{'page':<52} {'p50 x':>7} {'p95 x':>7} {'rps /':>7}"]
    for row in rows:
        lines.append(f"{row['label']:<52} {row['p50_growth']:>7.2f} {row['p95_growth']:>7.2f} "
                     f"{row['rps_growth']:>7.2f}")
    return "\n".join(lines)


def save(name: str, data: dict) -> Path:
    from .settings import RESULTS

    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(data, indent=2, default=str))
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Pages under load (wrk, 16 connections).")
    parser.add_argument("scales", nargs="*", default=["city"], choices=sorted(SCALES))
    parser.add_argument("--duration", type=int, default=10, help="seconds per page (default 10)")
    args = parser.parse_args(argv)
    runs = [run_scale(SCALES[name], args.duration) for name in args.scales]
    for run in runs:
        print(table(run))
    if len(runs) >= 2:
        print(growth_table(runs[0]["scale"], runs[-1]["scale"], growth(runs[0], runs[-1])))
    print("saved", save("pages", {"runs": runs}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
