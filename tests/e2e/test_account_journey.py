"""A resident's whole life on the site, in a real browser: from sign-up to deleting the account.

Selectors go by label and role, in the language the page is in (``ui_text``), so the test reads
as what a person does and survives both template changes and the French catalog being filled.
"""

import json

import pytest

from core.testing import links
from core.testing.browser import log_in, page_language, ui_text

pytestmark = pytest.mark.e2e

EMAIL = "camille.martin@example.org"
NAME = "Camille Martin"
PASSWORD = "Lilacs bloom beside the Doller river"


def main_button(page, message: str):
    """The button of the page's own form (not the header's), by its visible name."""
    return page.get_by_role("main").get_by_role("button", name=ui_text(page, message), exact=True)


def field(page, message: str):
    return page.get_by_label(ui_text(page, message), exact=True)


def sign_up(page) -> None:
    page.goto("/account/signup")
    assert page_language(page) == "fr"
    field(page, "Name shown publicly").fill(NAME)
    field(page, "E-mail address").fill(EMAIL)
    field(page, "Password").fill(PASSWORD)
    field(page, "Password again").fill(PASSWORD)
    field(
        page, "I accept the terms of use and the processing of my data described in the privacy notice."
    ).check()
    main_button(page, "Create my account").click()
    page.get_by_role("heading", level=1, name=ui_text(page, "Check your inbox")).wait_for()


def confirm_from_mail(page, smtp) -> None:
    (message,) = smtp.wait_for(EMAIL)
    confirmation = [link for link in links(message) if "/account/confirm/" in link]
    assert confirmation, "the confirmation mail has no confirmation link"
    page.goto(confirmation[0])
    status = page.get_by_role("status")
    assert ui_text(page, "Your address is confirmed. Welcome!") in status.inner_text()


def log_out(page) -> None:
    page.get_by_role("navigation", name=ui_text(page, "Your account")).get_by_role(
        "button", name=ui_text(page, "Log out"), exact=True
    ).click()
    page.get_by_role("link", name=ui_text(page, "Log in"), exact=True).first.wait_for()


def switch_account_to_english(page) -> None:
    page.get_by_role("link", name=ui_text(page, "My account"), exact=True).click()
    assert page_language(page) == "fr"
    field(page, "Language").select_option(label="English")
    main_button(page, "Save").click()
    page.get_by_role("status").wait_for()


def download_my_data(page) -> dict:
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download my data", exact=True).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".json")
    with open(download.path(), encoding="utf-8") as exported:
        return json.load(exported)


def delete_account(page) -> None:
    page.get_by_role("link", name="Delete my account", exact=True).click()
    page.get_by_label("Your password, to confirm", exact=True).fill(PASSWORD)
    page.get_by_label(
        "I understand that my account and personal data will be erased for good.", exact=True
    ).check()
    page.get_by_role("button", name="Delete my account for good", exact=True).click()
    page.get_by_role("status").wait_for()


def test_sign_up_confirm_log_in_switch_language_export_and_delete(page, smtp):
    sign_up(page)
    confirm_from_mail(page, smtp)
    # The link logged the new resident in; leave, then come back through the login form.
    log_out(page)
    log_in(page, EMAIL, PASSWORD)
    assert ui_text(page, "You are logged in.") in page.get_by_role("status").inner_text()

    switch_account_to_english(page)
    # From now on the interface is in English, and the test reads it in English.
    assert page_language(page) == "en"
    assert "Your account has been updated." in page.get_by_role("status").inner_text()
    page.get_by_role("heading", level=1, name="My account").wait_for()
    page.get_by_role("navigation", name="Your account").get_by_role(
        "button", name="Log out", exact=True
    ).wait_for()
    assert page.get_by_role("combobox", name="Language").input_value() == "en"

    exported = download_my_data(page)
    assert exported["account"]["email"] == EMAIL
    assert exported["account"]["display_name"] == NAME
    assert exported["account"]["language"] == "en"

    delete_account(page)
    assert "Your account has been deleted." in page.get_by_role("status").inner_text()
    assert page.get_by_role("link", name=ui_text(page, "Log in"), exact=True).first.is_visible()

    log_in(page, EMAIL, PASSWORD)
    assert page.url.endswith("/account/login")
    assert ui_text(page, "Incorrect e-mail address or password.") in page.get_by_role("alert").inner_text()
    page.goto("/account")
    assert "/account/login" in page.url, "a deleted account must not reach the account page"


def test_header_language_switcher_changes_the_interface_language(page, live_server):
    page.goto("/")
    assert page_language(page) == "fr"
    switcher = page.get_by_role("group", name=ui_text(page, "Language"))
    with page.expect_navigation():
        switcher.get_by_role("button", name="English", exact=True).click()
    assert page_language(page) == "en"
    assert page.url == live_server.url + "/", "the switcher brings the visitor back to their page"
    page.get_by_role("link", name="Create an account", exact=True).first.wait_for()
    assert page.get_by_role("button", name="English", exact=True).get_attribute("aria-current") == "true"

    with page.expect_navigation():
        page.get_by_role("group", name="Language").get_by_role("button", name="Deutsch", exact=True).click()
    assert page_language(page) == "de"
    # The choice stays for the next pages of the visit.
    page.goto("/account/login")
    assert page_language(page) == "de"
