"""Uploaded documents: the kind of a file by its content, not by its name.

Evidence for status reports, application attachments and answers to file questions are
all checked here: a file is accepted only if its name's suffix is one of the allowed
kinds and its content really is that kind, and if it is not larger than the limit.
"""

from __future__ import annotations

import zipfile
from pathlib import PurePath
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"

DOCUMENT_SUFFIXES = {
    ".pdf": "pdf",
    ".odt": "odt",
    ".docx": "docx",
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
}
KIND_LABELS = {"pdf": "PDF", "odt": "ODT", "docx": "DOCX", "png": "PNG", "jpeg": "JPEG"}


def _zip_names(upload: IO[bytes]) -> tuple[set[str], bytes]:
    """The entry names of a zip upload and its ``mimetype`` entry (empty if none)."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype") if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, KeyError):
        return set(), b""
    finally:
        upload.seek(0)
    return names, mimetype.strip()


def document_kind(upload: IO[bytes]) -> str | None:
    """The kind of document the file's content is ("pdf", "odt", …), or None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        names, mimetype = _zip_names(upload)
        if mimetype == ODT_MIMETYPE:
            return "odt"
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return "docx"
    return None


def check_document(upload: Any, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> str:
    """Return the document's kind, or raise a ValidationError that says what to upload."""
    name = upload.name or ""
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            _("The file “%(name)s” is larger than %(mb)s MB. Upload a smaller file."),
            params={"name": name, "mb": max_bytes // (1024 * 1024)},
            code="too_large",
        )
    claimed = DOCUMENT_SUFFIXES.get(PurePath(name).suffix.lower())
    if claimed is None:
        raise ValidationError(
            _(
                "The file “%(name)s” is not a PDF, ODT, DOCX, PNG or JPEG file. "
                "Upload one of these."
            ),
            params={"name": name},
            code="wrong_type",
        )
    if document_kind(upload) != claimed:
        raise ValidationError(
            _(
                "The file “%(name)s” is not a %(kind)s document, although its name says so. "
                "Upload a real PDF, ODT, DOCX, PNG or JPEG file."
            ),
            params={"name": name, "kind": KIND_LABELS[claimed]},
            code="spoofed",
        )
    return claimed
