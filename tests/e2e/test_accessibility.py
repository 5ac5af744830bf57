"""Every core page passes axe-core's WCAG 2.1 A/AA checks, says its language, and has a skip link.

The site runs with its built-in plugins plus the ``noticeboard`` test plugin, so that search,
statistics and open data have real content to show (results, charts, tables, datasets).
"""

import re

import pytest

from core.database import db, utcnow
from core.taxonomy import Category, Neighbourhood
from core.testing.browser import LIVE_SERVER_CONFIG, log_in, page_language, ui_text
from tests.core.services import noticeboard
from tests.core.services.noticeboard.models import Notice

pytestmark = pytest.mark.e2e


@pytest.fixture
def app_config():
    return {**LIVE_SERVER_CONFIG, "EXTRA_PLUGINS": {"noticeboard": noticeboard}}


@pytest.fixture
def city(users):
    """Neighbourhoods, categories and published notices, as a site has after a few weeks.

    The accounts read French, like the browser: the pages checked are the French site.
    """
    for user in users.values():
        user.locale = "fr"
    rebberg = Neighbourhood(name="Rebberg", slug="rebberg", position=1)
    dornach = Neighbourhood(name="Dornach", slug="dornach", position=2)
    mobility = Category(name="Mobilité", slug="mobilite", position=1)
    db.session.add_all([rebberg, dornach, mobility])
    db.session.flush()
    for title, body, place in [
        ("Des arbres place de la Réunion", "De l'ombre en été pour les terrasses.", rebberg),
        ("Piste cyclable rue de Bâle", "Sécuriser les vélos entre la gare et le centre.", dornach),
        ("Des arbres le long du canal", "Planter des tilleuls au bord de l'eau.", None),
    ]:
        db.session.add(Notice(
            title=title, body=body, author_id=users["resident"].id, state="published",
            published_at=utcnow(), neighbourhood_id=place.id if place else None,
        ))
    db.session.commit()
    return users


PUBLIC_PAGES = {
    "home": "/",
    "search with nothing found": "/search/?q=introuvable",
    "open data": "/open-data/",
    "sign-up": "/account/signup",
    "log in": "/account/login",
    "forgotten password": "/account/password/forgot",
    "new confirmation link": "/account/confirm",
}

RESIDENT_PAGES = {
    "account": "/account",
    "change password": "/account/password",
    "delete account": "/account/delete",
    "notifications": "/notifications/",
}


def open_and_check(page, axe_check, path: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response.status == status, f"{path} answered {response.status}"
    assert page_language(page) == "fr", "<html lang> must name the page's language"
    axe_check(page)


@pytest.mark.parametrize("path", PUBLIC_PAGES.values(), ids=PUBLIC_PAGES.keys())
def test_public_pages_are_accessible(page, axe_check, city, path):
    open_and_check(page, axe_check, path)


@pytest.mark.parametrize("path", RESIDENT_PAGES.values(), ids=RESIDENT_PAGES.keys())
def test_resident_pages_are_accessible(page, axe_check, city, path):
    log_in(page, city["resident"].email)
    open_and_check(page, axe_check, path)


def test_search_results_are_accessible(page, axe_check, city):
    open_and_check(page, axe_check, "/search/?q=arbres")
    results = page.get_by_role("main").get_by_role("listitem")
    assert results.get_by_role("heading", level=3).count() == 2


def test_statistics_with_charts_are_accessible(page, axe_check, city):
    open_and_check(page, axe_check, "/stats/")
    assert page.locator("main svg").count() >= 1, "the page shows charts"
    # Each chart has its figures as a table, behind a disclosure people open.
    charts = page.locator("figure.chart")
    assert charts.count() >= 1
    for index in range(charts.count()):
        charts.nth(index).locator("summary").click()
    assert page.get_by_role("table").count() >= charts.count(), "each chart has its figures as a table"
    axe_check(page)


def test_home_page_of_a_logged_in_resident_is_accessible(page, axe_check, city):
    log_in(page, city["resident"].email)
    open_and_check(page, axe_check, "/")
    page.get_by_role("link", name=ui_text(page, "My account"), exact=True).wait_for()


def test_administration_is_accessible(page, axe_check, city):
    log_in(page, city["admin"].email)
    open_and_check(page, axe_check, "/admin/")
    page.get_by_role("heading", level=1, name=ui_text(page, "Administration")).wait_for()


def notice_url(title: str) -> str:
    notice = db.session.scalar(db.select(Notice).where(Notice.title == title))
    return f"/notices/{notice.id}"


def test_content_page_with_the_core_services_is_accessible(page, axe_check, city):
    """A piece of content with comments, supports, follows, answers and attachments.

    The page is the test plugin's, the parts of it that matter here are the core services'.
    A resident comments through the form, then staff (who see the answer and moderation
    tools) look at the same page.
    """
    url = notice_url("Des arbres place de la Réunion")
    log_in(page, city["resident"].email)
    open_and_check(page, axe_check, url)
    page.get_by_label(ui_text(page, "Your comment")).fill("Oui, surtout des **tilleuls**.")
    page.get_by_role("button", name=ui_text(page, "Publish my comment"), exact=True).click()
    page.get_by_role("main").get_by_text("surtout des").wait_for()
    axe_check(page)

    page.context.clear_cookies()
    log_in(page, city["staff"].email)
    open_and_check(page, axe_check, url)


def test_page_not_found_is_accessible(page, axe_check):
    open_and_check(page, axe_check, "/no-such-page", status=404)
    page.get_by_role("heading", level=1, name=ui_text(page, "Page not found")).wait_for()


def test_form_errors_are_accessible(page, axe_check):
    """A sign-up sent empty: the error summary and the fields in error pass too."""
    page.goto("/account/signup")
    page.get_by_role("main").get_by_role(
        "button", name=ui_text(page, "Create my account"), exact=True
    ).click()
    summary = page.get_by_role("alert")
    summary.wait_for()
    assert summary.get_by_role("link").count() >= 3, "each error links to its field"
    assert page.get_by_label(ui_text(page, "E-mail address"), exact=True).get_attribute("aria-invalid") == "true"
    axe_check(page)


def test_check_your_inbox_page_is_accessible(page, axe_check, smtp):
    """The page after a successful sign-up (a form sent with its CSRF token, as browsers do)."""
    page.goto("/account/signup")
    for label, value in [
        ("Name shown publicly", "Lou Keller"),
        ("E-mail address", "lou.keller@example.org"),
        ("Password", "Storks nest on the town hall roof"),
        ("Password again", "Storks nest on the town hall roof"),
    ]:
        page.get_by_label(ui_text(page, label), exact=True).fill(value)
    page.get_by_label(ui_text(
        page, "I accept the terms of use and the processing of my data described in the privacy notice."
    ), exact=True).check()
    page.get_by_role("main").get_by_role(
        "button", name=ui_text(page, "Create my account"), exact=True
    ).click()
    page.get_by_role("heading", level=1, name=ui_text(page, "Check your inbox")).wait_for()
    assert page_language(page) == "fr"
    axe_check(page)
    smtp.wait_for("lou.keller@example.org")


@pytest.mark.parametrize("locale", ["fr", "en", "de"])
def test_each_language_is_declared_and_accessible(browser, live_server, axe_check, locale):
    """A browser asking for a language gets the page in it, declared in ``<html lang>``."""
    context = browser.new_context(
        base_url=live_server.url, locale=locale, bypass_csp=True,
        extra_http_headers={"Accept-Language": locale},
    )
    try:
        tab = context.new_page()
        for path in ("/", "/account/login"):
            tab.goto(path)
            assert page_language(tab) == locale
            axe_check(tab)
    finally:
        context.close()


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_main_content(page):
    page.goto("/search/?q=arbres")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({cls: document.activeElement.className, href: document.activeElement.getAttribute('href'),"
        " text: document.activeElement.textContent.trim()})"
    )
    assert focused["href"] == "#main", f"the first Tab stop is {focused}, not the skip link"
    assert focused["text"] == ui_text(page, "Skip to main content")
    skip_link = page.get_by_role("link", name=ui_text(page, "Skip to main content"))
    box = skip_link.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, "the focused skip link is on screen"

    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    # The next Tab continues inside the main content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.getElementById('main').contains(document.activeElement)")


def test_the_accessibility_check_catches_violations(page, axe_check):
    """The check itself: an image without text and an unlabelled field are reported by rule."""
    page.goto("/")
    page.evaluate(
        """() => {
            const main = document.getElementById('main');
            main.insertAdjacentHTML('beforeend',
                '<img src="/static/civique.css"><input type="text" name="unlabelled">');
        }"""
    )
    with pytest.raises(AssertionError) as failure:
        axe_check(page)
    report = str(failure.value)
    assert "- image-alt (critical)" in report and re.search(r"at [^\n]*img[^\n]*:", report)
    assert "- label (critical)" in report and 'input[type="text"]:' in report
