"""The HTTP client `orderflow` talks through: Orderflow's /api/v1, nothing else.

The URL comes from --url, else $ORDERFLOW_URL, else the local stack (`make run`). A token
(--token or $ORDERFLOW_TOKEN), when given, goes as `Authorization: Bearer`, ready for the
API's authentication once it has one.
"""

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from cli.wire import ApiError

DEFAULT_URL = "http://127.0.0.1:8000"
URL_ENV = "ORDERFLOW_URL"
TOKEN_ENV = "ORDERFLOW_TOKEN"
API = "/api/v1"


class Unreachable(Exception):
    """Nothing answered at the URL (or it answered too slowly)."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any


class ApiClient:
    def __init__(
        self,
        url: str,
        token: str | None = None,
        timeout_s: float = 30.0,
        transport: httpx.BaseTransport | None = None,  # unit tests hand in a fake one
    ) -> None:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        self.url = url.rstrip("/")
        self._http = httpx.Client(
            base_url=self.url + API, headers=headers, timeout=timeout_s, transport=transport
        )

    @staticmethod
    def segment(value: str) -> str:
        """One path segment: an id such as "../x" never climbs out of its route."""
        return quote(value, safe="")

    def close(self) -> None:
        self._http.close()

    def get(self, path: str, **params: Any) -> Answer:
        kept = {key: value for key, value in params.items() if value not in (None, "")}
        return self._call("GET", path, params=kept)

    def post(self, path: str, body: Any = None) -> Answer:
        return self._call("POST", path, json=body)

    def delete(self, path: str) -> Answer:
        return self._call("DELETE", path)

    def _call(self, method: str, path: str, **kwargs: Any) -> Answer:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TransportError as error:
            raise Unreachable(f"{method} {self.url}{API}{path}: {error}") from error
        if response.status_code >= 400:
            raise ApiError.from_response(response)
        body = response.json() if response.content else None
        return Answer(response.status_code, body)
