"""Pages kept for visitors who are not signed in (core.pagecache), proved with the noticeboard.

Every test runs with each worker's memory and with Redis (``CIVIQUE_TEST_REDIS_URL``, as an
instance would configure ``REDIS_URL``); without that variable the Redis runs are skipped,
loudly, and with ``CI=true`` they fail.
"""

from __future__ import annotations

import re
import time
import uuid

import pytest

from core import create_app
from core.services.comments import Comment
from core.database import db
from core.pagecache import EXTENSION, HEADER
from core.testing import redis_url_for_tests

from . import noticeboard

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(params=["memory", "redis"])
def store(request) -> dict:
    if request.param == "memory":
        return {"REDIS_URL": None}
    return {"REDIS_URL": redis_url_for_tests("kept pages")}


@pytest.fixture
def seconds() -> int:
    return 30


@pytest.fixture
def app_config(store, seconds):
    return {
        "EXTRA_PLUGINS": {"noticeboard": noticeboard},
        "LANGUAGES": ["en", "de"],
        "BABEL_DEFAULT_LOCALE": "en",
        "PAGE_CACHE_SECONDS": seconds,
        # Redis is shared by every test: this test's pages under keys of its own.
        "PAGE_CACHE_KEY_PREFIX": f"civique-test-pages:{uuid.uuid4().hex}",
        **store,
    }


@pytest.fixture(autouse=True)
def forget_redis_keys(app):
    yield
    store = app.extensions[EXTENSION].store
    if hasattr(store, "redis"):
        keys = list(store.redis.scan_iter(f"{store.prefix}:*"))
        if keys:
            store.redis.delete(*keys)


@pytest.fixture
def notice(users, make_notice):
    return make_notice(users["resident"], title="Benches in Dornach park")


def visitor(app):
    """A new visitor, with a browser of their own (own cookies)."""
    return app.test_client()


def test_a_visitor_gets_the_kept_page_and_a_signed_in_person_the_current_one(
        app, client, users, login, notice):
    first, second = visitor(app), visitor(app)
    page = first.get(f"/notices/{notice.id}")
    assert page.status_code == 200 and page.headers[HEADER] == "miss"
    assert "Benches in Dornach park" in page.text

    # A change that does not remove anything shows up when the kept page expires...
    notice.title = "Benches and tables in Dornach park"
    db.session.commit()
    kept = second.get(f"/notices/{notice.id}")
    assert kept.headers[HEADER] == "hit"
    assert "Benches in Dornach park" in kept.text

    # ...but a signed-in person sees it at once, and their page is never kept.
    login(client, users["staff"])
    current = client.get(f"/notices/{notice.id}")
    assert HEADER not in current.headers
    assert "Benches and tables in Dornach park" in current.text


# Three seconds, so that the two first views fall inside them on a loaded machine.
@pytest.mark.parametrize("seconds", [3])
def test_a_kept_page_lasts_page_cache_seconds(app, notice):
    reader = visitor(app)
    assert reader.get(f"/notices/{notice.id}").headers[HEADER] == "miss"
    notice.title = "Benches and tables in Dornach park"
    db.session.commit()
    assert "Benches in Dornach park" in reader.get(f"/notices/{notice.id}").text
    time.sleep(3.2)
    page = reader.get(f"/notices/{notice.id}")
    assert page.headers[HEADER] == "miss"
    assert "Benches and tables in Dornach park" in page.text


def test_a_hidden_comment_leaves_the_kept_pages_at_once(app, client, users, login, notice, make_user):
    author = make_user("troll@example.org", "Tom Troll")
    comment = Comment(content_type=notice.content_type_name, content_id=notice.id,
                      author_id=author.id, body="You are all idiots.")
    db.session.add(comment)
    db.session.commit()
    reader = visitor(app)
    reader.get(f"/notices/{notice.id}")
    kept = reader.get(f"/notices/{notice.id}")
    assert kept.headers[HEADER] == "hit" and "You are all idiots." in kept.text

    login(client, users["moderator"])
    hidden = client.post(f"/moderation/comment/{comment.id}/hide", data={"reason": "Insults"})
    assert hidden.status_code == 302

    page = reader.get(f"/notices/{notice.id}")
    assert page.headers[HEADER] == "miss"
    assert "You are all idiots." not in page.text
    assert "Hidden by moderation: Insults" in page.text


def test_a_workflow_move_leaves_the_kept_pages_at_once(app, client, users, login, notice):
    reader = visitor(app)
    reader.get(f"/notices/{notice.id}")
    assert reader.get(f"/notices/{notice.id}").headers[HEADER] == "hit"
    from core.workflows import apply

    apply(notice, "accept", users["staff"])
    db.session.commit()
    page = reader.get(f"/notices/{notice.id}")
    assert page.headers[HEADER] == "miss"
    assert "Accepted" in page.text


def test_each_visitor_gets_their_own_form_token(app, store):
    app.config["WTF_CSRF_ENABLED"] = True
    first, second = visitor(app), visitor(app)
    assert first.get("/").headers[HEADER] == "miss"
    kept = first.get("/")
    assert kept.headers[HEADER] == "hit"
    first_token = TOKEN.search(kept.text).group(1)
    other = second.get("/")
    assert other.headers[HEADER] == "hit"
    second_token = TOKEN.search(other.text).group(1)
    assert first_token != second_token
    placeholder = app.extensions[EXTENSION].placeholder.decode()
    assert placeholder not in kept.text and placeholder not in other.text

    # The language switcher of a kept page works for whoever got it...
    switched = second.post("/language", data={"lang": "de", "next": "/", "csrf_token": second_token})
    assert switched.status_code == 302
    assert '<html lang="de"' in second.get("/").text
    # ...and one visitor's token is worth nothing in another's session.
    refused = first.post("/language", data={"lang": "de", "next": "/", "csrf_token": second_token})
    assert refused.status_code == 400


def test_each_language_has_its_own_kept_page(app, notice):
    german, english = visitor(app), visitor(app)
    assert german.get("/", headers={"Accept-Language": "de"}).headers[HEADER] == "miss"
    page = english.get("/", headers={"Accept-Language": "en"})
    assert page.headers[HEADER] == "miss" and '<html lang="en"' in page.text
    again = german.get("/", headers={"Accept-Language": "de"})
    assert again.headers[HEADER] == "hit" and '<html lang="de"' in again.text


def test_the_query_string_makes_another_page(app, make_notice, users):
    for number in range(3):
        make_notice(users["resident"], title=f"Notice number {number}")
    reader = visitor(app)
    assert "Notice number 0" in reader.get("/notices/").text
    one = reader.get("/notices/?per_page=1")
    assert one.headers[HEADER] == "miss"
    assert "Notice number 2" in one.text and "Notice number 0" not in one.text


def test_a_message_to_show_is_never_kept_nor_hidden_by_a_kept_page(app):
    from flask import flash, redirect

    @app.get("/tell-and-go-home")
    def tell_and_go_home():
        flash("Your request was received.")
        return redirect("/")

    reader, other = visitor(app), visitor(app)
    reader.get("/")
    reader.get("/tell-and-go-home")
    page = reader.get("/")
    assert "Your request was received." in page.text
    assert page.headers.get(HEADER) != "hit"
    later = other.get("/")
    assert later.headers[HEADER] == "hit"
    assert "Your request was received." not in later.text


def test_only_the_marked_reading_pages_are_kept(app):
    reader = visitor(app)
    for _ in range(2):
        assert HEADER not in reader.get("/account/login").headers
        assert HEADER not in reader.get("/notices/new").headers  # sends to the log-in page


@pytest.mark.parametrize("store", ["memory"], indirect=True)
def test_pages_are_served_when_redis_does_not_answer(app, notice):
    broken = create_app({**app.config, "REDIS_URL": "redis://127.0.0.1:9/0", "SERVER_NAME": None})
    reader = broken.test_client()
    for _ in range(2):
        page = reader.get(f"/notices/{notice.id}")
        assert page.status_code == 200 and "Benches in Dornach park" in page.text
        assert page.headers.get(HEADER) != "hit"
    # Redis is then left alone for a while instead of being waited for on every request.
    assert not broken.extensions[EXTENSION].available()


@pytest.mark.parametrize("store", ["memory"], indirect=True)
def test_on_in_production_off_in_development_and_tests(app):
    assert app.config["PAGE_CACHE_SECONDS"] == 30  # this module's setting
    base = {key: app.config[key] for key in ("DATABASE_URL", "SECRET_KEY")}
    assert create_app({**base, "ENV": "production"}).config["PAGE_CACHE_SECONDS"] == 10
    assert create_app({**base, "ENV": "development"}).config["PAGE_CACHE_SECONDS"] == 0
    assert create_app({**base, "ENV": "testing"}).config["PAGE_CACHE_SECONDS"] == 0


@pytest.mark.parametrize("store", ["memory"], indirect=True)
def test_a_change_made_by_another_worker_drops_this_workers_kept_pages(app, notice):
    reader = visitor(app)
    reader.get(f"/notices/{notice.id}")
    assert reader.get(f"/notices/{notice.id}").headers[HEADER] == "hit"
    # Another gunicorn worker (or `flask worker`) of the same instance folder hides something.
    other_worker = create_app({**app.config, "SERVER_NAME": None})
    other_worker.extensions[EXTENSION].expire_all()
    assert reader.get(f"/notices/{notice.id}").headers[HEADER] == "miss"


def test_a_savepoint_rolled_back_does_not_cancel_the_expiry(app, notice):
    reader = visitor(app)
    reader.get(f"/notices/{notice.id}")
    assert reader.get(f"/notices/{notice.id}").headers[HEADER] == "hit"
    from core.pagecache import expire_visitor_pages

    notice.is_hidden = True
    expire_visitor_pages()
    savepoint = db.session.begin_nested()  # say, a follow that lost a race
    savepoint.rollback()
    db.session.commit()
    page = reader.get(f"/notices/{notice.id}")
    assert page.headers.get(HEADER) != "hit"


@pytest.mark.parametrize("store", ["memory"], indirect=True)
def test_every_expiry_gives_the_workers_a_new_generation(tmp_path, monkeypatch, app):
    from core.pagecache import MemoryStore

    monkeypatch.setattr(MemoryStore, "MAX_GENERATION", 3)  # starts again from nothing sooner
    worker, other_worker = (MemoryStore(1024, str(tmp_path / "generation")) for _ in range(2))
    seen = [worker.generation()]
    for _ in range(6):
        other_worker.expire_all()
        seen.append(worker.generation())
    assert all(before != after for before, after in zip(seen, seen[1:]))
