"""The dashboard's routes without a sidecar: what renders with no API call, what ships as
static files, and that none of it joins the API's OpenAPI document."""

from app.main import create_app
from app.settings import Settings
from app.ui.templating import HTMX
from tests.support.asgi import AsgiClient

# A script's own bearer token passes the dashboard's session check (the API checks the
# token on each call; these pages make none).
SCRIPT = {"authorization": "Bearer checked-by-the-api"}


def test_the_order_form_renders_with_a_fresh_id_and_every_asset_link() -> None:
    page = AsgiClient(create_app(Settings())).get("/ui/orders/new", headers=SCRIPT)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert 'name="order_id" value="order-' in page.text
    for asset in ("dashboard.css", "dashboard.js", HTMX):
        assert f"/ui/static/{asset}" in page.text


def test_the_vendored_htmx_and_the_stylesheet_are_served() -> None:
    client = AsgiClient(create_app(Settings()))
    htmx = client.get(f"/ui/static/{HTMX}")
    assert htmx.status_code == 200
    assert "htmx" in htmx.text[:200]
    assert client.get("/ui/static/dashboard.css").status_code == 200


def test_ui_routes_are_not_in_the_openapi_document() -> None:
    paths = AsgiClient(create_app(Settings())).get("/openapi.json").json()["paths"]
    assert not [path for path in paths if path.startswith("/ui")]


def test_ui_is_the_workflow_list() -> None:
    answer = AsgiClient(create_app(Settings())).get("/ui", headers=SCRIPT)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/ui/workflows"


def test_without_a_session_every_page_goes_to_the_login() -> None:
    client = AsgiClient(create_app(Settings()))
    for path in ("/ui", "/ui/orders/new", "/ui/inventory", "/ui/dead-letters"):
        answer = client.get(path)
        assert answer.status_code == 303
        assert answer.headers["location"] == f"/ui/login?next={path}"
    login = client.get("/ui/login?next=/ui/inventory")
    assert login.status_code == 200
    assert 'name="next" value="/ui/inventory"' in login.text
