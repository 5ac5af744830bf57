"""The questionnaire with every kind of question in a real browser: each question a group named
by its legend (or a labelled text box), axe-core clean before and after a mistake; and without
JavaScript, mistakes listed at the top with a link to their question and marked on the question,
everything given kept, the ranking done with plain menus."""

from __future__ import annotations

import pytest

from core.testing.browser import log_in, ui_text

from ..conftest import QUESTIONS

pytestmark = pytest.mark.e2e


@pytest.fixture
def page_without_javascript(browser, browser_context_args):
    """A browser with JavaScript off: the questionnaire must work without it."""
    context = browser.new_context(**{**browser_context_args, "java_script_enabled": False})
    yield context.new_page()
    context.close()


def send(page) -> None:
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("button", name=ui_text(page, "Send my answers")).click()


def test_every_kind_of_question_is_accessible(live_server, page, new_page, users, make_consultation, axe_check):
    consultation = make_consultation()
    log_in(page, users["resident"].email)
    page.goto(f"/consultations/{consultation.id}/take-part")
    main = page.get_by_role("main")
    for kind, label, _required, _options in QUESTIONS:
        if kind.endswith("_text"):
            assert main.get_by_role("textbox", name=label).count() == 1, label
        else:
            assert main.get_by_role("group", name=label).count() == 1, label
    axe_check(page)
    main.get_by_role("textbox", name="Any other remark?").fill("Keep the plane trees.")
    send(page)
    assert page.locator("#error-summary").get_by_role("link").count() == 3  # the three required choices
    axe_check(page)

    staff = new_page()
    log_in(staff, users["staff"].email)
    staff.goto(f"/consultations/{consultation.id}/moderation")
    assert "Keep the plane trees." not in staff.locator("main").inner_text()  # nothing was saved
    staff.goto(f"/consultations/{consultation.id}/manage")
    axe_check(staff)


def test_the_questionnaire_works_without_javascript(live_server, page_without_javascript, users,
                                                    make_consultation):
    page = page_without_javascript
    consultation = make_consultation()
    log_in(page, users["resident"].email)
    page.goto(f"/consultations/{consultation.id}/take-part")
    main = page.get_by_role("main")

    # Three choices where two at most are allowed, and the ranking left half done.
    multiple = main.get_by_role("group", name="What would you like to find there?")
    for choice in ("Trees", "Benches", "A fountain"):
        multiple.get_by_label(choice, exact=True).check()
    ranking = main.get_by_role("group", name="Rank these priorities")
    ranking.get_by_label("Safety", exact=True).select_option("1")
    main.get_by_role("textbox", name="Any other remark?").fill("Keep the plane trees.")
    send(page)
    summary = page.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    links = summary.get_by_role("link")
    assert links.count() == 4  # single and scale unanswered, too many choices, ranking incomplete
    too_many = ui_text(page, "Choose %(max)s answers at most (you chose %(count)s).", max=2, count=3)
    assert too_many in multiple.inner_text()
    # The summary links to the question's first box.
    assert summary.get_by_role("link", name=too_many).get_attribute("href") == \
        "#" + multiple.get_by_role("checkbox").first.get_attribute("id")
    assert multiple.get_by_label("Benches", exact=True).get_attribute("aria-invalid") == "true"
    # Everything given is still there.
    for choice in ("Trees", "Benches", "A fountain"):
        assert multiple.get_by_label(choice, exact=True).is_checked(), choice
    assert ranking.get_by_label("Safety", exact=True).input_value() == "1"
    assert main.get_by_role("textbox", name="Any other remark?").input_value() == "Keep the plane trees."

    # Corrected with the menus alone, the answers are saved.
    main.get_by_role("group", name="How often do you cross the square?").get_by_label("Rarely").check()
    multiple.get_by_label("A fountain", exact=True).uncheck()
    ranking.get_by_label("Greenery", exact=True).select_option("2")
    ranking.get_by_label("Tram access", exact=True).select_option("3")
    main.get_by_role("group", name="How satisfied are you with the square today?").get_by_label(
        "4", exact=True).check()
    send(page)
    main = page.get_by_role("main")
    assert main.get_by_role("link", name=ui_text(page, "Change my answers"), exact=True).count() == 1

