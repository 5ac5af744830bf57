import pytest

from core.config import Defaults


def test_french_is_the_products_default_language():
    assert Defaults.BABEL_DEFAULT_LOCALE == "fr"
    assert Defaults.LANGUAGES[0] == "fr"


@pytest.fixture
def app_config():
    return {"BABEL_DEFAULT_LOCALE": "fr"}


def test_home_page_is_french_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="fr"' in response.text
