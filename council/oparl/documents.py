"""Stored OParl JSON of public papers (``PaperDocument``), the read model of the paper list.

Serializing a page of 20 papers with their consultations, files and budget rows costs
most of the list's time; the stored text costs one joined read. A document is used
only while its ``modified`` equals the paper row's ``modified`` and its ``version`` the
current rendering's (serializer, selector and policy code, time zone, URL paths). Any
other document is ignored, the paper rendered the normal way, and the document written
anew: no writer has to refresh documents, but every change that alters a paper's JSON
must move the paper's ``modified``. The services do so for the paper and what it embeds
(as OParl requires), for a new agenda item of one of its consultations and for a new
subordinated paper. Not covered, and served stale until the paper's next change:
writes past the services (``QuerySet.update``, files created directly, the admin's
budget areas and products, whose names a paper embeds) and a change of visibility of a
related, superordinated or subordinated paper, or of an agenda item a consultation
names.

Documents are rendered for the placeholder site ``https://oparl.invalid`` (a reserved
name, RFC 6761); a response replaces it with the requesting site. Deleted papers never
have one, and a non-public paper is never listed, so its document is never read.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson
from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.urls import get_script_prefix, get_urlconf

from council import policies
from council.models import Paper, PaperDocument
from council.oparl import selectors, serializers
from council.oparl.prepared import Ids, Prepared
from council.oparl.serializers import Output

PLACEHOLDER = "https://oparl.invalid"
# Switch for tests that compare the stored path with the fresh one.
ENABLED = True


def body_papers(body_id: int) -> QuerySet:
    """The body's paper list with each paper's document, if any (one LEFT JOIN).

    The rows of a page carry only what decides whether the document is current;
    the papers without a current one are read in full (``_PAPERS``) and rendered.
    """
    return Paper.objects.filter(policies.public_paper_filter(), body_id=body_id).values(
        "id",
        "deleted",
        doc_version=F("oparl_document__version"),
        doc_body=F("oparl_document__body"),
        # Compared in the database: no times to convert, and the same on every backend.
        doc_in_time=ExpressionWrapper(
            Q(oparl_document__modified=F("modified")), output_field=BooleanField()
        ),
    )


_PAPERS = Prepared(lambda ids: selectors.papers().filter(pk__in=ids).order_by("pk"), ids=Ids)
_SOURCES = ("serializers.py", "selectors.py", "documents.py", "../policies.py")


@functools.cache
def _code_digest() -> bytes:
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in _SOURCES:
        digest.update((here / name).read_bytes())
    return digest.digest()


_VERSIONS: dict[tuple[Any, str], str] = {}


def version() -> str:
    """What a document's text depends on besides the paper's data, as a short digest."""
    key = (get_urlconf(), get_script_prefix())
    value = _VERSIONS.get(key)
    if value is None:
        out = Output(None, site=PLACEHOLDER + "/")
        digest = hashlib.sha256(_code_digest())
        for part in (
            settings.TIME_ZONE,
            out.api,
            out.web("council:paper_detail", 1),
            out.web("council:file_download", 1),
        ):
            digest.update(part.encode() + b"\0")
        value = _VERSIONS[key] = digest.hexdigest()[:32]
    return value


def _utc(moment: dt.datetime) -> dt.datetime:
    # SQLite's raw rows give naive UTC times, PostgreSQL's aware ones.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def placeholder_output() -> Output:
    return Output(None, site=PLACEHOLDER + "/")


def render(rows: list[dict[str, Any]], out: Output) -> dict[int, str]:
    """The JSON of these paper rows (parts not loaded yet), keyed by id."""
    selectors.load_papers(rows)
    return {row["id"]: orjson.dumps(serializers.paper(row, out)).decode() for row in rows}


def store(rows: Iterable[dict[str, Any]], texts: dict[int, str]) -> None:
    """Write (or overwrite) the documents of these live paper rows.

    A cache refresh: if the database refuses the write, the answer is still right.
    """
    current = version()
    documents = [
        PaperDocument(
            paper_id=row["id"],
            modified=_utc(row["modified"]),
            version=current,
            body=texts[row["id"]],
        )
        for row in rows
        if not row["deleted"]
    ]
    if not documents:
        return
    try:
        with transaction.atomic():
            PaperDocument.objects.bulk_create(
                documents,
                update_conflicts=True,
                unique_fields=["paper"],
                update_fields=["modified", "version", "body"],
            )
    except DatabaseError:
        pass


def page_texts(rows: list[dict[str, Any]]) -> list[str]:
    """The JSON of each row of ``body_papers`` (placeholder site), from its document if current.

    Papers without a current document are read, rendered and their documents written;
    deleted papers are rendered as deleted and never stored. The document's time is
    compared with the paper's in the query (``doc_in_time``).
    """
    current = version()
    texts: dict[int, str] = {}
    missing = []
    for row in rows:
        if row["doc_in_time"] and row["doc_version"] == current and not row["deleted"]:
            texts[row["id"]] = row["doc_body"]
        else:
            missing.append(row["id"])
    if missing:
        full = _PAPERS.rows(ids=missing)
        texts.update(render(full, placeholder_output()))
        store(full, texts)
    return [texts[row["id"]] for row in rows]


def for_site(text: str, site: str) -> str:
    """``text`` with the placeholder replaced by ``site`` (``scheme://host``, no slash)."""
    return text.replace(PLACEHOLDER, orjson.dumps(site).decode()[1:-1])
