"""The service's one settings class: every port, name and token the app reads."""

from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.building_blocks.sdk_line import ACTOR_DRAIN_ONGOING_CALL_TIMEOUT

Profile = Literal["local", "full", "kubernetes"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class Settings(BaseSettings):
    """Settings from ORDERFLOW_* variables, plus the variables Dapr itself defines.

    Component names must match `metadata.name` in `dapr/components/<profile>/*.yaml`.
    """

    model_config = SettingsConfigDict(
        env_prefix="ORDERFLOW_", extra="ignore", frozen=True, populate_by_name=True
    )

    profile: Profile = "local"
    app_id: str = Field(default="python-api", min_length=1)
    app_host: str = "127.0.0.1"
    app_port: int = Field(default=8000, ge=1, le=65535)
    # auto: text when stderr is a terminal, else one JSON object per line.
    log_format: Literal["auto", "json", "text"] = "auto"
    log_level: LogLevel = "INFO"

    # Dapr's own variable names, so the SDK, daprd and this class agree on one value.
    dapr_host: str = Field(
        default="127.0.0.1",
        validation_alias=AliasChoices("DAPR_RUNTIME_HOST", "ORDERFLOW_DAPR_HOST"),
    )
    dapr_http_port: int = Field(
        default=3500,
        ge=1,
        le=65535,
        validation_alias=AliasChoices("DAPR_HTTP_PORT", "ORDERFLOW_DAPR_HTTP_PORT"),
    )
    dapr_grpc_port: int = Field(
        default=50001,
        ge=1,
        le=65535,
        validation_alias=AliasChoices("DAPR_GRPC_PORT", "ORDERFLOW_DAPR_GRPC_PORT"),
    )
    dapr_api_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("DAPR_API_TOKEN", "ORDERFLOW_DAPR_API_TOKEN")
    )
    app_api_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("APP_API_TOKEN", "ORDERFLOW_APP_API_TOKEN")
    )

    # Bearer tokens on /api/v1 (app/api/auth.py, docs/security.md). With a JWKS URL, RS256
    # or ES256 tokens of that identity provider (production); without one, HS256 with the
    # key at <api_auth_secret_name>/<api_auth_secret_key> in the secret store, which
    # devstack generates per data dir. There is no setting that turns the check off.
    api_auth_jwks_url: str | None = None
    api_auth_secret_name: str = "orderflow-api"
    api_auth_secret_key: str = "signing-key"
    api_auth_issuer: str = Field(default="orderflow-dev", min_length=1)
    api_auth_audience: str = Field(default="orderflow", min_length=1)
    api_auth_leeway_s: float = Field(default=30.0, ge=0, le=300)  # clock skew between hosts
    # Graceful shutdown (app/drain.py): after SIGTERM the app answers /health/ready with
    # 503 but keeps serving for shutdown_drain_s (so a balancer takes it out first), then
    # while its sidecar still runs (it hands its actors over), for at most
    # shutdown_drain_max_s in all; then uvicorn finishes in-flight requests and stops.
    shutdown_drain_s: float = Field(default=5.0, ge=0)
    shutdown_drain_max_s: float = Field(default=20.0, ge=0)
    # The inventory-audit cron's schedule: the variable daprd's binding reads too. With
    # several replicas every daprd fires it; the app claims each tick once by it.
    inventory_audit_schedule: str = "@every 5m"

    # Calls to the sidecar: deadline per call, and bounded retries while it is unreachable.
    dapr_timeout_s: float = Field(default=30.0, gt=0)
    dapr_max_retries: int = Field(default=3, ge=0, le=10)
    dapr_retry_initial_backoff_s: float = Field(default=0.1, gt=0)
    dapr_retry_max_backoff_s: float = Field(default=2.0, gt=0)
    state_max_value_bytes: int = Field(default=1024 * 1024, gt=0)
    # An event larger than this is refused before it is sent (brokers commonly cap
    # messages between 256 KiB and 1 MiB). Bulk publishes and binding data must fit one
    # request to daprd, whose --max-body-size is 4Mi by default.
    pubsub_max_event_bytes: int = Field(default=1024 * 1024, gt=0)
    dapr_max_request_bytes: int = Field(default=4 * 1024 * 1024, gt=0)
    # How long a subscription remembers a handled event id, to skip its redeliveries.
    processed_event_ttl_s: int = Field(default=24 * 3600, gt=0)

    sidecar_wait_timeout_s: float = Field(default=60.0, gt=0)
    sidecar_poll_interval_s: float = Field(default=0.25, gt=0)
    # The workflow SDK's gRPC channels retry a lost sidecar at least this often (gRPC's
    # default backoff grows to 120 s): see app/building_blocks/sdk_line/channels.py.
    workflow_max_reconnect_backoff_ms: int = Field(default=2000, ge=100)

    statestore_name: str = "statestore"
    pubsub_name: str = "pubsub"
    secretstore_name: str = "secretstore"

    # Secrets are kept this long after a read (0: read through every time).
    secrets_cache_ttl_s: float = Field(default=30.0, ge=0)
    secrets_cache_max_entries: int = Field(default=256, gt=0)

    # Configuration layers, highest first: the Dapr configuration store `configstore_name`
    # (None: no such layer), then variables `<configuration_env_prefix><KEY>`, then the
    # defaults in code (app/feature_flags.py). Only the full profile has a store; see
    # _profile_defaults. Postgres needs its NOTIFY channel as subscription metadata.
    configstore_name: str | None = None
    configstore_subscribe_metadata: dict[str, str] = Field(default_factory=dict)
    configuration_env_prefix: str = Field(default="ORDERFLOW_CONFIG_", pattern=r"^[A-Z0-9_]*$")

    # Actor type configuration (the seed's ActorConfig), served to daprd on /dapr/config.
    # From the environment as seconds or ISO 8601 durations (ORDERFLOW_ACTOR_IDLE_TIMEOUT=PT5S).
    actor_idle_timeout: timedelta = timedelta(hours=1)
    actor_scan_interval: timedelta = timedelta(seconds=30)
    # Per runtime line (sdk_line: 60 s on 1.14, 5 s from 1.17.7, below placement's timeout).
    actor_drain_ongoing_call_timeout: timedelta = ACTOR_DRAIN_ONGOING_CALL_TIMEOUT
    actor_drain_rebalanced_actors: bool = True
    # daprd stores an actor type's reminders in this many state values (0: one value).
    actor_reminders_storage_partitions: int = Field(default=32, ge=0, le=1024)

    # The order domain. An uncommitted stock reservation is released after this hold time
    # (an actor reminder); a large order waits this long for approval, then is rejected.
    reservation_hold: timedelta = timedelta(minutes=15)
    approval_timeout: timedelta = timedelta(hours=24)
    shipping_delay: timedelta = timedelta(seconds=2)  # the shipping workflow's durable timer
    payment_app_id: str = "payment-service"
    shipping_binding_name: str = "shipping-labels"
    # order.completed and order.failed, for consumers (the notifications subscription).
    order_outcomes_topic: str = "order-outcomes"
    inventory_audit_page_size: int = Field(default=100, gt=0, le=1000)  # SKUs per run
    # The books audit (docs/order-domain.md): orders placed and charges made within this
    # window before the run, checked this many orders (or charges) per run.
    books_audit_window_s: float = Field(default=7 * 24 * 3600.0, gt=0)
    # How long records of settled orders are kept (docs/order-domain.md#bounded-state):
    # the InventoryActor's order and restock ids, the instance index and records of ended
    # workflows, notifications. At least the books audit's window, which reads them.
    retention: timedelta = timedelta(days=8)
    books_audit_page_size: int = Field(default=50, gt=0, le=500)

    # Admission control and the engine watchdog (docs/workflow-engine.md). At most this many
    # orders run at once per replica; more are refused with 429 and Retry-After.
    max_orders_in_flight: int = Field(default=64, ge=1, le=10_000)
    engine_canary_interval_s: float = Field(default=10.0, gt=0)
    engine_canary_deadline_s: float = Field(default=30.0, gt=0)
    admission_sweep_after_s: float = Field(default=120.0, gt=0)
    # Reads: the workflow engine answers a status read only between an instance's steps
    # (its actor is turn-based), so reads wait at most this long for it; every read route
    # answers within status_read_deadline_s or says why not.
    engine_read_deadline_s: float = Field(default=0.05, gt=0)
    # Order views kept from the actor's answers (app/order_views.py).
    order_views_max_entries: int = Field(default=100_000, gt=0)
    order_view_ttl_s: float = Field(default=5.0, gt=0)
    # Past its TTL a view answers while it is refreshed, up to this age (order_view_refresh.py).
    order_view_max_stale_s: float = Field(default=30.0, gt=0)
    # An order not waiting for a person that has not moved for this long is "stalled"
    # (app/order_recovery.py); an order takes seconds here, a slow payment minutes.
    order_stall_after_s: float = Field(default=600.0, gt=0)
    # sys.setswitchinterval for the app process (None: Python's 5 ms); see app/main.py.
    gil_switch_interval_s: float | None = Field(default=None, gt=0, le=0.1)
    status_read_deadline_s: float = Field(default=5.0, gt=0)
    data_dir: Path = Path(".data")

    # Tracing: spans go over OTLP/HTTP (protobuf) to `<otlp_endpoint>/v1/traces` (None:
    # recorded for logs and propagation, not exported). A new trace is sampled at this
    # ratio; a caller's sampled trace is always continued (daprd gets the same ratio).
    otlp_endpoint: str | None = None
    trace_sampling_ratio: float = Field(default=1.0, ge=0, le=1)

    @model_validator(mode="before")
    @classmethod
    def _profile_defaults(cls, data: Any) -> Any:
        """The full profile loads `configstore` (dapr/components/full/configstore.yaml, a
        configuration.postgresql store whose trigger notifies `orderflow_config_changed`)."""
        if isinstance(data, dict) and data.get("profile") == "full":
            data.setdefault("configstore_name", "configstore")
            data.setdefault(
                "configstore_subscribe_metadata", {"pgNotifyChannel": "orderflow_config_changed"}
            )
        return data

    @model_validator(mode="after")
    def _retention_covers_the_books_window(self) -> "Settings":
        """The books audit reads the records retention keeps: a shorter retention would
        report orders of its window as never committed."""
        if self.retention.total_seconds() < self.books_audit_window_s:
            raise ValueError("retention must be at least books_audit_window_s")
        return self

    @field_validator("log_format", mode="before")
    @classmethod
    def _format_any_case(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _level_any_case(cls, value: Any) -> Any:
        """ORDERFLOW_LOG_LEVEL=debug is meant as DEBUG."""
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("configstore_name")
    @classmethod
    def _empty_store_is_none(cls, value: str | None) -> str | None:
        """ORDERFLOW_CONFIGSTORE_NAME= (empty) turns the Dapr layer off in any profile."""
        return value or None

    @field_validator("otlp_endpoint")
    @classmethod
    def _endpoint_is_url(cls, value: str | None) -> str | None:
        """ORDERFLOW_OTLP_ENDPOINT= (empty) turns export off."""
        if not value:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("give the collector's base URL, e.g. http://127.0.0.1:4318")
        return value

    @field_validator("api_auth_jwks_url")
    @classmethod
    def _jwks_is_https(cls, value: str | None) -> str | None:
        """ORDERFLOW_API_AUTH_JWKS_URL= (empty) means the HS256 key; a plain-http JWKS would
        let anyone on the path sign tokens, except on this host (a test's key server)."""
        if not value:
            return None
        local = value.startswith(("http://127.0.0.1", "http://localhost"))
        if not (value.startswith("https://") or local):
            raise ValueError("give the identity provider's JWKS URL over https://")
        return value

    @field_validator("dapr_host", "app_host")
    @classmethod
    def _host_is_bare(cls, value: str) -> str:
        if "://" in value or "/" in value:
            raise ValueError("give a bare host name or address, without scheme or path")
        return value

    @property
    def dapr_http_endpoint(self) -> str:
        return f"http://{self.dapr_host}:{self.dapr_http_port}"

    @property
    def dapr_grpc_address(self) -> str:
        return f"{self.dapr_host}:{self.dapr_grpc_port}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
