"""A mediation case in a real browser, from referral to agreement: the resident refers it, the
conciliator declares it admissible, asks the service a question that a staff member answers
inside the case, writes to the resident and closes the case with an agreement. Every page is
checked with axe-core."""

import pytest

from core.testing.browser import log_in, ui_text

pytestmark = pytest.mark.e2e


@pytest.fixture
def new_page(browser, browser_context_args):
    contexts = []

    def factory():
        context = browser.new_context(**browser_context_args)
        contexts.append(context)
        return context.new_page()

    yield factory
    for context in contexts:
        context.close()


def click(page, name: str):
    button = page.get_by_role("main").get_by_role("button", name=ui_text(page, name), exact=True)
    with page.expect_navigation():
        button.first.click()


def fill(page, label: str, value: str):
    page.get_by_label(ui_text(page, label), exact=True).fill(value)


def test_a_case_from_referral_to_agreement(app, page, new_page, users, make_user, conciliator,
                                           services, smtp, axe_check):
    from core.database import db
    from plugins.conciliator.models import Case

    clerk = make_user("clerk@example.org", "Clara Clerk", roles=["staff"])
    resident = users["resident"]

    # The resident refers a case; a missing subject is explained and the text typed stays.
    log_in(page, resident.email)
    page.goto("/mediation/")
    axe_check(page)
    page.get_by_role("main").get_by_role("link", name=ui_text(page, "Refer a case to the mediator")).click()
    axe_check(page)
    page.get_by_label(ui_text(page, "Municipal service concerned")).select_option(label="Parking")
    fill(page, "Describe your dispute", "I was fined while my disability card was displayed.")
    fill(page, "Date of your complaint to the service", "2026-01-05")
    fill(page, "Steps already taken with the service", "A letter to the parking office.")
    fill(page, "What do you hope for?", "The fine cancelled.")
    click(page, "Send my case")
    assert ui_text(page, "Give your case a subject.") in page.content()
    assert page.get_by_label(ui_text(page, "Describe your dispute"), exact=True).input_value() \
        .startswith("I was fined")
    axe_check(page)
    fill(page, "Subject", "Parking fine contested")
    click(page, "Send my case")
    case = db.session.scalar(db.select(Case))
    assert case.reference in page.content()
    assert any(case.reference in m["Subject"] for m in smtp.messages)
    axe_check(page)

    # The conciliator declares it admissible and asks the parking office.
    mediator = new_page()
    log_in(mediator, conciliator.email)
    mediator.goto("/mediation/dashboard")
    axe_check(mediator)
    mediator.get_by_role("link", name=case.reference).click()
    axe_check(mediator)
    click(mediator, "Declare admissible")
    fill(mediator, "E-mail address of the staff member", clerk.email)
    fill(mediator, "Your question", "Was the card visible on the photo?")
    click(mediator, "Send the question")
    axe_check(mediator)

    # The staff member answers inside the case, the only case they can see.
    staff = new_page()
    log_in(staff, clerk.email)
    staff.goto(f"/mediation/cases/{case.id}")
    axe_check(staff)
    assert "Was the card visible on the photo?" in staff.content()
    fill(staff, "Your answer", "Yes: the fine will be cancelled.")
    click(staff, "Send my answer")

    # The conciliator reads the answer, writes to the resident and closes with an agreement.
    mediator.goto(f"/mediation/cases/{case.id}")
    assert "Yes: the fine will be cancelled." in mediator.content()
    fill(mediator, "Your message", "The service agrees to cancel the fine.")
    click(mediator, "Send")
    fill(mediator, "Explanation", "Agreement: the fine is cancelled.")
    click(mediator, "Close: agreement reached")
    axe_check(mediator)

    page.goto(f"/mediation/cases/{case.id}")
    content = page.content()
    assert "The service agrees to cancel the fine." in content
    assert ui_text(page, "Agreement reached") in content
    assert "Was the card visible on the photo?" not in content
    axe_check(page)
