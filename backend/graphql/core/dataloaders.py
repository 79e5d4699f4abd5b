"""Per-request DataLoaders on top of `graphql_sync_dataloaders.SyncDataLoader`.

Declare a loader by subclassing `DataLoader`, giving it a unique `context_key` and a
`batch_load(keys)` that returns one value per key, in the order of the keys::

    class ProducerByIdLoader(DataLoader[int, Producer]):
        context_key = "producer_by_id"

        def batch_load(self, keys):
            producers = Producer.objects.in_bulk(keys)
            return [producers.get(key) for key in keys]

and use it from a resolver with `get_loader(info, ProducerByIdLoader).load(pk)` (chain with
`.then(fn)`): the loads of
one execution step are batched into a single call of `batch_load`. The view gives each request
its own registry (`info.context.dataloaders`), so a loader instance and its cache live for one
request only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, Generic, TypeVar

from graphql_sync_dataloaders import SyncDataLoader, SyncFuture

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
T = TypeVar("T")

REGISTRY_ATTR = "dataloaders"


class Future(SyncFuture):
    """A SyncFuture with `.then(fn)`: `loader.load(pk).then(lambda row: row.name)`."""

    def then(self, fn: Callable[[Any], Any]) -> Future:
        return then(self, fn)


class DataLoader(SyncDataLoader, Generic[K, V]):
    """Base class of every loader. Subclasses set `context_key` and implement `batch_load`."""

    context_key: str = ""

    def __init__(self, context: Any) -> None:
        if not self.context_key:
            raise TypeError(f"{type(self).__name__} must set `context_key`")
        self.context = context
        super().__init__(self.batch_load)

    def batch_load(self, keys: Sequence[K]) -> list[V]:  # pragma: no cover - abstract
        raise NotImplementedError

    def load(self, key: K) -> Future:
        """A future of the value of `key`, batched with the other loads of this step."""
        cached = self._cache.get(key)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        future = Future()
        # Every pending future can dispatch the queue (a no-op once it ran), so a future
        # wrapped by `then`/`gather` or not returned first still gets dispatched.
        future.deferred_callback = self.dispatch_queue
        self._queue.append((key, future))
        self._cache[key] = future
        return future

    def load_many(self, keys: Iterable[K]) -> Future:
        """A future of the list of values of `keys` (resolved when all of them are)."""
        futures = [self.load(key) for key in keys]
        return gather(futures)

    def prime(self, key: K, value: V) -> None:
        """Put a value already at hand into the cache (no query for it later)."""
        if key not in self._cache:
            future = Future()
            future.set_result(value)
            self._cache[key] = future


def get_loader(info_or_context: Any, loader_class: type[DataLoader[Any, Any]]) -> Any:
    """The request's instance of `loader_class` (created on first use).

    Accepts the resolver's `info` or the context (the request) itself."""
    context = getattr(info_or_context, "context", info_or_context)
    registry = getattr(context, REGISTRY_ATTR, None)
    if registry is None:
        registry = {}
        setattr(context, REGISTRY_ATTR, registry)
    key = loader_class.context_key
    loader = registry.get(key)
    if loader is None:
        loader = loader_class(context)
        registry[key] = loader
    return loader


def gather(futures: list[SyncFuture]) -> Future:
    """One future resolving to the list of results of `futures`."""
    result = Future()
    if not futures:
        result.set_result([])
        return result
    remaining = [len(futures)]

    def on_done(_: Any = None) -> None:
        remaining[0] -= 1
        if remaining[0] == 0 and not result.done():
            try:
                result.set_result([f.result() for f in futures])
            except Exception as error:  # an exception of one load fails the whole list
                result.set_exception(error)

    for future in futures:
        if future.done():
            on_done()
        else:
            future.add_done_callback(on_done)
    if not result.done():
        # Dispatch every loader the gathered futures wait on (each dispatch is a no-op once
        # its queue ran).
        callbacks = []
        for future in futures:
            callback = getattr(future, "deferred_callback", None)
            if callback is not None and not future.done() and callback not in callbacks:
                callbacks.append(callback)

        def dispatch_all() -> None:
            for callback in callbacks:
                callback()

        result.deferred_callback = dispatch_all
    return result


def then(future: SyncFuture, fn: Callable[[Any], T]) -> Future:
    """A future of `fn(value)` once `future` resolves (what `Future.then` calls)."""
    result = Future()

    def on_done(_: Any = None) -> None:
        try:
            result.set_result(fn(future.result()))
        except Exception as error:
            result.set_exception(error)

    if future.done():
        on_done()
    else:
        result.deferred_callback = getattr(future, "deferred_callback", None)
        future.add_done_callback(on_done)
    return result


def group_by(items: Iterable[V], key: Callable[[V], K]) -> defaultdict[K, list[V]]:
    """Group rows by a key (e.g. variants by product id) for one-to-many loaders."""
    groups: defaultdict[K, list[V]] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return groups
