"""A plugin is swappable (house rule 3): a third-party package adds plugins and replaces built-ins.

``tests/third_party/civique-example`` is a real distribution. It is installed with pip into a
temporary folder (never into the project's environment) which is put on ``sys.path`` for the
tests of this module only, so that :mod:`importlib.metadata` sees its ``civique.plugins`` entry
points exactly as it would see those of a package installed on a municipality's server.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from core.config import ConfigurationError

SOURCE = Path(__file__).resolve().parents[1] / "third_party" / "civique-example"
WELCOME_TEXT = "Bonjour à toutes et à tous, **bienvenue** sur le site participatif."
EXAMPLE_MARKER = "This welcome block comes from the civique-example package."

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def example_target(tmp_path_factory) -> Path:
    """civique-example, installed with pip into a folder of its own (built from a copy)."""
    work = tmp_path_factory.mktemp("civique-example")
    source = work / "source"
    ignore = shutil.ignore_patterns("build", "*.egg-info", "__pycache__")
    shutil.copytree(SOURCE, source, ignore=ignore)
    target = work / "site-packages"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
         str(source)],
        check=True,
        cwd=work,
    )
    assert (target / "civique_example" / "templates" / "example_poll" / "index.html").is_file()
    return target


@pytest.fixture
def installed_example(example_target, monkeypatch):
    """Make the installed package visible to imports and to importlib.metadata, for one test."""
    monkeypatch.syspath_prepend(str(example_target))
    yield example_target
    for module in list(sys.modules):
        if module == "civique_example" or module.startswith("civique_example."):
            del sys.modules[module]


def enabled_distribution(app, name: str) -> str:
    from core.plugins import manager

    with app.app_context():
        return next(p.candidate.distribution for p in manager().enabled if p.name == name)


class TestANewPlugin:
    @pytest.fixture
    def app_config(self, installed_example):
        return {"PLUGINS": ["welcome", "example_poll"]}

    def test_is_found_through_its_entry_point_and_its_page_answers(self, app, client):
        assert enabled_distribution(app, "example_poll") == "civique-example"
        home = client.get("/")
        assert 'href="/example-poll/"' in home.text
        assert ">Quick poll</a>" in home.text

        page = client.get("/example-poll/")
        assert page.status_code == 200
        assert "Which day suits you best for the neighbourhood clean-up?" in page.text

    def test_its_form_works_and_explains_a_missing_answer(self, client):
        missing = client.post("/example-poll/", data={})
        assert missing.status_code == 200
        assert "Please choose an answer." in missing.text

        answered = client.post("/example-poll/", data={"answer": "sunday"}, follow_redirects=True)
        assert answered.status_code == 200
        assert "Thank you: your answer is recorded." in answered.text
        assert "Your answer: Sunday morning" in answered.text

    def test_plugins_command_lists_both_providers_of_welcome(self, app):
        result = app.test_cli_runner().invoke(args=["plugins"])
        assert result.exit_code == 0, result.output
        lines = [line.split() for line in result.output.splitlines()]
        assert lines_for(lines, "welcome", "civique") == ["welcome", "yes", "civique"]
        assert lines_for(lines, "welcome", "civique-example") == [
            "welcome", "no", "civique-example"]
        assert lines_for(lines, "example_poll", "civique-example") == [
            "example_poll", "yes", "civique-example"]


def lines_for(lines: list[list[str]], plugin: str, distribution: str) -> list[str]:
    """The first three columns (plugin, enabled, package) of ``flask plugins`` for one row."""
    for columns in lines:
        if columns[:1] == [plugin] and columns[2:3] == [distribution]:
            return columns[:3]
    return []


class TestANewPluginNotEnabled:
    @pytest.fixture
    def app_config(self, installed_example):
        return {"PLUGINS": ["welcome"]}

    def test_is_installed_but_serves_nothing(self, client):
        assert client.get("/example-poll/").status_code == 404
        assert "/example-poll/" not in client.get("/").text


class TestConfigurationChoosesTheThirdPartyWelcome:
    @pytest.fixture
    def app_config(self, installed_example):
        return {
            "PLUGINS": ["welcome"],
            "PLUGIN_PROVIDERS": "welcome=civique-example",  # as CIVIQUE_PLUGIN_PROVIDERS gives it
            "WELCOME": {"TEXT": WELCOME_TEXT},
        }

    def test_the_home_page_shows_its_block_instead_of_the_built_in_one(self, app, client):
        assert enabled_distribution(app, "welcome") == "civique-example"
        home = client.get("/")
        assert home.status_code == 200
        assert EXAMPLE_MARKER in home.text
        assert 'class="example-welcome"' in home.text
        assert "<strong>bienvenue</strong>" in home.text
        assert 'class="welcome-block"' not in home.text


class TestWithoutThatChoiceTheBuiltInWelcomeRuns:
    @pytest.fixture
    def app_config(self, installed_example):
        return {"PLUGINS": ["welcome"], "WELCOME": {"TEXT": WELCOME_TEXT}}

    def test_the_home_page_shows_the_built_in_block(self, app, client):
        assert enabled_distribution(app, "welcome") == "civique"
        home = client.get("/")
        assert 'class="welcome-block"' in home.text
        assert "<strong>bienvenue</strong>" in home.text
        assert EXAMPLE_MARKER not in home.text


def test_a_provider_that_is_not_installed_is_refused_with_a_clear_message(
    installed_example, database_url, tmp_path, monkeypatch
):
    from core import create_app
    from core.testing import DEFAULT_TEST_CONFIG

    monkeypatch.setenv("CIVIQUE_INSTANCE_PATH", str(tmp_path / "instance"))
    config = {**DEFAULT_TEST_CONFIG, "DATABASE_URL": database_url, "PLUGINS": ["welcome"],
              "PLUGIN_PROVIDERS": {"welcome": "civique-welcome-lyon"}}
    with pytest.raises(ConfigurationError) as error:
        create_app(config)
    message = str(error.value)
    assert "civique-welcome-lyon" in message
    assert "civique" in message and "civique-example" in message
