"""The city's council pages, given bad input: a clear message, never an error page, and nothing
already saved lost.

From the security review: the replacement page of a member still invited, and a feature saved
without the values its quotas counted, answered with a server error. Then every staff form of
the plugin, sent empty, blank, negative, huge, non-numeric, reversed or unknown values.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from core.database import db
from core.services.bodies.models import Meeting
from plugins.council_draw.models import Draw, Feature, Member, Quota

from ..bad_input import HUGE, OVERLONG, no_form_fails, refused, refuses_each, saved_rows
from .conftest import PEOPLE
from .test_draw_flow import hold_ceremony, prepare_and_publish


@pytest.fixture
def drawn(client, login, officer, make_council, add_candidates):
    """A council drawn (4 seats, parity): members invited, one who accepted, one who declined;
    the officer signed in."""
    council = make_council(seats=4)
    add_candidates(council, PEOPLE)
    login(client, officer)
    draw = prepare_and_publish(client, council)
    hold_ceremony(client, council, draw)
    db.session.refresh(draw)
    selected = [m for m in draw.members if m.role == "selected"]
    client.post(f"/councils/manage/members/{selected[0].id}/answer", data={"answer": "accept"})
    client.post(f"/councils/manage/members/{selected[1].id}/answer", data={"answer": "decline"})
    db.session.expire_all()
    return draw


@pytest.fixture
def council(client, login, officer, make_council, add_candidates):
    """A council being set up (4 seats, parity quotas), with candidates and a feature of the
    city's own ("District", a quota on "North"); the officer signed in."""
    council = make_council(seats=4)
    add_candidates(council, PEOPLE)
    login(client, officer)
    client.post(f"/councils/manage/{council.id}/features",
                data={"name": "District", "values": "North\nSouth"})
    district = db.session.scalar(db.select(Feature).where(Feature.key == "district"))
    college = council.colleges[0]
    cells = {f"{edge}-{q.value_id}": str(getattr(q, field))
             for q in college.quotas for edge, field in (("min", "minimum"), ("max", "maximum"))}
    client.post(f"/councils/manage/{council.id}/colleges/{college.id}/quotas",
                data={**cells, f"min-{district.values[0].id}": "1"})
    db.session.expire_all()
    assert len(college.quotas) == 3
    return council


# --- The two findings ---------------------------------------------------------------------------


def test_the_seat_of_a_member_still_invited_is_not_free_and_the_page_says_so(client, drawn):
    invited = next(m for m in drawn.members if m.status == "invited")
    accepted = next(m for m in drawn.members if m.status == "accepted")
    reserve = next(m for m in drawn.members if m.status == "reserve")
    url = f"/councils/manage/members/{invited.id}/replace"
    page = client.get(url)
    assert page.status_code == 409
    assert f"{invited.pseudonym} is invited and has not answered yet: their seat is not free." in page.text
    refused(client, url, {}, "their seat is not free")
    for member, message in ((accepted, "holds their seat: record their withdrawal first"),
                            (reserve, "is on the reserve list: they hold no seat")):
        page = client.get(f"/councils/manage/members/{member.id}/replace")
        assert page.status_code == 409 and message in page.text
    assert db.session.scalar(db.select(Member).where(Member.replaces_id.is_not(None))) is None


def test_a_seat_already_filled_is_not_filled_twice(client, drawn):
    declined = next(m for m in drawn.members if m.status == "declined")
    assert client.post(f"/councils/manage/members/{declined.id}/replace", data={"force": "1"},
                       follow_redirects=True).status_code == 200
    page = client.get(f"/councils/manage/members/{declined.id}/replace")
    assert page.status_code == 409 and "This member has already been replaced." in page.text
    refused(client, f"/councils/manage/members/{declined.id}/replace", {"force": "1"},
            "This member has already been replaced.")


def test_a_value_dropped_from_a_feature_takes_its_quotas_and_the_page_says_so(client, council):
    gender = next(f for f in council.features if f.key == "gender")
    college = council.colleges[0]
    response = client.post(f"/councils/manage/{council.id}/features/{gender.id}",
                           data={"name": "Gender", "values": "Woman\nAnother answer"},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "The feature is saved." in response.text
    assert "The quotas of the values no longer offered (Man) are deleted with them" in response.text
    db.session.expire_all()
    assert sorted(q.value.key for q in college.quotas) == ["north", "woman"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Quota)) == 2
    for url in (f"/councils/manage/{council.id}", f"/councils/manage/{council.id}/prepare",
                f"/councils/manage/{council.id}/colleges/{college.id}/quotas",
                f"/councils/manage/{council.id}/candidates"):
        assert client.get(url).status_code == 200, url
    assert client.post(f"/councils/manage/{council.id}/prepare",
                       data={"algorithm": "leximin"}).status_code in (200, 302)


def test_a_feature_deleted_with_its_quotas_leaves_the_council_usable(client, council):
    district = db.session.scalar(db.select(Feature).where(Feature.key == "district"))
    response = client.post(f"/councils/manage/{council.id}/features/{district.id}/delete",
                           follow_redirects=True)
    assert response.status_code == 200 and "The feature is deleted." in response.text
    assert sorted(q.value.key for q in db.session.scalars(db.select(Quota))) == ["man", "woman"]
    assert client.get(f"/councils/manage/{council.id}/prepare").status_code == 200


def test_a_neighbourhood_out_of_the_territory_takes_its_quota(client, council, places):
    college = council.colleges[0]
    coteaux = next(v for f in council.features if f.kind == "neighbourhood" for v in f.values
                   if v.neighbourhood_id == places["coteaux"].id)
    cells = {f"{edge}-{q.value_id}": str(getattr(q, field))
             for q in college.quotas for edge, field in (("min", "minimum"), ("max", "maximum"))}
    client.post(f"/councils/manage/{council.id}/colleges/{college.id}/quotas",
                data={**cells, f"max-{coteaux.id}": "2"})
    assert db.session.scalar(db.select(db.func.count()).select_from(Quota)) == 4
    form = {"name": council.name, "term_start": council.term_start.isoformat(),
            "term_end": council.term_end.isoformat(), "minimum_age": "16",
            "neighbourhoods": [str(places["bourtzwiller"].id)], "is_published": "y"}
    response = client.post(f"/councils/manage/{council.id}/edit", data=form, follow_redirects=True)
    assert response.status_code == 200 and "The council is saved." in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Quota)) == 3
    assert client.get(f"/councils/manage/{council.id}/prepare").status_code == 200


def test_cells_missing_from_the_quotas_form_keep_their_quota(client, council):
    college = council.colleges[0]
    before = saved_rows()
    response = client.post(f"/councils/manage/{council.id}/colleges/{college.id}/quotas", data={},
                           follow_redirects=True)
    assert response.status_code == 200 and "The quotas are saved." in response.text
    assert saved_rows() == before


# --- Every staff form of the plugin ------------------------------------------------------------


COUNCIL_FORM = [
    ({"name": ""}, "This field is required."),
    ({"name": None}, "This field is required."),
    ({"name": "   "}, "This field is required."),
    ({"name": OVERLONG}, "150 characters at most."),
    ({"description": OVERLONG + "x"}, "10,000 characters at most."),
    ({"term_start": ""}, "This field is required."),
    ({"term_end": None}, "This field is required."),
    ({"term_start": "2026-13-45"}, "Not a valid date value."),
    ({"term_end": "2000-01-01"}, "The term must end after it starts."),
    ({"minimum_age": "-1"}, "Between 0 and 120."),
    ({"minimum_age": HUGE}, "Between 0 and 120."),
    ({"minimum_age": "sixteen"}, "Not a valid integer value."),
    ({"call_opens_on": "2026-01-10"}, "Give both dates of the call, or neither."),
    ({"call_opens_on": "2026-03-01", "call_closes_on": "2026-02-01"},
     "The call must close after it opens."),
    ({"neighbourhoods": "999999"}, "'999999' is not a valid choice for this field."),
]


def test_the_council_form(client, council):
    form = {"name": "Conseil citoyen Coteaux", "term_start": council.term_start.isoformat(),
            "term_end": council.term_end.isoformat(), "minimum_age": "16",
            "call_opens_on": "", "call_closes_on": "", "description": "", "call_text": ""}
    refuses_each(client, ["/councils/manage/new", f"/councils/manage/{council.id}/edit"], form,
                 COUNCIL_FORM)


COLLEGE_FORM = [
    ({"name": ""}, "This field is required."),
    ({"name": "  "}, "This field is required."),
    ({"name": OVERLONG}, "120 characters at most."),
    ({"seats": "0"}, "Between 1 and 500."),
    ({"seats": "-4"}, "Between 1 and 500."),
    ({"seats": HUGE}, "Between 1 and 500."),
    ({"seats": "four"}, "Not a valid integer value."),
    ({"seats": None}, "This field is required."),
    ({"kind": "anyone"}, "Not a valid choice."),
]


def test_the_college_forms(client, council):
    college = council.colleges[0]
    refuses_each(client, [f"/councils/manage/{council.id}/colleges",
                          f"/councils/manage/{council.id}/colleges/{college.id}"],
                 {"name": "Acteurs locaux", "kind": "local_actors", "seats": "2"}, COLLEGE_FORM)


def test_the_quotas_form(client, council):
    college = council.colleges[0]
    woman = next(q.value_id for q in college.quotas if q.value.key == "woman")
    url = f"/councils/manage/{council.id}/colleges/{college.id}/quotas"
    refuses_each(client, url, {}, [
        ({f"{edge}-{woman}": value for edge, value in cells.items()}, message) for cells, message in [
            ({"min": "two"}, "Enter whole numbers."),
            ({"min": "1.5"}, "Enter whole numbers."),
            ({"min": "-1"}, "Enter numbers of 0 or more."),
            ({"min": "3", "max": "1"}, "The minimum is above the maximum."),
            ({"min": "5", "max": ""}, "The minimum is above the 4 seats of the college."),
            ({"min": HUGE, "max": HUGE}, "The minimum is above the 4 seats of the college."),
            ({"min": "", "max": HUGE}, "The maximum is above the 4 seats of the college"),
        ]])


FEATURE_FORM = [
    ({"name": ""}, "This field is required."),
    ({"name": "   "}, "This field is required."),
    ({"name": OVERLONG}, "120 characters at most."),
    ({"values": ""}, "This field is required."),
    ({"values": None}, "This field is required."),
    ({"values": "  \n \n"}, "This field is required."),
    ({"values": "Yes\nyes"}, "The value “yes” is given twice."),
    ({"values": OVERLONG}, "a value has 120 characters at most."),
    ({"values": "\n".join(f"Value {n}" for n in range(60))}, "50 values at most."),
]


def test_the_feature_forms(client, council):
    district = db.session.scalar(db.select(Feature).where(Feature.key == "district"))
    form = {"name": "Priority area", "values": "Yes\nNo"}
    refuses_each(client, [f"/councils/manage/{council.id}/features",
                          f"/councils/manage/{council.id}/features/{district.id}"],
                 form, FEATURE_FORM)
    refuses_each(client, f"/councils/manage/{council.id}/features", form,
                 [({"name": "Gender"}, "A feature with this name already exists.")])


def test_the_age_bands(client, council):
    age = next(f for f in council.features if f.key == "age")
    url = f"/councils/manage/{council.id}/features/{age.id}"
    for values, message in [("young", "“young” is not an age band"),
                            ("16-29\n-5-10", "“-5-10” is not an age band"),
                            ("30-16", "“30-16”: the band must end after it starts."),
                            ("16-29\n16-29", "The value “16-29” is given twice.")]:
        refused(client, url, {"name": "Age band", "values": values}, message)
    gender = next(f for f in council.features if f.key == "gender")
    refused(client, f"/councils/manage/{council.id}/features/{gender.id}/delete", {},
            "Gender, age and neighbourhood stay")


def test_the_draw_forms(client, login, officer, make_council, add_candidates):
    council = make_council(seats=4)
    add_candidates(council, PEOPLE)
    login(client, officer)
    refused(client, f"/councils/manage/{council.id}/prepare", {"algorithm": "dice"},
            "Not a valid choice.")
    refused(client, f"/councils/manage/{council.id}/prepare", {}, "This field is required.")
    client.post(f"/councils/manage/{council.id}/prepare", data={"algorithm": "leximin"})
    draw = db.session.scalar(db.select(Draw).where(Draw.council_id == council.id))
    publish = f"/councils/manage/{council.id}/draws/{draw.id}/publish"
    for form, message in [({"place": ""}, "This field is required."),
                          ({"place": "   "}, "This field is required."),
                          ({"place": OVERLONG}, "200 characters at most."),
                          ({"place": "Mairie", "planned_at": "tomorrow"},
                           "Not a valid datetime value."),
                          ({"place": "Mairie", "planned_at": "2020-03-01T18:00"},
                           "The ceremony cannot be planned in the past."),
                          # Saved, its time shown in the city's zone was a server error.
                          ({"place": "Mairie", "planned_at": "9999-12-31T23:59"},
                           "Plan the ceremony within the next five years.")]:
        refused(client, publish, form, message)
    next_year = date.today().year + 1
    client.post(publish, data={"place": "Mairie", "planned_at": f"{next_year}-06-01T18:30"})
    # The time typed is the city's: the public page shows it as typed.
    assert re.search(r"6:30\s?PM", client.get(f"/councils/{council.id}/draws/{draw.id}").text)
    ceremony = f"/councils/manage/{council.id}/draws/{draw.id}/ceremony"
    witnesses = "Jeanne Témoin"
    for form, message in [({"seed": "", "witnesses": witnesses}, "This field is required."),
                          ({"seed": "   ", "witnesses": witnesses}, "This field is required."),
                          ({"seed": OVERLONG, "witnesses": witnesses}, "200 characters at most."),
                          ({"seed": "4 1 6", "witnesses": " \n  \n"}, "Name at least one witness."),
                          ({"seed": "4 1 6"}, "Name at least one witness.")]:
        refused(client, ceremony, form, message)
    refused(client, publish, {"place": "Mairie"}, "Only a prepared draw can be published.")


def test_the_members_forms(client, drawn):
    council = drawn.council
    accepted = next(m for m in drawn.members if m.status == "accepted")
    reserve = next(m for m in drawn.members if m.status == "reserve")
    refused(client, f"/councils/manage/members/{accepted.id}/answer", {"answer": "decline"},
            "This invitation has already been answered.")
    refused(client, f"/councils/manage/members/{reserve.id}/withdraw", {},
            "Only a member who holds a seat can withdraw.")
    refused(client, f"/councils/manage/{council.id}/draws/{drawn.id}/cancel", {},
            "A draw that took place cannot be cancelled.")
    refused(client, f"/councils/manage/{council.id}/prepare", {"algorithm": "leximin"},
            "This council's draw is already published.")
    refused(client, f"/councils/manage/{council.id}/features", {"name": "Area", "values": "A\nB"},
            "The draw is published")


def test_the_import_form(client, council):
    url = f"/councils/manage/{council.id}/import"
    refused(client, url, {"csv_text": ""})
    refused(client, url, {"csv_text": "first_name;last_name\n" + "Anne;" + OVERLONG})
    header = "first_name,last_name,birth_date,email,address,neighbourhood,college,gender,consent\n"
    response = refused(client, url, {"csv_text": header + "Zoé,Roth,31/02/1990,zoe@example.org,"
                                     "1 rue,Nowhere,Habitants,woman,yes\n"})
    assert "Line 2" in response.text


def test_pages_of_objects_that_do_not_exist_are_not_found(client, council):
    college = council.colleges[0]
    for url in (f"/councils/manage/{council.id}/colleges/999999/quotas",
                f"/councils/manage/{council.id}/features/999999",
                f"/councils/manage/999999/colleges/{college.id}",
                "/councils/manage/members/999999/replace",
                f"/councils/manage/{council.id}/draws/999999"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/councils/manage/{council.id}/colleges/999999/delete").status_code == 404


def test_the_council_body_forms(client, drawn):
    """The council's members and meetings: the core's bodies pages, under /councils/bodies/."""
    body = f"/councils/bodies/council-{drawn.council_id}"
    refuses_each(client, f"{body}/members", {"name": "Jeanne Adjointe", "kind": "resident"}, [
        ({"name": "  "}, "Give the member's name."),
        ({"name": None}, "Give the member's name."),
        ({"name": OVERLONG}, None),
        ({"kind": "emperor"}, "Not a valid choice."),
        ({"email": "nobody@example.org"}, "No account has this e-mail address."),
        ({"since": "31/12/2026"}, "Not a valid date value."),
    ])
    refuses_each(client, f"{body}/meetings", {"title": "First meeting", "day": "2027-03-02",
                                              "hour": "18:30"}, [
        ({"title": " "}, "Give the meeting a title."),
        ({"day": ""}, "Give the date of the meeting."),
        ({"day": "2027-02-30"}, "Give the date of the meeting."),
        ({"hour": "25:00"}, "Give the time of the meeting."),
        ({"agenda": OVERLONG * 3}, None),
    ])
    assert client.post(f"{body}/members/999999/end").status_code == 404
    client.post(f"{body}/meetings", data={"title": "First meeting", "day": "2027-03-02",
                                          "hour": "18:30"})
    meeting = db.session.scalar(db.select(Meeting))
    refuses_each(client, f"/councils/bodies/meetings/{meeting.id}/documents",
                 {"title": "Agenda", "url": "https://mulhouse.fr/agenda.pdf"}, [
        ({"title": ""}, "Give the document a title."),
        ({"url": "javascript://example.org/%0Aalert(1)"},
         "Give a full web address, starting with https://."),
        ({"url": "agenda.pdf"}, "Give a full web address, starting with https://."),
        ({"url": "https://" + OVERLONG + ".fr"}, None),
    ])
    refuses_each(client, f"/councils/bodies/meetings/{meeting.id}/minutes", {}, [
        ({"minutes": ""}, "Write the minutes."),
        ({"minutes": "  "}, "Write the minutes."),
        ({"minutes": OVERLONG * 11}, None),
    ])


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_meeting_at_the_edge_of_the_calendar_is_refused(client, drawn, day):
    body = f"/councils/bodies/council-{drawn.council_id}"
    refused(client, f"{body}/meetings", {"title": "Meeting", "day": day, "hour": "23:59"})
    assert client.get(body).status_code == 200


def test_no_staff_form_answers_a_server_error(client, drawn, council):
    """Every form of the councils' staff pages, each field blank, spaces, huge, "nan", 10,000
    characters long or left out."""
    no_form_fails(client, ["/councils/manage/"], "/councils/")
