"""A plugin is removable: without ``finance_commission`` in the enabled plugins, its pages
answer 404 and the rest of the site works as before."""

from core.testing import without_plugin

app_config = without_plugin("finance_commission")


def test_without_the_plugin_its_pages_are_gone_and_the_site_works(client, users, login):
    assert client.get("/finances/").status_code == 404
    assert client.get("/finances/questions").status_code == 404
    home = client.get("/")
    assert home.status_code == 200 and "City finances" not in home.text
    assert client.get("/open-data/city-accounts.csv").status_code == 404
    assert "Finance commission meetings held" not in client.get("/stats/").text
    login(client, users["admin"])
    admin = client.get("/admin/")
    assert admin.status_code == 200 and "Import the city&#39;s accounts" not in admin.text
    assert client.get("/finances/admin/import").status_code == 404
