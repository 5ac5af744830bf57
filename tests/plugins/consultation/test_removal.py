"""A plugin is removable: without ``consultation`` in the enabled plugins, its pages answer 404
and the rest of the site works as before."""

from core.testing import without_plugin

app_config = without_plugin("consultation")


def test_without_the_plugin_its_pages_are_gone_and_the_site_works(client, users, login):
    assert client.get("/consultations/").status_code == 404
    assert client.get("/consultations/1").status_code == 404
    home = client.get("/")
    assert home.status_code == 200
    assert "Consultations open now" not in home.text
    assert "Results of the consultations" not in client.get("/open-data/").text
    assert client.get("/open-data/consultation-results.csv").status_code == 404
    assert "Consultations held" not in client.get("/stats/").text
    login(client, users["admin"])
    admin = client.get("/admin/")
    assert admin.status_code == 200 and "Prepare consultations, publish them" not in admin.text
    assert client.post("/content/consultation.consultation/1/follow", data={"action": "follow"}).status_code == 404
    assert client.post("/content/consultation.proposal/1/support", data={"action": "support"}).status_code == 404
