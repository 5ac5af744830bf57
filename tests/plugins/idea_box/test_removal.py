"""A plugin is removable: without ``idea_box`` in the enabled plugins, its pages answer 404 and
the rest of the site works as before."""

from core.testing import without_plugin

app_config = without_plugin("idea_box")


def test_without_the_plugin_its_pages_are_gone_and_the_site_works(client, users, login):
    assert client.get("/ideas/").status_code == 404
    assert client.get("/ideas/1").status_code == 404
    home = client.get("/")
    assert home.status_code == 200
    assert "Idea box" not in home.text
    assert "Ideas of the idea box" not in client.get("/open-data/").text
    assert client.get("/open-data/ideas.csv").status_code == 404
    assert "Ideas submitted" not in client.get("/stats/").text
    login(client, users["admin"])
    admin = client.get("/admin/")
    assert admin.status_code == 200 and "Ideas to study" not in admin.text
    assert client.get("/content/idea_box.idea/1/support").status_code in (404, 405)
    assert client.post("/content/idea_box.idea/1/support", data={"action": "support"}).status_code == 404
