"""In a real browser: staff import a year, the public reads an indicator equal to the value
computed by hand, a resident asks a question, a moderator publishes it and a commission member
answers it. Every page is checked with axe-core."""

import re
from pathlib import Path

import pytest

from core.testing.browser import log_in, ui_text

pytestmark = pytest.mark.e2e
SAMPLE = Path(__file__).resolve().parents[4] / "plugins" / "finance_commission" / "samples" / "simple.csv"


def submit(page, name: str):
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("button", name=ui_text(page, name), exact=True).first.click()


def test_import_read_an_indicator_and_answer_a_question(app, page, new_page, users, make_user, axe_check):
    member = make_user("member@example.org", "Mia Member", roles=["commission_member"])
    log_in(page, users["staff"].email)
    page.goto("/finances/admin/import")
    axe_check(page)
    page.get_by_label(ui_text(page, "Year"), exact=True).first.fill("2024")
    page.get_by_label(ui_text(page, "Population of the year")).fill("100000")
    page.get_by_label(ui_text(page, "Outstanding debt on 31 December, in euros")).fill("36000000")
    page.get_by_label(ui_text(page, "Accounts file (CSV)")).set_input_files(str(SAMPLE))
    submit(page, "Import the accounts")

    visitor = new_page()
    visitor.goto("/finances/indicators/operating_expenditure_per_inhabitant")
    # 46,000,000 € of real operating expenditure for 100,000 inhabitants: 460 € each.
    shown = visitor.locator("[data-indicator=operating_expenditure_per_inhabitant]").inner_text()
    assert "€" in shown and re.sub(r"\D", "", shown) == "46000"  # 460.00 in the page's locale
    axe_check(visitor)

    resident = new_page()
    log_in(resident, users["resident"].email)
    resident.goto("/finances/questions")
    resident.get_by_label(ui_text(resident, "Your question")).fill("Why is the debt growing this year?")
    submit(resident, "Send my question")
    axe_check(resident)
    question_url = resident.url

    moderator = new_page()
    log_in(moderator, users["moderator"].email)
    moderator.goto(question_url)
    submit(moderator, "Publish the question")

    commission = new_page()
    log_in(commission, member.email)
    commission.goto(question_url)
    axe_check(commission)
    commission.get_by_label(ui_text(commission, "The commission's answer")).fill("New loans financed the schools.")
    submit(commission, "Publish the answer")

    resident.goto(question_url)
    assert "New loans financed the schools." in resident.get_by_role("main").inner_text()
    axe_check(resident)
