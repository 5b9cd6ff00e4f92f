"""CSV exports that stream in constant memory, written by PostgreSQL itself.

A queryset becomes `COPY (SELECT ...) TO STDOUT WITH (FORMAT csv, HEADER)`: the database writes
the CSV (about 1.5 s for a million rows, against about 26 s through a streamed ORM iterator).
psycopg2's `copy_expert` pushes the data into a file object, so it runs in a background thread
that hands chunks of about 64 KB through a small bounded queue to the response's iterator:
memory stays a few chunks whatever the size. The thread uses the request's own database
connection (psycopg2 connections may be shared between threads, and the request thread does not
touch it while the copy runs), so the export sees the same data and transaction as the request.

Cells that begin with `=`, `+`, `-`, `@`, a tab or a carriage return are prefixed with `'` so a
spreadsheet shows them as text instead of running them as a formula (OWASP, "CSV injection"):
in the SELECT itself for a queryset (`Neutralised`), in Python for the small exports whose rows
are built in Python (`rows_stream`).
"""

import contextlib
import csv
import io
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Case, Expression, F, Func, QuerySet, TextField, Value, When
from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_BYTES = 64 * 1024
QUEUE_CHUNKS = 8

OnFinish = Callable[[int], None]  # called with the number of rows once the last one is out


def neutralise(value: object) -> str:
    """A cell's text, with a leading `'` if a spreadsheet would take it for a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class Neutralised(Func):
    """`neutralise` in SQL: formula-like text gets its `'` in the SELECT."""

    # ascii() is the code of the first character ('=' 61, '+' 43, '-' 45, '@' 64, tab 9,
    # CR 13; 0 for ''): measured about 2x faster over a million rows than comparing left(x, 1).
    template = (
        "CASE WHEN ascii(%(expressions)s) IN (61, 43, 45, 64, 9, 13) "
        "THEN '''' || %(expressions)s ELSE %(expressions)s END"
    )
    output_field = TextField()


class UTCText(Func):
    """A timestamp as 'YYYY-MM-DD HH:MM:SS' in UTC, the same on every server ('' for NULL)."""

    # A cast rather than to_char(), which costs about a second more per million rows.
    template = "date_trunc('second', %(expressions)s AT TIME ZONE 'UTC')::text"
    output_field = TextField()


def yes_no(field: str) -> Case:
    """A boolean column as "yes" / "no"."""
    return Case(When(**{field: True}, then=Value("yes")), default=Value("no"))


@dataclass(frozen=True)
class Column:
    """One CSV column: its header and the SQL expression that writes its cells."""

    header: str
    expression: Expression


def csv_line(values: Iterable[object]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(values)
    return buffer.getvalue().encode()


def _copy_sql(queryset: QuerySet[Any], columns: Sequence[Column]) -> str:
    """`COPY (SELECT ...) TO STDOUT` for the queryset's rows, parameters bound by psycopg2."""
    aliases = {f"c{i}": column.expression for i, column in enumerate(columns)}
    inner = queryset.order_by().annotate(export_pk=F("pk"), **aliases)
    sql, params = inner.values_list("export_pk", *aliases.keys()).query.sql_with_params()
    outer = ", ".join(
        f'e.c{i} AS "{column.header.replace(chr(34), "")}"' for i, column in enumerate(columns)
    )
    # Headers are our own column names, and the inner SQL's values are bound by mogrify below.
    select = f"SELECT {outer} FROM ({sql}) AS e ORDER BY e.export_pk"  # noqa: S608
    with connection.cursor() as cursor:
        bound = cursor.cursor.mogrify(select, params)
    bound = bound.decode() if isinstance(bound, bytes) else bound
    return f"COPY ({bound}) TO STDOUT WITH (FORMAT csv, HEADER, ENCODING 'UTF8')"


class ExportCancelled(Exception):
    pass


class _QueueWriter:
    """The file object psycopg2 writes the COPY into: chunks of CHUNK_BYTES into a queue."""

    def __init__(self, chunks: queue.Queue[object], cancelled: threading.Event) -> None:
        self.chunks = chunks
        self.cancelled = cancelled
        self.parts: list[bytes] = []
        self.size = 0

    def _put(self, chunk: bytes) -> None:
        while not self.cancelled.is_set():
            try:
                self.chunks.put(chunk, timeout=0.5)
                return
            except queue.Full:
                continue
        raise ExportCancelled

    def write(self, data: bytes) -> None:
        self.parts.append(data)
        self.size += len(data)
        if self.size >= CHUNK_BYTES:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            chunk, self.parts, self.size = b"".join(self.parts), [], 0
            self._put(chunk)


_DONE = object()


def _copy_stream(sql: str, result: dict[str, Any]) -> Iterator[bytes]:
    """Run COPY in a thread on this connection and yield its output as it comes."""
    connection.ensure_connection()
    raw = connection.connection
    chunks: queue.Queue[object] = queue.Queue(maxsize=QUEUE_CHUNKS)
    cancelled = threading.Event()
    writer = _QueueWriter(chunks, cancelled)

    def run() -> None:
        try:
            with raw.cursor() as cursor:
                cursor.copy_expert(sql, writer)
                writer.flush()
                # COPY's command tag gives the number of rows; the header line is not one.
                result["rows"] = cursor.rowcount
        except BaseException as error:  # handed to the iterating thread below
            result["error"] = error
        finally:
            while True:
                try:
                    chunks.put(_DONE, timeout=0.5)
                    break
                except queue.Full:
                    if cancelled.is_set():
                        break

    thread = threading.Thread(target=run, name="csv-export", daemon=True)
    thread.start()
    finished = False
    try:
        while True:
            chunk = chunks.get()
            if not isinstance(chunk, bytes):  # _DONE
                break
            yield chunk
        finished = True
    finally:
        if not finished:  # the client went away: stop the copy on the server
            cancelled.set()
            raw.cancel()
            while thread.is_alive():
                with contextlib.suppress(queue.Empty):
                    chunks.get(timeout=0.1)
        thread.join()
        if not finished and not connection.in_atomic_block:
            connection.close()  # a cancelled COPY leaves nothing worth reusing
    if "error" in result:
        raise result["error"]


def csv_stream(
    *, queryset: QuerySet[Any], columns: Sequence[Column], on_finish: OnFinish | None = None
) -> Iterator[bytes]:
    """The queryset's rows as CSV bytes in primary-key order, header first, by COPY."""
    result: dict[str, Any] = {}
    yield from _copy_stream(_copy_sql(queryset, columns), result)
    if on_finish is not None:
        on_finish(result.get("rows", 0))


def rows_stream(
    *,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    on_finish: OnFinish | None = None,
) -> Iterator[bytes]:
    """Small exports built in Python (counts): header first, text cells neutralised."""
    yield csv_line(header)
    count = 0
    for row in rows:
        count += 1
        yield csv_line(neutralise(v) if isinstance(v, str) else v for v in row)
    if on_finish is not None:
        on_finish(count)


def csv_response(
    stream: Iterator[bytes], *, filename: str, headers: dict[str, str] | None = None
) -> StreamingHttpResponse:
    """A streamed CSV download: never cached, saved under `filename`."""
    return StreamingHttpResponse(
        stream,
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            **(headers or {}),
        },
    )
