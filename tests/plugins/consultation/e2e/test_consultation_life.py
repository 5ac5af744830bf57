"""The whole life of a consultation in a real browser.

Staff prepare a consultation from the administration (its description, dates and three
questions), preview it and publish it; three residents answer in their own browsers — one first
forgets a required question and gets a message tied to it, with the rest of their answers
kept; staff close it, approve a free-text answer, publish the results, write what was heard and
decided, and publish the decision. The results page is checked against the answers given; the
questionnaire, results and decision pages are checked with axe-core.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from flask_babel import force_locale, format_date, ngettext

from core.database import utcnow
from core.testing.browser import log_in, page_language, ui_text

pytestmark = pytest.mark.e2e

TITLE = "Réaménagement du square Steinbach"
SINGLE = "How often do you use the square?"
CHOICES = ["Every day", "Every week", "Rarely"]
SCALE = "How satisfied are you with it today?"
TEXT = "What should change?"
# (choice, scale value, text) of each resident.
ANSWERS = [("Every day", 4, "More benches in the shade."), ("Every day", 2, ""), ("Rarely", 3, "")]
SYNTHESIS = "You use the square every day and want shade."
DECISION = "Twelve trees will be planted this winter."


def click(page, name: str) -> None:
    """Click the button named ``name`` (translated) in the main content, and wait for the page."""
    button = page.get_by_role("main").get_by_role("button", name=ui_text(page, name), exact=True)
    with page.expect_navigation():
        button.first.click()


def follow_link(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("link", name=ui_text(page, name), exact=True).first.click()


def ui_plural(page, singular: str, plural: str, num: int) -> str:
    """A plural message as the page shows it, in the page's language."""
    with force_locale(page_language(page)):
        return ngettext(singular, plural, num)


def field(page, label: str):
    return page.get_by_label(ui_text(page, label), exact=True)


def status_text(page) -> str:
    return " ".join(page.locator(".flash, [role=status], [role=alert]").all_inner_texts())


def add_question(page, label: str, kind: str, required: bool, options: list[str] | None = None) -> None:
    follow_link(page, "Add a question")
    field(page, "Question").fill(label)
    field(page, "Kind of question").select_option(label=ui_text(page, kind))
    if required:
        field(page, "An answer is required").check()
    if options:
        field(page, "Answers offered").fill("\n".join(options))
    click(page, "Save the question")
    assert ui_text(page, "The question is added.") in status_text(page)


def result_row(page, label: str) -> list[str]:
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=label, exact=True)).first
    return [cell.strip() for cell in row.locator("td").all_inner_texts()]


def test_a_consultation_from_draft_to_published_decision(app, live_server, page, new_page, users, make_user,
                                                         axe_check):
    residents = [make_user(f"habitant{n}@example.org", f"Habitant {n}") for n in (1, 2, 3)]
    today = utcnow().date()

    # Staff prepare the consultation.
    log_in(page, users["staff"].email)
    page.goto("/consultations/manage")
    follow_link(page, "Prepare a new consultation")
    field(page, "Title").fill(TITLE)
    field(page, "Summary").fill("The city redesigns the Steinbach square: tell us how you use it.")
    field(page, "Context of the project").fill("The budget is **voted**; the design is open.")
    field(page, "Opening day").fill((today - timedelta(days=1)).isoformat())
    field(page, "Closing day").fill((today + timedelta(days=14)).isoformat())
    click(page, "Save")
    assert ui_text(page, "The consultation is saved as a draft: add its documents and questions, preview it, "
                         "then publish it.") in status_text(page)
    add_question(page, SINGLE, "Single choice", True, CHOICES)
    add_question(page, SCALE, "Scale", True)
    add_question(page, TEXT, "Long free text", False)
    manage_url = page.url.split("#")[0]

    # The preview, then publication.
    follow_link(page, "Preview the public page")
    assert ui_text(page, "Preview: this consultation is a draft. Only the staff can see it until it is "
                         "published.") in page.locator("main").inner_text()
    click(page, "Publish and open")
    assert page.locator("#workflow .badge").first.inner_text().strip() == ui_text(page, "Open")
    consultation_url = page.url.split("#")[0]
    consultation_id = int(re.search(r"/consultations/(\d+)", consultation_url).group(1))

    # Three residents answer, each in their own browser.
    for number, (resident, (choice, value, text)) in enumerate(zip(residents, ANSWERS), start=1):
        browser_page = new_page()
        log_in(browser_page, resident.email)
        browser_page.goto(f"/consultations/{consultation_id}")
        follow_link(browser_page, "Answer the questionnaire")
        if number == 1:
            axe_check(browser_page)
            # A required question forgotten: the message is tied to it, the rest is kept.
            browser_page.get_by_label(str(value), exact=True).check()
            browser_page.get_by_label(re.compile(r"^3\. " + re.escape(TEXT))).fill(text)
            click(browser_page, "Send my answers")
            error = ui_text(browser_page, "Please answer this question.")
            group = browser_page.get_by_role("group", name=re.compile(re.escape(SINGLE)))
            assert error in group.inner_text()
            assert browser_page.get_by_role("group", name=re.compile(re.escape(SINGLE))).get_attribute(
                "aria-describedby").endswith("-error")
            assert browser_page.get_by_label(str(value), exact=True).is_checked()
            assert browser_page.get_by_label(re.compile(r"^3\. " + re.escape(TEXT))).input_value() == text
            axe_check(browser_page)
        else:
            browser_page.get_by_label(str(value), exact=True).check()
            if text:
                browser_page.get_by_label(re.compile(r"^3\. " + re.escape(TEXT))).fill(text)
        browser_page.get_by_label(choice, exact=True).check()
        click(browser_page, "Send my answers")
        with force_locale(page_language(browser_page)):
            closing_day = format_date(today + timedelta(days=14), "long")
        assert ui_text(browser_page, "Thank you for taking part! You can change your answers until %(day)s.",
                       day=closing_day) in status_text(browser_page)
        assert browser_page.get_by_role("main").get_by_role(
            "link", name=ui_text(browser_page, "Change my answers"), exact=True).count() == 1
        browser_page.close()

    # Staff close it, approve the free text and publish the results.
    page.goto(manage_url)
    assert ui_plural(page, "%(num)s response so far.", "%(num)s responses so far.", 3) in page.locator(
        "main").inner_text()
    click(page, "Close now")
    page.goto(manage_url)
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("link", name=ui_plural(
            page, "%(num)s free-text answer to moderate", "%(num)s free-text answers to moderate", 1),
            exact=True).click()
    page.get_by_role("group", name=TEXT).get_by_label(ui_text(page, "Publish"), exact=True).check()
    click(page, "Save the moderation")
    page.goto(manage_url)
    click(page, "Publish the results")

    # Everyone reads the results, which match the answers given.
    reader = new_page()
    log_in(reader, residents[1].email)
    reader.goto(f"/consultations/{consultation_id}/results")
    axe_check(reader)
    assert result_row(reader, "Every day") == ["2", "66.7 %"]
    assert result_row(reader, "Every week") == ["0", "0 %"]
    assert result_row(reader, "Rarely") == ["1", "33.3 %"]
    main = reader.locator("main").inner_text()
    assert ui_text(reader, "Average: %(mean)s (from %(min)s to %(max)s)", mean="3", min=1, max=5) in main
    for value in (2, 3, 4):
        assert result_row(reader, str(value)) == ["1", "33.3 %"]
    assert "More benches in the shade." in main

    # Staff write what they heard and decided, then publish the decision.
    page.goto(manage_url)
    follow_link(page, "Write what we heard and decided")
    field(page, "What we heard").fill(SYNTHESIS)
    field(page, "What we decided and why").fill(DECISION)
    click(page, "Save")
    click(page, "Publish the decision")
    assert page.locator("#workflow .badge").first.inner_text().strip() == ui_text(page, "Decision published")

    # A participant reads the decision.
    reader.goto(f"/consultations/{consultation_id}")
    follow_link(reader, "What we heard and what we decided")
    axe_check(reader)
    main = reader.locator("main").inner_text()
    assert SYNTHESIS in main and DECISION in main
