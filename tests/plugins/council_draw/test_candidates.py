"""Candidates' personal data: who may see it, importing it from CSV, and its erasure after the
term (the anonymous record of the draw stays)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from core.services.audit import AuditEntry
from core.database import db
from plugins.council_draw.data import erase_expired
from plugins.council_draw.models import Candidate, Council, Draw, Member

from .conftest import FIFTY, PEOPLE

HEADER = "first_name;last_name;birth_date;email;phone;address;neighbourhood;college;gender;consent\n"


# --- Access control -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["resident", "moderator", "staff", "admin"])
def test_candidates_personal_data_is_for_the_plugin_officers_only(
        client, login, users, role, make_council, add_candidates):
    council = make_council()
    (candidate,) = add_candidates(council, PEOPLE[:1])
    login(client, users[role])
    for path in (f"/councils/manage/{council.id}/candidates",
                 f"/councils/manage/{council.id}/candidates/{candidate.id}",
                 f"/councils/manage/{council.id}/import"):
        response = client.get(path)
        assert response.status_code in (403, 404), (role, path)
        assert "Martin" not in response.get_data(as_text=True)


def test_an_officer_sees_the_candidates_and_the_viewing_is_audited(
        client, login, officer, make_council, add_candidates):
    council = make_council()
    (candidate,) = add_candidates(council, PEOPLE[:1])
    login(client, officer)
    listing = client.get(f"/councils/manage/{council.id}/candidates").get_data(as_text=True)
    assert "Anne Martin" in listing
    detail = client.get(f"/councils/manage/{council.id}/candidates/{candidate.id}")
    assert "anne.martin@example.org" in detail.get_data(as_text=True)
    actions = set(db.session.scalars(db.select(AuditEntry.action)))
    assert {"council_draw.candidates_viewed", "council_draw.candidate_viewed"} <= actions


def test_visitors_are_sent_to_log_in_and_unpublished_councils_stay_hidden(
        client, make_council, add_candidates):
    council = make_council()
    assert client.get(f"/councils/manage/{council.id}/candidates").status_code == 302
    assert client.get("/councils/manage/").status_code == 302
    hidden = make_council(published=False, name="Conseil citoyen Coteaux")
    assert client.get(f"/councils/{hidden.id}").status_code == 404
    assert client.get(f"/councils/manage/{hidden.id}/candidates").status_code == 404
    listed = client.get("/councils/").get_data(as_text=True)
    assert "Conseil citoyen Coteaux" not in listed and "Conseil citoyen Bourtzwiller" in listed


def test_an_admin_manages_councils_but_sees_pseudonyms_not_names(
        client, login, users, make_council, add_candidates):
    council = make_council()
    add_candidates(council, PEOPLE)
    login(client, users["admin"])
    page = client.get(f"/councils/manage/{council.id}").get_data(as_text=True)
    assert "visible to the citizens' councils officers only" in page
    drawn = client.post(f"/councils/manage/{council.id}/prepare", data={"algorithm": "leximin"},
                        follow_redirects=True).get_data(as_text=True)
    assert FIFTY.search(drawn) and "Anne Martin" not in drawn


def test_staff_actions_are_audited(client, login, officer, make_council, places):
    login(client, officer)
    client.post("/councils/manage/new", data={
        "name": "Conseil citoyen Coteaux", "term_start": "2027-01-01", "term_end": "2028-12-31",
        "minimum_age": 16, "neighbourhoods": [places["coteaux"].id], "is_published": "y",
    })
    council = db.session.scalar(db.select(Council))
    assert [f.key for f in council.features] == ["gender", "age", "neighbourhood"]
    assert [v.label for v in council.features[2].values] == ["Coteaux"]
    client.post(f"/councils/manage/{council.id}/colleges",
                data={"name": "Habitants", "kind": "residents", "seats": 10})
    client.post(f"/councils/manage/{council.id}/features",
                data={"name": "Housing", "values": "Owner\nTenant\nSocial housing"})
    actions = list(db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["council_draw.council_created", "council_draw.college_created",
                       "council_draw.feature_created"]


# --- CSV import -------------------------------------------------------------------------------------


def upload(client, council, text, **extra):
    data = {"file": (io.BytesIO(text.encode("utf-8")), "candidates.csv"), **extra}
    return client.post(f"/councils/manage/{council.id}/import", data=data,
                       content_type="multipart/form-data", follow_redirects=True)


def test_a_csv_import_reports_each_bad_row_and_imports_nothing_until_confirmed(
        client, login, officer, make_council):
    council = make_council()
    login(client, officer)
    rows = (HEADER
            + "Anne;Martin;1980-04-02;anne@example.org;;1 rue;Bourtzwiller;Habitants;Woman;oui\n"
            + "Bruno;Keller;32/13/1975;bruno@example.org;;2 rue;Bourtzwiller;Habitants;man;oui\n"
            + "Chloé;Weber;02/03/1990;;0388000000;3 rue;Nowhere;Habitants;woman;oui\n"
            + "David;Meyer;1962-01-01;david@example.org;;4 rue;Coteaux;Habitants;man;non\n"
            + "Emma;Schmitt;2001-06-06;emma@example.org;0601020304;5 rue;Coteaux;Habitants;woman;yes\n")
    page = upload(client, council, rows).get_data(as_text=True)
    assert "3 rows cannot be imported" in page
    assert "Line 3: The birth date “32/13/1975” is not a date" in page
    assert "Line 4: No neighbourhood is named “Nowhere”." in page
    assert "Line 5: The candidate&#39;s consent is not recorded" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Candidate)) == 0
    assert "Import the 2 valid rows" in page

    confirmed = client.post(f"/councils/manage/{council.id}/import",
                            data={"csv_text": rows, "confirm": "1"}, follow_redirects=True)
    assert "2 candidates imported." in confirmed.get_data(as_text=True)
    imported = db.session.scalars(db.select(Candidate).order_by(Candidate.id)).all()
    assert [c.first_name for c in imported] == ["Anne", "Emma"]
    assert all(c.source == "import" and c.in_pool for c in imported)
    assert imported[0].features["gender"] == "woman"


def test_a_csv_file_without_the_needed_columns_is_refused_whole(client, login, officer, make_council):
    council = make_council()
    login(client, officer)
    page = upload(client, council, "name;email\nAnne;anne@example.org\n").get_data(as_text=True)
    assert "Columns missing from the header line" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Candidate)) == 0


def test_a_failing_import_leaves_nothing_half_imported(client, login, officer, make_council,
                                                      monkeypatch):
    council = make_council()
    login(client, officer)
    from plugins.council_draw import importer

    original = importer.refresh_flags

    def failing(*args, **kwargs):
        original(*args, **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "refresh_flags", failing)
    rows = (HEADER + "Anne;Martin;1980-04-02;anne@example.org;;1 rue;Bourtzwiller;Habitants;woman;oui\n"
            + "Emma;Schmitt;2001-06-06;emma@example.org;;5 rue;Coteaux;Habitants;woman;oui\n")
    page = upload(client, council, rows).get_data(as_text=True)
    assert "Nothing was imported" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Candidate)) == 0


def test_imported_duplicates_and_people_outside_the_territory_are_flagged(
        client, login, officer, make_council):
    council = make_council()
    login(client, officer)
    rows = (HEADER + "Anne;Martin;1980-04-02;anne@example.org;;1 rue;Bourtzwiller;Habitants;woman;oui\n"
            + "ANNE;martin;02/04/1980;;0600000000;1 rue;Bourtzwiller;Habitants;woman;oui\n"
            + "Paul;Rey;1970-01-01;paul@example.org;;9 rue;Rebberg;Habitants;man;oui\n")
    upload(client, council, rows)
    anne, copy, paul = db.session.scalars(db.select(Candidate).order_by(Candidate.id)).all()
    assert copy.duplicate_of_id == anne.id and not copy.in_pool
    assert paul.ineligibility == "outside_territory" and not paul.in_pool
    flagged = client.get(f"/councils/manage/{council.id}/candidates?show=flagged").get_data(as_text=True)
    assert "Possible duplicate" in flagged and "outside the council" in flagged
    client.post(f"/councils/manage/{council.id}/candidates/{paul.id}/pool", data={"in_pool": "1"})
    db.session.refresh(paul)
    assert paul.in_pool, "staff may put a flagged candidate back"


# --- Retention and personal data -----------------------------------------------------------------


def test_personal_data_is_erased_after_the_term_and_the_record_stays(
        client, login, officer, make_council, add_candidates):
    council = make_council(seats=4)
    add_candidates(council, PEOPLE)
    login(client, officer)
    client.post(f"/councils/manage/{council.id}/prepare", data={"algorithm": "leximin"})
    draw = db.session.scalar(db.select(Draw))
    client.post(f"/councils/manage/{council.id}/draws/{draw.id}/publish", data={"place": "Mairie"})
    client.post(f"/councils/manage/{council.id}/draws/{draw.id}/ceremony",
                data={"seed": "1 2 3 4", "witnesses": "Jeanne"})
    fingerprint = draw.fingerprint

    assert erase_expired(today=council.term_end) == 0, "kept during the term"
    assert erase_expired(today=council.term_end + timedelta(days=120)) == 8
    assert db.session.scalar(db.select(db.func.count()).select_from(Candidate)) == 0
    members = db.session.scalars(db.select(Member)).all()
    assert len(members) == 8 and all(m.candidate_id is None and m.public_name is None for m in members)
    db.session.refresh(council)
    assert council.erased_at is not None
    public = client.get(f"/councils/{council.id}/draws/{draw.id}").get_data(as_text=True)
    assert fingerprint in public and "1 2 3 4" in public
    record = client.get(f"/councils/{council.id}/draws/{draw.id}/record.json").get_json()
    assert len(record["colleges"][0]["pool"]) == 8
    assert "council_draw.personal_data_erased" in set(db.session.scalars(db.select(AuditEntry.action)))


def test_deleting_an_account_withdraws_its_candidacy(client, login, make_user, make_council, places):
    council = make_council()
    person = make_user("anne@example.org", "Anne")
    login(client, person)
    client.post(f"/councils/{council.id}/apply", data={
        "first_name": "Anne", "last_name": "Martin", "email": "anne@example.org",
        "birth_date": "1980-04-02", "address": "3 rue", "neighbourhood": places["coteaux"].id,
        "college": council.colleges[0].id, "feature_gender": "woman", "consent": "y",
    })
    assert db.session.scalar(db.select(Candidate)).user_id == person.id
    from plugins.council_draw.data import erase_user_data, export_user_data

    exported = export_user_data(person)
    assert exported["candidacies"][0]["last_name"] == "Martin"
    erase_user_data(person)
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(Candidate)) == 0


def test_open_data_and_statistics_hold_no_personal_data(client, login, officer, make_council,
                                                        add_candidates):
    council = make_council(seats=4)
    add_candidates(council, PEOPLE)
    login(client, officer)
    client.post(f"/councils/manage/{council.id}/prepare", data={"algorithm": "leximin"})
    draw = db.session.scalar(db.select(Draw))
    client.post(f"/councils/manage/{council.id}/draws/{draw.id}/publish", data={"place": "Mairie"})
    client.post(f"/councils/manage/{council.id}/draws/{draw.id}/ceremony",
                data={"seed": "5 5 1", "witnesses": "Jeanne"})
    csv = client.get("/open-data/council-draws.csv").get_data(as_text=True)
    assert csv.count("\n") == 9 and "Martin" not in csv and "gender=woman" in csv
    stats = client.get("/stats/").get_data(as_text=True)
    assert "Citizens' councils drawn by lot" in stats


def test_after_applying_the_council_page_says_so_instead_of_inviting_again(client, make_council,
                                                                           places):
    council = make_council()
    page = client.get(f"/councils/{council.id}").get_data(as_text=True)
    assert "Volunteer for this council" in page
    client.post(f"/councils/{council.id}/apply", data={
        "first_name": "Paul", "last_name": "Klein", "email": "paul@example.org",
        "birth_date": "1975-06-12", "address": "8 rue", "neighbourhood": places["coteaux"].id,
        "college": council.colleges[0].id, "feature_gender": "man", "consent": "y",
    })
    assert db.session.scalar(db.select(Candidate)).email == "paul@example.org"
    page = client.get(f"/councils/{council.id}").get_data(as_text=True)
    assert "Your application is recorded" in page
    assert "Volunteer for this council" not in page


def test_the_council_officer_reaches_the_councils_pages_from_the_administration(client, login, officer,
                                                                               users):
    login(client, officer)
    home = client.get("/")
    assert 'href="/admin/"' in home.get_data(as_text=True), "the header links the administration"
    admin = client.get("/admin/")
    assert admin.status_code == 200 and 'href="/councils/manage/"' in admin.get_data(as_text=True)
    resident = client.application.test_client()
    login(resident, users["resident"])
    assert resident.get("/admin/").status_code == 403
    assert 'href="/admin/"' not in resident.get("/").get_data(as_text=True)
