"""Host our real actor classes in memory: a fake state manager and a fake actor client.

The pinned dapr 1.14.1 SDK has no `create_mock_actor` (later SDKs do). `FakeStateManager`
subclasses the SDK's `ActorStateManager` and keeps its semantics where our actors rely on
them: `set_state` changes only the actor's own cache until `save_state` writes it, reads
see the actor's own unsaved changes, and a value goes through JSON on the way to the store
(so what a fresh activation reads is what daprd would hand back). `ActorHost` activates
actors over one shared store, the way daprd does after a deactivation or a restart, and
keeps the reminders they register through the real `Actor.register_reminder`.
"""

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Generic, TypeVar

from dapr.actor import Actor, ActorId, Remindable
from dapr.actor.runtime._type_information import ActorTypeInformation
from dapr.actor.runtime.context import ActorRuntimeContext
from dapr.actor.runtime.state_manager import ActorStateManager
from dapr.clients.base import DaprActorClientBase
from dapr.serializers import DefaultJSONSerializer
from dapr.serializers.util import convert_from_dapr_duration

A = TypeVar("A", bound=Actor)
Store = dict[str, str]  # state name -> JSON text, for one actor


class FakeStateManager(ActorStateManager[Any]):
    """The state-manager calls our actors make, over an in-memory store."""

    def __init__(self, actor: Actor, store: Store) -> None:
        super().__init__(actor)
        self._store = store
        self._cache: dict[str, Any] = {}
        self._dirty: set[str] = set()
        self._removed: set[str] = set()

    async def try_get_state(self, state_name: str) -> tuple[bool, Any]:
        if state_name in self._removed:
            return False, None
        if state_name not in self._cache and state_name in self._store:
            self._cache[state_name] = json.loads(self._store[state_name])
        if state_name in self._cache:
            return True, self._cache[state_name]
        return False, None

    async def contains_state(self, state_name: str) -> bool:
        found, _ = await self.try_get_state(state_name)
        return found

    async def set_state(self, state_name: str, value: Any) -> None:
        self._cache[state_name] = value
        self._dirty.add(state_name)
        self._removed.discard(state_name)

    async def try_remove_state(self, state_name: str) -> bool:
        found = await self.contains_state(state_name)
        if found:
            self._cache.pop(state_name, None)
            self._dirty.discard(state_name)
            self._removed.add(state_name)
        return found

    async def remove_state(self, state_name: str) -> None:
        if not await self.try_remove_state(state_name):
            raise KeyError(f"Actor State with name {state_name} was not found.")

    async def save_state(self) -> None:
        for name in self._dirty:
            self._store[name] = json.dumps(self._cache[name])
        for name in self._removed:
            self._store.pop(name, None)
        self._dirty.clear()
        self._removed.clear()

    async def clear_cache(self) -> None:
        self._cache.clear()
        self._dirty.clear()
        self._removed.clear()

    @property
    def unsaved(self) -> set[str]:
        """Names set or removed since the last save."""
        return self._dirty | self._removed


@dataclass(frozen=True)
class Reminder:
    name: str
    data: bytes
    due_time: timedelta
    period: timedelta | None


class FakeActorClient(DaprActorClientBase):
    """The sidecar as `Actor` sees it: reminders and timers are recorded; state goes
    through `FakeStateManager`, so the state calls here are never made."""

    def __init__(self) -> None:
        self.reminders: dict[tuple[str, str], dict[str, Reminder]] = {}
        self.timers: dict[tuple[str, str], set[str]] = {}

    async def register_reminder(
        self, actor_type: str, actor_id: str, name: str, data: bytes
    ) -> None:
        body = json.loads(data)  # what `Actor.register_reminder` sends daprd
        reminder = Reminder(
            name=name,
            data=base64.b64decode(body["data"]),
            due_time=convert_from_dapr_duration(body["dueTime"]),
            # null: a one-shot reminder as the 1.18 line registers it (ONE_SHOT_PERIOD)
            period=convert_from_dapr_duration(body["period"]) if body["period"] else None,
        )
        self.reminders.setdefault((actor_type, actor_id), {})[name] = reminder

    async def unregister_reminder(self, actor_type: str, actor_id: str, name: str) -> None:
        self.reminders.get((actor_type, actor_id), {}).pop(name, None)

    async def register_timer(self, actor_type: str, actor_id: str, name: str, data: bytes) -> None:
        self.timers.setdefault((actor_type, actor_id), set()).add(name)

    async def unregister_timer(self, actor_type: str, actor_id: str, name: str) -> None:
        self.timers.get((actor_type, actor_id), set()).discard(name)

    async def invoke_method(
        self, actor_type: str, actor_id: str, method: str, data: bytes | None = None
    ) -> bytes:
        raise NotImplementedError("actor-to-actor calls are not part of these unit tests")

    async def save_state_transactionally(self, actor_type: str, actor_id: str, data: bytes) -> None:
        raise NotImplementedError("state is saved through FakeStateManager")

    async def get_state(self, actor_type: str, actor_id: str, name: str) -> bytes:
        raise NotImplementedError("state is read through FakeStateManager")


class ActorHost(Generic[A]):
    """Activates one actor type over an in-memory store, as daprd would on each call."""

    def __init__(
        self,
        actor_class: type[A],
        factory: Callable[[ActorRuntimeContext, ActorId], A] | None = None,
    ) -> None:
        self.client = FakeActorClient()
        self.stores: dict[str, Store] = {}
        self._type_info = ActorTypeInformation.create(actor_class)
        serializer = DefaultJSONSerializer()
        self._ctx = ActorRuntimeContext(self._type_info, serializer, serializer, self.client)
        self._make: Callable[[ActorRuntimeContext, ActorId], A] = factory or actor_class

    @property
    def type_name(self) -> str:
        return str(self._type_info.type_name)

    def activate(self, actor_id: str) -> A:
        """A fresh instance over what was saved: nothing unsaved survives it."""
        actor = self._make(self._ctx, ActorId(actor_id))
        actor._state_manager = FakeStateManager(actor, self.stores.setdefault(actor_id, {}))
        return actor

    def saved(self, actor_id: str) -> dict[str, Any]:
        """What the state store holds for the actor."""
        return {k: json.loads(v) for k, v in self.stores.get(actor_id, {}).items()}

    def reminders(self, actor_id: str) -> dict[str, Reminder]:
        return dict(self.client.reminders.get((self.type_name, actor_id), {}))

    async def fire_reminder(self, actor_id: str, name: str) -> None:
        """daprd fires the reminder on a fresh activation; a one-shot one is then gone."""
        reminder = self.reminders(actor_id)[name]
        if reminder.period in (timedelta(0), None):
            await self.client.unregister_reminder(self.type_name, actor_id, name)
        actor = self.activate(actor_id)
        assert isinstance(actor, Remindable), f"{self.type_name} takes no reminders"
        await actor.receive_reminder(name, reminder.data, reminder.due_time, reminder.period)
