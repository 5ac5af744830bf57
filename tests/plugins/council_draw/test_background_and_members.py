"""A large pool's chances are computed by the background worker (the officer is told when they
are ready, or why they could not be), and the members who accept a seat sit on the council's
body (the core's bodies and meetings service): listed on its page, gone when they withdraw,
named by their pseudonym once the candidates' data is erased."""

from __future__ import annotations

import re
import time

import pytest

import plugins.council_draw
from core.database import db
from core.services.notifications import Notification
from core.testing import enable_plugin, links
from plugins.council_draw.data import erase_council
from plugins.council_draw.models import Draw, Member
from plugins.council_draw.selection.leximin import TimeLimitReached, leximin
from plugins.council_draw.selection.problem import Candidate, Problem, Quota

from .conftest import FIFTY, PEOPLE, PLUGIN
from .test_draw_flow import hold_ceremony, prepare_and_publish

# Every pool goes to the background worker (the setting at 0).
app_config = enable_plugin(PLUGIN, plugins.council_draw, COUNCIL_DRAW={"BACKGROUND_POOL_SIZE": 0})


def run_worker(app) -> str:
    """One round of ``flask --app core worker --once``, as an IT team runs it."""
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_large_pool_is_computed_by_the_worker_and_the_officer_is_notified(
        app, client, login, officer, make_council, add_candidates):
    council = make_council(seats=4)
    add_candidates(council, PEOPLE)
    login(client, officer)
    page = client.post(f"/councils/manage/{council.id}/prepare", data={"algorithm": "leximin"},
                       follow_redirects=True).get_data(as_text=True)
    assert "the background worker computes the chances" in page
    assert "has been computing everyone's chances since" in page
    assert not FIFTY.search(page), "no probability before the worker has run"
    again = client.post(f"/councils/manage/{council.id}/prepare", data={"algorithm": "leximin"},
                        follow_redirects=True).get_data(as_text=True)
    assert "already being computed" in again
    assert db.session.scalar(db.select(db.func.count(Draw.id))) == 1

    run_worker(app)

    db.session.expire_all()
    draw = db.session.scalar(db.select(Draw))
    assert draw.status == "prepared" and draw.fingerprint
    notice = db.session.scalar(db.select(Notification).where(Notification.user_id == officer.id))
    assert "are computed" in notice.message
    assert notice.url.endswith(f"/councils/manage/{council.id}/draws/{draw.id}")
    page = client.get(notice.url.replace("http://localhost", "")).get_data(as_text=True)
    assert FIFTY.search(page), "each of the 8 candidates has 4/8 chance once computed"
    assert "Publish the draw" in page


def test_a_computation_stopped_at_its_time_limit_tells_the_officer_why(
        app, client, login, officer, make_council, add_candidates, monkeypatch):
    from plugins.council_draw.selection import record

    def too_long(*args, **kwargs):
        raise TimeLimitReached()

    council = make_council(seats=4)
    add_candidates(council, PEOPLE)
    login(client, officer)
    client.post(f"/councils/manage/{council.id}/prepare", data={"algorithm": "leximin"})
    monkeypatch.setattr(record, "build_record", too_long)
    run_worker(app)
    db.session.expire_all()
    draw = db.session.scalar(db.select(Draw))
    assert draw.status == "failed" and draw.problem == "time_limit"
    page = client.get(f"/councils/manage/{council.id}/draws/{draw.id}").get_data(as_text=True)
    assert "did not finish within the time limit" in page
    assert "Prepare the draw again" in page
    notice = db.session.scalar(db.select(Notification).where(Notification.user_id == officer.id))
    assert "could not be computed" in notice.message
    # A failed computation does not block the next one.
    monkeypatch.undo()
    client.post(f"/councils/manage/{council.id}/prepare", data={"algorithm": "leximin"})
    run_worker(app)
    db.session.expire_all()
    statuses = sorted(d.status for d in db.session.scalars(db.select(Draw)))
    assert statuses == ["failed", "prepared"]


def test_leximin_stops_at_its_deadline():
    candidates = [Candidate(f"C{i:03d}", {"gender": "woman" if i % 3 else "man",
                                          "age": str(i % 4)}) for i in range(60)]
    quotas = [Quota("gender", "woman", 3, 3), Quota("gender", "man", 3, 3)]
    problem = Problem(6, candidates, quotas)
    with pytest.raises(TimeLimitReached):
        leximin(problem, deadline=time.monotonic() - 1)
    # 40 women, 20 men, 3 seats each: every woman has 3/40, every man 3/20.
    assert leximin(problem, deadline=time.monotonic() + 60).minimum_probability == pytest.approx(3 / 40)


@pytest.fixture
def drawn(app, client, login, officer, make_council, add_candidates, smtp):
    """A council drawn in public (computed in the request: the default setting), its members
    invited by e-mail."""
    app.config["COUNCIL_DRAW"] = {}
    council = make_council(seats=4)
    add_candidates(council, PEOPLE)
    login(client, officer)
    draw = prepare_and_publish(client, council)
    hold_ceremony(client, council, draw)
    db.session.refresh(draw)
    return council, draw


def answer_link(smtp, member) -> str:
    mail = next(m for m in smtp.messages if m["To"] == member.candidate.email)
    link = next(link for link in links(mail) if "/councils/answer/" in link)
    return re.sub(r"^https?://[^/]+", "", link)


def test_members_who_accept_sit_on_the_councils_body_until_they_withdraw(
        client, login, officer, drawn, smtp):
    council, draw = drawn
    first, second = [m for m in draw.members if m.role == "selected"][:2]
    first_path, second_path = answer_link(smtp, first), answer_link(smtp, second)
    client.post("/account/logout")
    client.post(first_path, data={"answer": "accept", "name_shown": "full"})
    client.post(second_path, data={"answer": "accept", "name_shown": "initials"})
    db.session.expire_all()
    first, second = db.session.get(Member, first.id), db.session.get(Member, second.id)

    page = client.get(f"/councils/{council.id}").get_data(as_text=True)
    assert first.candidate.full_name in page
    assert second.candidate.initials in page and second.candidate.full_name not in page
    body_page = client.get(f"/councils/bodies/{council.body.slug}").get_data(as_text=True)
    assert first.candidate.full_name in body_page and "Habitants" in body_page

    login(client, officer)
    client.post(f"/councils/manage/members/{first.id}/withdraw", data={})
    client.post("/account/logout")
    db.session.expire_all()
    page = client.get(f"/councils/{council.id}").get_data(as_text=True)
    assert db.session.get(Member, first.id).status == "withdrawn"
    assert first.candidate.full_name not in page
    assert first.candidate.full_name not in client.get(
        f"/councils/bodies/{council.body.slug}").get_data(as_text=True)
    assert second.candidate.initials in page, "the others stay"


def test_after_erasure_the_body_names_members_by_their_pseudonym(client, drawn, smtp):
    council, draw = drawn
    member = next(m for m in draw.members if m.role == "selected")
    path = answer_link(smtp, member)
    client.post("/account/logout")
    client.post(path, data={"answer": "accept", "name_shown": "full"})
    db.session.expire_all()
    member = db.session.get(Member, member.id)
    full_name, pseudonym = member.candidate.full_name, member.pseudonym
    erase_council(council)
    db.session.commit()
    db.session.expire_all()
    page = client.get(f"/councils/bodies/{council.body.slug}").get_data(as_text=True)
    assert full_name not in page and pseudonym in page


def test_an_unexpected_error_fails_the_draw_once_and_a_computing_draw_can_be_cancelled(
        app, client, login, officer, make_council, add_candidates, monkeypatch):
    from plugins.council_draw.selection import record

    def broken(*args, **kwargs):
        raise RuntimeError("the solver crashed")

    council = make_council(seats=4)
    add_candidates(council, PEOPLE)
    login(client, officer)
    client.post(f"/councils/manage/{council.id}/prepare", data={"algorithm": "leximin"})
    monkeypatch.setattr(record, "build_record", broken)
    run_worker(app)
    db.session.expire_all()
    draw = db.session.scalar(db.select(Draw))
    assert draw.status == "failed" and draw.problem == "error"
    from core.jobs import Job

    assert db.session.scalar(db.select(Job.status).where(Job.kind == "council_draw.compute")) == "done", \
        "not retried: the same inputs would fail the same way"
    page = client.get(f"/councils/manage/{council.id}/draws/{draw.id}").get_data(as_text=True)
    assert "unexpected error" in page

    # A computation still waiting for the worker can be abandoned, and another one asked for.
    client.post(f"/councils/manage/{council.id}/prepare", data={"algorithm": "leximin"})
    waiting = db.session.scalar(db.select(Draw).where(Draw.status == "computing"))
    client.post(f"/councils/manage/{council.id}/draws/{waiting.id}/cancel", data={})
    db.session.expire_all()
    assert db.session.get(Draw, waiting.id).status == "cancelled"
    monkeypatch.undo()
    run_worker(app)
    db.session.expire_all()
    assert db.session.get(Draw, waiting.id).status == "cancelled", "the worker leaves it alone"
    again = client.post(f"/councils/manage/{council.id}/prepare", data={"algorithm": "leximin"},
                        follow_redirects=True).get_data(as_text=True)
    assert "already being computed" not in again
