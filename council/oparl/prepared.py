"""ORM queries compiled to SQL once per process, then run with fresh values: the API's hot path.

Django turns a queryset into SQL on every evaluation. For the OParl list pages that
compilation costs several times more than running the (indexed, tiny) queries, so the
queries the API runs on every request are built with the ORM once, with placeholder
values, and their SQL is kept; later calls only swap in the values, execute, and apply
the same converters the ORM applies. The ORM stays the only place a query is written,
visibility filters from ``council.policies`` included.

A placeholder is a value that cannot occur in real data (``Ids`` stands for a list of
ids, ``Int`` for one integer); the compiled SQL is checked to contain every placeholder
exactly where the ORM put it, so a query shape this module cannot handle fails loudly at
its first use instead of answering wrongly. An id list is compiled for a few lengths
(``ID_BUCKETS``) and padded up to the next one.

The rows hold the database driver's values, without the ORM's converters: booleans,
dates and numbers are the same, but a datetime comes back naive (meaning UTC) from
SQLite and aware from PostgreSQL. The serializers accept both.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections
from django.db.models import QuerySet

ID_BUCKETS = (1, 8, 32, 101)
MAX_IDS = ID_BUCKETS[-1]  # id lists longer than this fall back to the plain ORM


class Ids:
    """Placeholder for a list of up to MAX_IDS ids (an ``__in`` lookup)."""


class Int:
    """Placeholder for one integer (a pk, a cursor)."""


def _sentinels(kind: type, index: int, length: int) -> Any:
    # Distinct, negative and far outside any autoincrement range.
    base = -(7_000_000_000_000 + index * 1_000_000)
    if kind is Ids:
        return [base - i for i in range(length)]
    return base


class _Compiled:
    def __init__(self, sql: str, params: list[Any], slots: dict[int, Any], names: list[str]):
        self.sql = sql
        self.params = params
        # index into params -> (slot name, position in the id list, or None for an Int)
        self.slots = slots
        self.names = names


class Prepared:
    """A ``values()`` query whose SQL is built once per database connection alias.

    ``build`` takes keyword arguments (one per entry of ``slots``) and returns the
    queryset; ``slots`` says which arguments are ``Ids`` or ``Int``.
    """

    def __init__(self, build: Callable[..., QuerySet], **slots: type) -> None:
        self.build = build
        self.slots = slots
        self._compiled: dict[tuple[str, int], _Compiled] = {}
        self._lock = threading.Lock()

    def _compile(self, alias: str, length: int) -> _Compiled:
        sentinels = {
            name: _sentinels(kind, i, length) for i, (name, kind) in enumerate(self.slots.items())
        }
        qs = self.build(**sentinels)
        compiler = qs.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        params = list(params)
        where: dict[Any, tuple[str, int | None]] = {}
        for name, value in sentinels.items():
            if isinstance(value, list):
                where.update((v, (name, i)) for i, v in enumerate(value))
            else:
                where[value] = (name, None)
        # A placeholder may occur more than once (e.g. in each part of a UNION).
        positions = {i: where[p] for i, p in enumerate(params) if p in where}
        missing = set(where.values()) - set(positions.values())
        if missing:
            raise RuntimeError(f"cannot prepare {self.build!r}: placeholders {missing} not found")
        query = compiler.query
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        if len(names) != compiler.col_count:
            raise RuntimeError(f"cannot prepare {self.build!r}: not a values() query")
        return _Compiled(sql, params, positions, names)

    def compiled(self, alias: str = "default", length: int = 1) -> _Compiled:
        key = (alias, length)
        compiled = self._compiled.get(key)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(key) or self._compile(alias, length)
                self._compiled[key] = compiled
        return compiled

    def rows(self, alias: str = "default", **values: Any) -> list[dict[str, Any]]:
        """Run the query with these values: ``values()`` dicts of the driver's values."""
        length = 1
        for name, kind in self.slots.items():
            if kind is Ids:
                ids: Sequence[int] = values[name]
                if not ids:
                    return []
                if len(ids) > MAX_IDS:
                    return list(self.build(**values).using(alias))
                length = next(n for n in ID_BUCKETS if n >= len(ids))
        compiled = self.compiled(alias, length)
        params = list(compiled.params)
        for index, (name, position) in compiled.slots.items():
            value = values[name]
            if position is None:
                params[index] = value
            else:
                # Pad with the first id: repeating a value in IN (...) changes nothing.
                params[index] = value[position] if position < len(value) else value[0]
        with connections[alias].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            fetched = cursor.fetchall()
        names = compiled.names
        return [dict(zip(names, row, strict=True)) for row in fetched]
