"""Reads from a PostgreSQL replica where a little lag is harmless; everything else on the primary.

When `DATABASE_REPLICA_URL` is set there is a second database alias, "replica". The router
sends a read there only when all of these hold:

- the request is a GET or HEAD for a page named in `DATABASE_REPLICA_VIEWS` (public pages,
  exports, the large read-only secretariat pages), or code runs inside `read_from_replica()`
  (e.g. an export task);
- nothing was written yet in this request: the first write "pins" the rest of the request
  to the primary, so a page reads what it has just written;
- the person did not write in the last few seconds: a request that wrote sets a short-lived
  cookie (`DATABASE_REPLICA_PIN_SECONDS`), so the page a form redirects to reads from the
  primary too, whatever replication lag there is;
- no transaction is open on the primary (reads inside a service's transaction stay with it).

Everything else, and every write, goes to the primary ("default").
"""

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
PIN_COOKIE = "levelup_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class _State:
    replica_allowed: bool = False
    pinned: bool = False
    wrote: bool = False


_state: contextvars.ContextVar[_State | None] = contextvars.ContextVar("levelup_db", default=None)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def read_from_replica():
    """Let reads in this block use the replica (until the block writes)."""
    token = _state.set(_State(replica_allowed=True))
    try:
        yield
    finally:
        _state.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        state = _state.get()
        if (
            state is not None
            and state.replica_allowed
            and not state.pinned
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        state = _state.get()
        if state is not None:
            state.pinned = state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class ReplicaMiddleware:
    """Decides, per request, whether reads may use the replica (see the module's notes)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        state = _State(pinned=request.method not in SAFE_METHODS or PIN_COOKIE in request.COOKIES)
        token = _state.set(state)
        try:
            response = self.get_response(request)
        finally:
            _state.reset(token)
        if state.wrote:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.DATABASE_REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        state = _state.get()
        match = request.resolver_match
        if state is not None and match is not None:
            state.replica_allowed = match.view_name in settings.DATABASE_REPLICA_VIEWS
