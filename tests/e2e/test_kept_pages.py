"""Pages kept for visitors (``core.pagecache``) in a real browser, with the production setting
and no JavaScript: two visitors get the same kept home page, each with a language switcher that
works for them (their own form token); a signed-in person gets the same kept page with their
own account filled in (core.pageparts), and the visitor next to them still gets a visitor's."""

import pytest

from core.pagecache import HEADER
from core.testing.browser import LIVE_SERVER_CONFIG, log_in, page_language, ui_text

pytestmark = pytest.mark.e2e


@pytest.fixture
def app_config():
    return {**LIVE_SERVER_CONFIG, "PAGE_CACHE_SECONDS": 30, "REDIS_URL": None}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "java_script_enabled": False}


def switch_to(page, language: str) -> None:
    switcher = page.get_by_role("group", name=ui_text(page, "Language"))
    with page.expect_navigation():
        switcher.get_by_role("button", name=language, exact=True).click()


def test_visitors_share_a_kept_page_and_each_uses_its_forms(page, new_page, users):
    assert page.goto("/").headers[HEADER.lower()] == "miss"
    other = new_page()
    assert other.goto("/").headers[HEADER.lower()] == "hit"
    assert page_language(other) == "fr"

    switch_to(other, "English")
    assert page_language(other) == "en"
    switch_to(page, "Deutsch")
    assert page_language(page) == "de"
    # Each keeps the language they chose, on kept pages too.
    other.reload()
    assert page_language(other) == "en"

    # Signed in, they get the shared page with their own account menu...
    log_in(other, users["resident"].email)
    home = other.goto("/")
    assert home.headers[HEADER.lower()] == "shared"
    assert other.get_by_role("button", name=ui_text(other, "Log out"), exact=True).count() == 1
    assert other.get_by_role("link", name=ui_text(other, "Create an account")).count() == 0
    # ...and the visitor beside them still the visitors' page, with nothing of theirs.
    visitor = page.goto("/")
    assert visitor.headers[HEADER.lower()] == "hit"
    assert page.get_by_role("button", name=ui_text(page, "Log out"), exact=True).count() == 0
    assert page.get_by_role("link", name=ui_text(page, "Log in")).count() >= 1
