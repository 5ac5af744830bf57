"""Administration: neighbourhoods and categories."""

from __future__ import annotations

from core.accounts.models import User
from core.services.audit import AuditEntry
from core.database import db
from core.taxonomy import Category, Neighbourhood

from .admin_fixtures import admin_client, people  # noqa: F401  (fixtures)


def neighbourhoods() -> list[tuple[str, str]]:
    db.session.expire_all()
    rows = db.session.scalars(db.select(Neighbourhood).order_by(Neighbourhood.id))
    return [(n.name, n.slug) for n in rows]


def actions() -> list[str]:
    return db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)).all()


def test_the_admin_adds_a_neighbourhood_whose_short_name_is_made_from_its_name(admin_client):
    response = admin_client.post("/admin/taxonomy/neighbourhood/new",
                                 data={"name": "Bourtzwiller Nord", "slug": "", "position": "2"},
                                 follow_redirects=True)
    assert "“Bourtzwiller Nord” is added." in response.text
    assert "bourtzwiller-nord" in response.text
    assert neighbourhoods() == [("Bourtzwiller Nord", "bourtzwiller-nord")]
    [entry] = db.session.scalars(db.select(AuditEntry)).all()
    assert entry.action == "taxonomy.created" and entry.object_type == "neighbourhood"
    assert entry.details["slug"] == "bourtzwiller-nord"


def test_a_short_name_already_used_is_refused_with_a_clear_message(admin_client):
    db.session.add(Neighbourhood(name="Rebberg", slug="rebberg", position=0))
    db.session.commit()

    typed = admin_client.post("/admin/taxonomy/neighbourhood/new",
                              data={"name": "Rebberg haut", "slug": "rebberg"})
    assert typed.status_code == 200
    assert ("The short name “rebberg” is already used by “Rebberg”. "
            "Choose another one.") in typed.text
    assert 'aria-invalid="true"' in typed.text

    made = admin_client.post("/admin/taxonomy/neighbourhood/new", data={"name": "REBBERG"})
    assert "“Rebberg” already exists in this list." in made.text

    badly_written = admin_client.post("/admin/taxonomy/neighbourhood/new",
                                      data={"name": "Vieille ville", "slug": "Vieille Ville"})
    assert ("Use only lower-case letters without accents, digits and single hyphens."
            in badly_written.text)
    assert neighbourhoods() == [("Rebberg", "rebberg")]
    assert actions() == []


def test_the_same_short_name_may_serve_a_neighbourhood_and_a_category(admin_client):
    db.session.add(Neighbourhood(name="Centre", slug="centre", position=0))
    db.session.commit()
    admin_client.post("/admin/taxonomy/category/new", data={"name": "Centre", "slug": "centre"})
    assert [c.slug for c in db.session.scalars(db.select(Category))] == ["centre"]


def test_the_admin_renames_an_entry_and_the_change_is_audited(admin_client):
    rebberg = Neighbourhood(name="Rebberg", slug="rebberg", position=0)
    dornach = Neighbourhood(name="Dornach", slug="dornach", position=1)
    db.session.add_all([rebberg, dornach])
    db.session.commit()

    form = admin_client.get(f"/admin/taxonomy/neighbourhood/{rebberg.id}")
    assert 'value="Rebberg"' in form.text

    clash = admin_client.post(f"/admin/taxonomy/neighbourhood/{rebberg.id}",
                              data={"name": "Rebberg", "slug": "dornach", "position": "0"})
    assert "The short name “dornach” is already used by “Dornach”." in clash.text

    admin_client.post(f"/admin/taxonomy/neighbourhood/{rebberg.id}",
                      data={"name": "Le Rebberg", "slug": "rebberg", "position": "0"})
    assert neighbourhoods() == [("Le Rebberg", "rebberg"), ("Dornach", "dornach")]
    [entry] = db.session.scalars(db.select(AuditEntry)).all()
    assert entry.action == "taxonomy.renamed"
    assert entry.details["before"]["name"] == "Rebberg"
    assert entry.details["after"]["name"] == "Le Rebberg"


def test_deleting_asks_for_confirmation_then_unfiles_what_used_it(admin_client, make_user):
    rebberg = Neighbourhood(name="Rebberg", slug="rebberg", position=0)
    db.session.add(rebberg)
    db.session.commit()
    neighbour = make_user("neighbour@example.org", "Nina Neighbour", neighbourhood=rebberg)

    confirm = admin_client.get(f"/admin/taxonomy/neighbourhood/{rebberg.id}/delete")
    assert confirm.status_code == 200
    assert "Accounts: 1" in confirm.text
    assert 'method="post"' in confirm.text
    assert neighbourhoods() == [("Rebberg", "rebberg")]  # looking is not deleting

    done = admin_client.post(f"/admin/taxonomy/neighbourhood/{rebberg.id}/delete",
                             follow_redirects=True)
    assert "is deleted." in done.text
    assert neighbourhoods() == []
    assert db.session.get(User, neighbour.id).neighbourhood_id is None
    assert actions() == ["taxonomy.deleted"]
    assert admin_client.get(f"/admin/taxonomy/neighbourhood/{rebberg.id}").status_code == 404


def test_categories_are_managed_the_same_way(admin_client):
    admin_client.post("/admin/taxonomy/category/new", data={"name": "Mobilité", "slug": ""})
    [category] = db.session.scalars(db.select(Category)).all()
    assert category.slug == "mobilite"
    listing = admin_client.get("/admin/taxonomy")
    assert "Mobilité" in listing.text
    admin_client.post(f"/admin/taxonomy/category/{category.id}/delete")
    assert db.session.scalars(db.select(Category)).all() == []
    assert actions() == ["taxonomy.created", "taxonomy.deleted"]


def test_an_unknown_list_is_not_found(admin_client):
    assert admin_client.get("/admin/taxonomy/street/new").status_code == 404
    assert admin_client.get("/admin/taxonomy/category/999").status_code == 404


def test_a_name_without_letters_needs_a_short_name(admin_client):
    response = admin_client.post("/admin/taxonomy/category/new", data={"name": "!!!"})
    assert "Enter a short name" in response.text
    assert db.session.scalars(db.select(Category)).all() == []
