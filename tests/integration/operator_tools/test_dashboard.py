"""The dashboard in a real browser (Debian's Chromium driven by Playwright) against a real
stack: an order placed from the form, found with the status filter, approved, watched to
COMPLETED without a reload; refusals show the API's problem; no page logs a console error.
"""

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Dialog, Page, ViewportSize, expect

from devstack.stack import Stack
from tests.support.browser import (
    ConsoleErrors,
    screenshot,
    signed_in_context,
)
from tests.support.orders import new_id, place, wait_for

DESKTOP = ViewportSize(width=1280, height=900)
PHONE = ViewportSize(width=390, height=844)


@pytest.fixture(scope="module")
def ui_stack(operator_stack: Stack) -> Stack:
    return operator_stack


@pytest.fixture(scope="module")
def console() -> ConsoleErrors:
    return ConsoleErrors()


@pytest.fixture
def page(browser: Browser, ui_stack: Stack, console: ConsoleErrors) -> Iterator[Page]:
    context = signed_in_context(browser, ui_stack, viewport=DESKTOP)
    page = console.watch(context.new_page())
    page.on("dialog", _accept)
    yield page
    context.close()
    assert console.seen == [], "console errors on the dashboard's pages"


@pytest.fixture(scope="module")
def api(ui_stack: Stack) -> Iterator[httpx.Client]:
    with ui_stack.api_client(timeout_s=10.0) as client:
        yield client


# A copy of the live part without its htmx attributes: htmx stops polling an element
# that has left the document.
STOP_POLLING = """() => {
  const live = document.querySelector('#live');
  const still = live.cloneNode(true);
  still.removeAttribute('hx-get');
  still.removeAttribute('hx-trigger');
  live.replaceWith(still);
}"""


def _accept(dialog: Dialog) -> None:
    dialog.accept()  # every action asks first (data-confirm); the operator says yes


def test_an_order_placed_in_the_form_is_found_approved_and_completes_live(page: Page) -> None:
    """Restock and order from the forms (2 x 600.00: above the approval threshold), find the
    order with the status filter, approve it, and watch it reach COMPLETED without a reload,
    its timeline and its shipping child shown; then purge it."""
    sku = new_id("SKU")
    page.goto("/ui/inventory")
    page.fill("form[action='/ui/inventory/restock'] input[name=sku]", sku)
    page.fill("form[action='/ui/inventory/restock'] input[name=quantity]", "5")
    page.click("form[action='/ui/inventory/restock'] button")
    expect(page.locator(f"#stock tr[data-sku='{sku}']")).to_contain_text("5")
    screenshot(page, "inventory")

    page.goto("/ui/orders/new")
    order_id = page.input_value("input[name=order_id]")
    page.fill("input[name=customer_id]", "c-ui")
    page.locator("input[name=sku]").first.fill(sku)
    page.locator("input[name=quantity]").first.fill("2")
    page.locator("input[name=unit_price]").first.fill("600.00")
    screenshot(page, "order-form")
    page.click("form.order button[type=submit]")
    expect(page.locator("#instance-id")).to_have_text(order_id)

    page.goto("/ui/workflows")
    page.select_option("select[name=name]", "order_fulfillment")
    page.select_option("select[name=status]", "RUNNING")
    page.click("form.filters button[type=submit]")
    row = page.locator(f"#instances tr[data-instance-id='{order_id}']")
    expect(row).to_contain_text("RUNNING")
    expect(page.locator("#instances tbody tr").filter(has_text="COMPLETED")).to_have_count(0)
    screenshot(page, "workflows")
    row.locator("a").click()

    expect(page.locator("#order-status")).to_have_text("awaiting_approval", timeout=30_000)
    screenshot(page, "instance-awaiting-approval")
    page.click("#actions button[value=approve]")
    expect(page.locator(".notice")).to_contain_text("approve")
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads
    expect(page.locator("#runtime-status")).to_have_text("COMPLETED", timeout=60_000)
    assert page.evaluate("window.__sameDocument === true"), "the page reloaded"
    timeline = page.locator("#timeline li .step")
    expect(timeline).to_have_text(
        ["created", "reserved", "awaiting_approval", "paid", "shipped", "completed"]
    )
    expect(page.locator("#children")).to_contain_text(f"{order_id}:shipping")
    expect(page.locator("#actions button")).to_have_text(["Purge"])
    expect(page.locator("form.event")).to_have_count(0)  # no events for an ended instance
    screenshot(page, "instance-completed")
    page.goto("/ui/workflows")
    expect(page.locator(f"#instances tr[data-instance-id='{order_id}']")).to_contain_text(
        "COMPLETED"
    )
    screenshot(page, "workflows-all")

    page.goto(f"/ui/workflows/instances/{order_id}")
    page.click("#actions button[value=purge]")
    expect(page.locator(".notice")).to_have_text("Instance purged.")
    expect(page.locator(f"#instances tr[data-instance-id='{order_id}']")).to_have_count(0)


def test_a_refused_action_shows_the_problem_the_api_answered(
    page: Page, api: httpx.Client, console: ConsoleErrors
) -> None:
    """An event the workflow never waits for, and an approval that lost a race, are
    refused by the API; the page shows its problem (status, code and message)."""
    sku = new_id("SKU")
    assert api.post(f"/api/v1/inventory/{sku}/restock", json={"quantity": 5}).is_success
    order_id = new_id("ui")
    assert place(api, order_id, [(sku, 2, "600.00")]).status_code == 202
    page.goto(f"/ui/workflows/instances/{order_id}")
    expect(page.locator("#order-status")).to_have_text("awaiting_approval", timeout=30_000)

    page.fill("form.event input[name=event]", "nonsense")
    page.click("form.event button[type=submit]")
    problem = page.locator(".problem")
    expect(problem).to_contain_text("422")
    expect(problem).to_contain_text("accepts no event 'nonsense'")
    screenshot(page, "instance-refused")

    # Rejected behind the back of a page that has not refreshed yet (its polling stopped
    # here to hold the moment still): the Approve button it still shows is refused.
    page.evaluate(STOP_POLLING)
    assert api.post(f"/api/v1/orders/{order_id}/reject", json={}).status_code == 202
    wait_for(api, order_id, {"cancelled"})
    page.click("#actions button[value=approve]")
    expect(problem).to_contain_text("409")
    expect(problem).to_contain_text("Illegal order transition")
    # Chromium notes each refused page's status in the console; those two and no more.
    assert console.take_refusals() == ["422", "409"]


def test_a_restock_waiting_for_approval_is_approved_from_its_page(
    page: Page, api: httpx.Client
) -> None:
    """restock_approval reports that it waits: its page offers Approve, which raises its
    `approval` event; it completes and its timeline shows what it reported."""
    instance_id = new_id("ra")
    body = {"input": {"sku": new_id("SKU"), "quantity": 4}, "instance_id": instance_id}
    assert api.post("/api/v1/workflows/restock_approval", json=body).status_code == 202
    page.goto(f"/ui/workflows/instances/{instance_id}")
    expect(page.locator("#actions button[value=approve]")).to_be_visible(timeout=30_000)
    page.click("#actions button[value=approve]")
    expect(page.locator("#runtime-status")).to_have_text("COMPLETED", timeout=60_000)
    expect(page.locator("#progress")).to_contain_text("restocked")
    expect(page.locator("#output")).to_contain_text('"approver": "dashboard"')


def test_the_list_updates_itself_while_open(page: Page, api: httpx.Client) -> None:
    """An order approved elsewhere turns COMPLETED in an open list, counts too, without
    a reload."""
    sku = new_id("SKU")
    assert api.post(f"/api/v1/inventory/{sku}/restock", json={"quantity": 2}).is_success
    order_id = new_id("live")
    assert place(api, order_id, [(sku, 2, "600.00")]).status_code == 202
    wait_for(api, order_id, {"awaiting_approval"})
    page.goto(f"/ui/workflows?id_prefix={order_id}")
    row = page.locator(f"#instances tr[data-instance-id='{order_id}']")
    expect(row).to_contain_text("RUNNING")
    page.evaluate("window.__sameDocument = true")
    assert api.post(f"/api/v1/orders/{order_id}/approve", json={}).status_code == 202
    expect(row).to_contain_text("COMPLETED", timeout=60_000)
    expect(page.locator(".chip[data-status='COMPLETED']")).to_contain_text("1")
    assert page.evaluate("window.__sameDocument === true"), "the page reloaded"


def test_pages_read_without_javascript_and_fit_a_phone(
    browser: Browser, ui_stack: Stack, api: httpx.Client, console: ConsoleErrors
) -> None:
    """Every page renders its content with JavaScript off, and at 390 px nothing makes
    the page wider than the screen (wide tables scroll inside their box)."""
    sku = new_id("SKU")
    assert api.post(f"/api/v1/inventory/{sku}/restock", json={"quantity": 3}).is_success
    order_id = new_id("ui")
    assert place(api, order_id, [(sku, 1, "5.00")]).status_code == 202
    pages = [
        "/ui/workflows",
        f"/ui/workflows/instances/{order_id}",
        "/ui/orders/new",
        f"/ui/inventory?skus={sku}",
        "/ui/dead-letters",
    ]
    context = signed_in_context(browser, ui_stack, viewport=PHONE, java_script_enabled=False)
    page = console.watch(context.new_page())
    for path in pages:
        page.goto(path)
        expect(page.locator("main h1")).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width} px wide at 390"
        name = path.split("?")[0].strip("/").replace("/", "-").replace(order_id, "order")
        screenshot(page, f"phone-{name}")
    expect(page.locator("#dead-letters")).to_be_visible()
    context.close()
    assert console.seen == []
