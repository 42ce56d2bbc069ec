"""The payment provider's FastAPI app: `uvicorn --factory payments.main:create_app`.

At start-up it reads its API key from the secret store through its own daprd
(DAPR_HTTP_PORT); every route but /health requires the caller to send that key. Charges
and refunds live in its own state store through the same daprd (payments/store.py).
"""

import asyncio
import hmac
import logging
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Annotated

import httpx
from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse

from app.observability.telemetry import instrument, tracer_provider
from payments.ledger import InjectedFailure, Ledger, NotRefundableError, UnknownChargeError
from payments.models import (
    API_KEY_HEADER,
    PAYMENT_APP_ID,
    TOKEN_HEADER,
    Attempt,
    Behaviour,
    Charge,
    ChargeRequest,
    LedgerDay,
    LedgerEntries,
    LedgerLookup,
    Refund,
    RefundRequest,
)
from payments.store import LEDGER_STORE, LedgerStore, LedgerUnavailableError

logger = logging.getLogger("payments")

SECRET_STORE = os.environ.get("PAYMENT_SECRET_STORE", "secretstore")
SECRET_NAME, SECRET_VALUE = "payment", "api-key"
STATE_STORE = os.environ.get("PAYMENT_LEDGER_STORE", LEDGER_STORE)


def sidecar_headers() -> dict[str, str]:
    """What this app's calls to its daprd carry: the sidecar's API token, when it has one."""
    token = os.environ.get("DAPR_API_TOKEN")
    return {TOKEN_HEADER: token} if token else {}


async def read_api_key(dapr_http: str, timeout_s: float = 60.0) -> str:
    """Wait for the sidecar's outbound readiness (the app is not listening yet, so its
    full readiness cannot come first), then read the key from the secret store."""
    deadline = time.monotonic() + timeout_s
    headers = sidecar_headers()
    async with httpx.AsyncClient(base_url=dapr_http, timeout=5.0, headers=headers) as client:
        while True:
            try:
                ready = await client.get("/v1.0/healthz/outbound")
                if ready.status_code == 204:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"no Dapr sidecar at {dapr_http} after {timeout_s}s")
            await asyncio.sleep(0.2)
        response = await client.get(f"/v1.0/secrets/{SECRET_STORE}/{SECRET_NAME}")
        response.raise_for_status()
        return str(response.json()[SECRET_VALUE])


def create_app() -> FastAPI:
    dapr_http = f"http://127.0.0.1:{os.environ.get('DAPR_HTTP_PORT', '3500')}"
    store = LedgerStore(dapr_http, STATE_STORE, headers=sidecar_headers())
    app_token = os.environ.get("APP_API_TOKEN")
    ledger = Ledger(store)
    # The stack passes the service's trace settings on (devstack/trace_export.py).
    tracing = tracer_provider(
        PAYMENT_APP_ID,
        os.environ.get("ORDERFLOW_OTLP_ENDPOINT") or None,
        float(os.environ.get("ORDERFLOW_TRACE_SAMPLING_RATIO") or "1"),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            app.state.api_key = await read_api_key(dapr_http)
            logger.info("payment-service ready; API key read from %s", SECRET_STORE)
            yield
        finally:
            await store.aclose()
            tracing.shutdown()

    app = FastAPI(title="payment-service", lifespan=lifespan)
    instrument(app, tracing, untraced=("/health",))

    @app.exception_handler(LedgerUnavailableError)
    async def ledger_unavailable(request: Request, error: LedgerUnavailableError) -> JSONResponse:
        # 503: the caller's retry policy tries again; nothing was decided.
        logger.warning("ledger unavailable: %s", error)
        return JSONResponse({"detail": str(error)}, status_code=503)

    def caller_is_known(
        request: Request,
        key: Annotated[str | None, Header(alias=API_KEY_HEADER)] = None,
        sidecar_token: Annotated[str | None, Header(alias=TOKEN_HEADER)] = None,
    ) -> None:
        # With APP_API_TOKEN set, only this app's daprd (which presents it) may call in:
        # a local process going around the sidecar would skip its access control.
        if app_token and not _matches(sidecar_token, app_token):
            raise HTTPException(status_code=401, detail="only this app's Dapr sidecar may call")
        if not _matches(key, request.app.state.api_key):
            raise HTTPException(status_code=401, detail="missing or wrong API key")

    Authorized = Depends(caller_is_known)

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/charges", dependencies=[Authorized])
    async def charge(request: ChargeRequest) -> JSONResponse:
        """Charge once per order id; 503 for an injected failure.

        A decline is a 200 with `approved: false`: it is an answer, not a failure, and
        daprd 1.14's resiliency retries every non-2xx answer and counts it toward the
        caller's circuit breaker (five declines in a row would cut payments off for 30 s).
        """
        try:
            result = await ledger.charge(request)
        except InjectedFailure as failure:
            return JSONResponse({"detail": str(failure)}, status_code=503)
        return JSONResponse(result.model_dump(mode="json"))

    @app.get("/charges/{order_id}", dependencies=[Authorized])
    async def get_charge(order_id: str) -> Charge:
        found = await ledger.get(order_id)
        if found is None:
            raise HTTPException(status_code=404, detail=f"no charge for order {order_id}")
        return found

    @app.post("/refunds", dependencies=[Authorized])
    async def refund(request: RefundRequest) -> JSONResponse:
        """Refund a charge once by its id: a repeat returns the first refund (200). 404 for
        an unknown charge id, 409 for a declined charge, 503 for an injected failure."""
        try:
            result = await ledger.refund(request)
        except UnknownChargeError as error:
            return JSONResponse({"detail": str(error)}, status_code=404)
        except NotRefundableError as error:
            return JSONResponse({"detail": str(error)}, status_code=409)
        except InjectedFailure as failure:
            return JSONResponse({"detail": str(failure)}, status_code=503)
        return JSONResponse(result.model_dump(mode="json"))

    @app.get("/refunds/{charge_id}", dependencies=[Authorized])
    async def get_refund(charge_id: str) -> Refund:
        found = await ledger.get_refund(charge_id)
        if found is None:
            raise HTTPException(status_code=404, detail=f"no refund of charge {charge_id}")
        return found

    @app.get("/ledger/days/{day}", dependencies=[Authorized])
    async def ledger_day(
        day: date,
        offset: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> LedgerDay:
        """The charges first decided on a UTC day, with their refunds (for reconciliation)."""
        return await ledger.day(day, offset, limit)

    @app.post("/ledger/orders", dependencies=[Authorized])
    async def ledger_orders(lookup: LedgerLookup) -> LedgerEntries:
        """The charges and refunds of the orders named (for reconciliation); always 200."""
        return LedgerEntries(entries=await ledger.entries(list(lookup.order_ids)))

    @app.get("/admin/behaviour", dependencies=[Authorized])
    async def get_behaviour() -> Behaviour:
        return ledger.behaviour

    @app.put("/admin/behaviour", dependencies=[Authorized])
    async def set_behaviour(behaviour: Behaviour) -> Behaviour:
        """Switch approve/decline, fail the next N charges or refunds, add latency."""
        ledger.behaviour = behaviour
        return behaviour

    @app.get("/admin/attempts", dependencies=[Authorized])
    async def get_attempts(
        order_id: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    ) -> list[Attempt]:
        """Every charge request received (all, or one order's), in arrival order."""
        return ledger.attempt_log.list(order_id)

    @app.delete("/admin/attempts", dependencies=[Authorized], status_code=204)
    async def clear_attempts() -> Response:
        """Forget the recorded requests (charges stay)."""
        ledger.attempt_log.clear()
        return Response(status_code=204)

    return app


def _matches(presented: str | None, expected: str) -> bool:
    return presented is not None and hmac.compare_digest(presented.encode(), expected.encode())
