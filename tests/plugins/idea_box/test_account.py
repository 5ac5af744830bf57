"""A resident finds their ideas from their account page."""


def test_the_account_page_leads_to_my_ideas(client, users, login):
    login(client, users["resident"])
    page = client.get("/account/").text
    assert "My participation" in page
    assert 'href="/ideas/mine"' in page and "My ideas" in page
