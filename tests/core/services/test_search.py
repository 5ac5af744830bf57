"""Search over every enabled plugin's public content, proved with the noticeboard plugin."""

import pytest

from core.database import db
from core.taxonomy import Neighbourhood


@pytest.fixture
def places(app):
    rebberg = Neighbourhood(name="Rebberg", slug="rebberg", position=1)
    dornach = Neighbourhood(name="Dornach", slug="dornach", position=2)
    db.session.add_all([rebberg, dornach])
    db.session.commit()
    return {"rebberg": rebberg, "dornach": dornach}


def titles(response) -> list[str]:
    import re

    return re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', response.text)


def test_search_finds_published_content_by_its_words(client, users, make_notice):
    make_notice(users["resident"], title="Des arbres place de la Réunion", body="De l'ombre en été")
    make_notice(users["resident"], title="Piste cyclable rue de Bâle", body="Sécuriser les vélos")
    response = client.get("/search/?q=arbres")
    assert response.status_code == 200
    assert titles(response) == ["Des arbres place de la Réunion"]
    assert titles(client.get("/search/?q=vélos")) == ["Piste cyclable rue de Bâle"]


def test_search_folds_accents_and_matches_word_forms(client, users, make_notice):
    make_notice(users["resident"], title="Sécuriser la traversée des écoliers", body="Passages piétons")
    # Without accents, and another form of the word ("piéton" for "piétons").
    assert titles(client.get("/search/?q=securiser")) == ["Sécuriser la traversée des écoliers"]
    assert titles(client.get("/search/?q=piéton")) == ["Sécuriser la traversée des écoliers"]


def test_a_plural_finds_the_singular_and_the_singular_the_plural(client, users, make_notice):
    """French word forms, on SQLite as on PostgreSQL: "jardins" finds a "jardin"."""
    make_notice(users["resident"], title="Un jardin partagé aux Coteaux", body="Des bacs à légumes")
    make_notice(users["resident"], title="Des bancs publics", body="Pour s'asseoir à l'ombre")
    assert titles(client.get("/search/?q=jardins")) == ["Un jardin partagé aux Coteaux"]
    assert titles(client.get("/search/?q=banc")) == ["Des bancs publics"]
    assert titles(client.get("/search/?q=légume")) == ["Un jardin partagé aux Coteaux"]


def test_drafts_and_hidden_content_are_never_found(client, users, make_notice):
    make_notice(users["resident"], title="Brouillon jardin partagé", state="draft")
    hidden = make_notice(users["resident"], title="Jardin signalé")
    hidden.is_hidden = True
    db.session.commit()
    make_notice(users["resident"], title="Jardin partagé public")
    assert titles(client.get("/search/?q=jardin")) == ["Jardin partagé public"]


def test_index_follows_changes_and_deletions(client, users, make_notice):
    notice = make_notice(users["resident"], title="Fontaine à réparer")
    notice.title = "Fontaine réparée"
    db.session.commit()
    assert titles(client.get("/search/?q=réparée")) == ["Fontaine réparée"]
    db.session.delete(notice)
    db.session.commit()
    assert titles(client.get("/search/?q=fontaine")) == []


def test_filters_by_neighbourhood_and_type(client, users, make_notice, places):
    make_notice(users["resident"], title="Banc au Rebberg", neighbourhood_id=places["rebberg"].id)
    make_notice(users["resident"], title="Banc à Dornach", neighbourhood_id=places["dornach"].id)
    response = client.get(f"/search/?q=banc&neighbourhood={places['dornach'].id}")
    assert titles(response) == ["Banc à Dornach"]
    assert titles(client.get("/search/?q=banc&type=noticeboard.notice")) != []
    assert titles(client.get("/search/?q=banc&type=unknown.type")) != []  # unknown type: ignored


def test_odd_queries_never_fail(client, users, make_notice):
    make_notice(users["resident"], title="Parc")
    for query in ['"', "AND OR NOT", "*", "parc)(", "' OR 1=1 --", "é" * 300]:
        response = client.get("/search/", query_string={"q": query})
        assert response.status_code == 200


def test_search_page_is_labelled_and_says_when_nothing_is_found(client):
    response = client.get("/search/?q=introuvable")
    assert 'role="search"' in response.text
    assert '<label for="search-q">' in response.text
    assert "Nothing found" in response.text or "Aucun" in response.text


def test_results_come_best_first(client, users, make_notice):
    # Ranked by the database from the stored index: the notice all about trees first, then the
    # one that mentions them once in a long text, though the latter is the most recent.
    make_notice(users["resident"], title="Des arbres, des arbres et encore des arbres",
                body="Planter des arbres dans chaque rue : des arbres fruitiers, des arbres d'ombre.")
    make_notice(users["resident"], title="Réfection du parking de la mairie",
                body="Refaire le marquage au sol, les places pour vélos, l'éclairage, les bordures, "
                     "les poubelles, les bancs et, au fond, quelques arbres le long du mur.")
    assert titles(client.get("/search/?q=arbres")) == [
        "Des arbres, des arbres et encore des arbres",
        "Réfection du parking de la mairie",
    ]


def test_a_search_costs_the_same_queries_whatever_the_number_of_matches(client, users, make_notice):
    from core.testing import count_queries

    for n in range(3):
        make_notice(users["resident"], title=f"Jardin numéro {n}")
    count_queries(client, "/search/?q=jardin")  # the first request also loads what the app keeps
    few, _response = count_queries(client, "/search/?q=jardin")
    for n in range(3, 25):
        make_notice(users["resident"], title=f"Jardin numéro {n}")
    many, response = count_queries(client, "/search/?q=jardin")
    assert len(titles(response)) == 20  # one page
    assert many == few


def test_a_very_common_word_is_counted_up_to_a_limit_and_its_best_results_are_browsable(
        client, users, make_notice, monkeypatch):
    import core.services.search.querying

    monkeypatch.setattr(core.services.search.querying, "COUNT_LIMIT", 5)
    for n in range(8):
        make_notice(users["resident"], title=f"Jardin numéro {n}")
    response = client.get("/search/?q=jardin")
    assert "More than 5 results for “jardin”; the best 5 are below." in response.text
    assert len(titles(response)) == 5
    # Pages beyond the limit show its last page rather than results past it.
    assert len(titles(client.get("/search/?q=jardin&page=4"))) == 5
    few = client.get("/search/?q=numéro 3")
    assert "1 result for “numéro 3”" in few.text
