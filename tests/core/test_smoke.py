def test_home_page_is_french_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="fr"' in response.text
