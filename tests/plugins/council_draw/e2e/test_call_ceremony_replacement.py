"""A call, a public draw ceremony and a replacement, in a real browser, every page checked
with axe-core: a resident volunteers; the officer computes the chances, publishes the draw and
enters the seed read out in front of witnesses; a drawn member declines from the link in their
e-mail; the officer calls in the reserve list, which keeps gender parity."""

import re

import pytest

from core.database import db
from core.testing.browser import log_in, ui_text
from plugins.council_draw.models import Member

from ..conftest import FIFTY, PEOPLE

pytestmark = pytest.mark.e2e


def click(page, name: str, **variables):
    button = page.get_by_role("main").get_by_role("button", name=ui_text(page, name, **variables),
                                                  exact=True)
    with page.expect_navigation():
        button.first.click()


def flashes(page) -> str:
    return " ".join(page.locator(".flash, [role=status], [role=alert]").all_inner_texts())


def test_call_ceremony_and_replacement(app, page, new_page, officer, make_council, add_candidates,
                                       places, smtp, axe_check):
    council = make_council(seats=4)
    add_candidates(council, PEOPLE[1:])

    # A resident volunteers through the public call form.
    page.goto("/councils/")
    axe_check(page)
    page.get_by_role("link", name=council.name).click()
    page.get_by_role("link", name=ui_text(page, "Volunteer for this council")).click()
    axe_check(page)
    page.get_by_label(ui_text(page, "First name"), exact=True).fill("Anne")
    page.get_by_label(ui_text(page, "Last name"), exact=True).fill("Martin")
    page.get_by_label(ui_text(page, "Date of birth"), exact=True).fill("1980-04-02")
    gender = next(f for f in council.features if f.key == "gender")
    page.get_by_label(gender.value_by_key("woman").label, exact=True).check()
    page.get_by_label(ui_text(page, "E-mail address"), exact=True).fill("anne.martin@example.org")
    page.get_by_label(ui_text(page, "Address"), exact=True).fill("3 rue des Vergers")
    page.get_by_label(ui_text(page, "Neighbourhood"), exact=True).select_option(label="Bourtzwiller")
    page.get_by_label(ui_text(page, "I agree that the city processes these data to run the draw of the council."), exact=True).check()
    click(page, "Send my application")
    assert ui_text(page, "Thank you! Your application is recorded; a confirmation was sent to %(email)s.",
                   email="anne.martin@example.org") in flashes(page)

    # The officer computes everyone's chances, then publishes the draw.
    officer_page = new_page()
    log_in(officer_page, officer.email)
    officer_page.goto(f"/councils/manage/{council.id}")
    axe_check(officer_page)
    officer_page.get_by_role("link", name=ui_text(officer_page, "Prepare the draw: compute everyone's chances")).click()
    axe_check(officer_page)
    click(officer_page, "Compute the chances")
    assert FIFTY.search(officer_page.locator("main").inner_text())
    axe_check(officer_page)
    officer_page.get_by_label(ui_text(officer_page, "Place of the public ceremony"), exact=True).fill("Mairie de Mulhouse")
    click(officer_page, "Publish the draw")

    # The public sees the pool and chances before the ceremony.
    page.goto(f"/councils/{council.id}")
    page.get_by_role("link", name=ui_text(page, "See the pool, the quotas and everyone's chances")).click()
    assert FIFTY.search(page.locator("main").inner_text())
    axe_check(page)

    # The ceremony: the seed read out in front of two witnesses.
    officer_page.get_by_label(ui_text(officer_page, "Seed"), exact=True).fill("3 6 1 4 4 2 5")
    officer_page.get_by_label(ui_text(officer_page, "Witnesses, one name per line"), exact=True).fill("Jeanne Témoin\nPaul Huissier")
    click(officer_page, "Draw the members")
    assert ui_text(officer_page, "The members are drawn and invited by e-mail.") in flashes(officer_page)
    axe_check(officer_page)
    page.reload()
    result = page.locator("main").inner_text()
    assert "3 6 1 4 4 2 5" in result and "Jeanne Témoin" in result
    axe_check(page)

    # A drawn woman declines from the link in her e-mail.
    db.session.expire_all()
    woman = next(m for m in db.session.scalars(db.select(Member).where(Member.role == "selected"))
                 if m.candidate.features["gender"] == "woman")
    mail = next(m for m in smtp.messages if m["To"] == woman.candidate.email and "/councils/answer/" in m.get_body().get_content())
    link = re.search(r"https?://\S+/councils/answer/\S+", mail.get_body().get_content()).group(0)
    member_page = new_page()
    member_page.goto(link)
    axe_check(member_page)
    click(member_page, "I decline")
    assert ui_text(member_page, "Your answer is recorded. The council's team will now invite the next person on the reserve list in your place.") in flashes(member_page)

    # The officer calls in the reserve list: the first woman on it takes the seat.
    officer_page.reload()
    officer_page.get_by_role("link", name=ui_text(officer_page, "Replace from the reserve list") + " — " + woman.pseudonym).click()
    axe_check(officer_page)
    db.session.expire_all()
    reserve_women = sorted((m for m in db.session.scalars(db.select(Member).where(Member.status == "reserve"))
                            if m.candidate.features["gender"] == "woman"), key=lambda m: m.rank)
    click(officer_page, "Call in %(newcomer)s", newcomer=reserve_women[0].pseudonym)
    assert reserve_women[0].pseudonym in flashes(officer_page)
    page.reload()
    assert ui_text(page, "%(newcomer)s (reserve rank %(rank)s) took the seat of %(vacant)s.",
                   newcomer=reserve_women[0].pseudonym, rank=reserve_women[0].rank,
                   vacant=woman.pseudonym) in page.locator("main").inner_text()
