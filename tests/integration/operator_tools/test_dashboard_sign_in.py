"""Signing in to the dashboard with an API token, in a real browser and over HTTP: no page
without a session, a foreign token refused, the session's scopes are the operator's
rights, a form post without the session's CSRF value refused, no open redirect."""

import re

import httpx
from playwright.sync_api import Browser, expect

from app.ui.csrf import SESSION_COOKIE, csrf_for
from devstack.api_auth import ApiSigningKey
from devstack.stack import Stack
from tests.support.orders import new_id

READ_ONLY = ["orders:read", "workflows:read"]


def test_an_operator_signs_in_acts_within_the_tokens_scopes_and_signs_out(
    browser: Browser, operator_stack: Stack
) -> None:
    context = browser.new_context(base_url=operator_stack.app_url)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto("/ui/inventory")
    expect(page).to_have_url(re.compile(r"/ui/login\?next=/ui/inventory$"))

    page.fill("textarea[name=token]", ApiSigningKey().mint())  # another stack's key
    page.click("form.login button")
    expect(page.locator(".problem .detail")).to_contain_text("not valid")

    page.fill("textarea[name=token]", operator_stack.config.api_key.mint(READ_ONLY))
    page.click("form.login button")
    expect(page).to_have_url(re.compile(r"/ui/inventory$"))
    page.fill("input[name=sku]", new_id("SKU"))
    page.fill("input[name=quantity]", "5")
    page.click("form[action='/ui/inventory/restock'] button")
    expect(page.locator(".problem")).to_contain_text("inventory:write")  # the API's 403

    page.click("form.signout button")
    expect(page).to_have_url(re.compile(r"/ui/login$"))
    page.goto("/ui/workflows")
    expect(page).to_have_url(re.compile(r"/ui/login\?next=/ui/workflows$"))
    context.close()


def _session(stack: Stack, token: str) -> httpx.Client:
    """A browser's requests: the session cookie, and no Authorization header."""
    return httpx.Client(base_url=stack.app_url, timeout=10, cookies={SESSION_COOKIE: token})


def test_a_form_post_without_the_sessions_csrf_value_is_refused(operator_stack: Stack) -> None:
    token = operator_stack.config.api_key.mint()
    sku = new_id("SKU")
    form = {"sku": sku, "quantity": "4"}
    with _session(operator_stack, token) as browser:
        for forged in ({}, {"csrf": ""}, {"csrf": csrf_for(ApiSigningKey().mint())}):
            refused = browser.post("/ui/inventory/restock", data={**form, **forged})
            assert refused.status_code == 403, refused.text
        done = browser.post("/ui/inventory/restock", data={**form, "csrf": csrf_for(token)})
        assert done.status_code == 303, done.text
    with operator_stack.api_client() as api:
        assert api.get(f"/api/v1/inventory/{sku}").json()["on_hand"] == 4  # once, not 4 times


def test_without_a_session_pages_and_polls_go_to_the_login(operator_stack: Stack) -> None:
    with httpx.Client(base_url=operator_stack.app_url, timeout=10) as anonymous:
        page = anonymous.get("/ui/dead-letters")
        assert page.status_code == 303
        assert page.headers["location"] == "/ui/login?next=/ui/dead-letters"
        poll = anonymous.get("/ui/workflows/rows", headers={"hx-request": "true"})
        assert poll.headers["hx-redirect"] == "/ui/login?next=/ui/workflows/rows"
    expired = operator_stack.config.api_key.mint(issued_at=0)
    with _session(operator_stack, expired) as stale:
        assert stale.get("/ui/workflows").headers["location"].startswith("/ui/login")


def test_signing_in_never_redirects_off_the_dashboard(operator_stack: Stack) -> None:
    token = operator_stack.config.api_key.mint()
    with httpx.Client(base_url=operator_stack.app_url, timeout=10) as client:
        for target in ("https://evil.example/", "//evil.example/ui/", "/ui/\\evil", "/docs"):
            signed = client.post("/ui/login", data={"token": token, "next": target})
            assert signed.status_code == 303
            assert signed.headers["location"] == "/ui/workflows", target
            cookie = signed.headers["set-cookie"].lower()
            assert "httponly" in cookie
            assert "samesite=strict" in cookie
            assert "path=/ui" in cookie
