"""Domain errors of the core; views map them to messages and HTTP status in one place."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class ImportRejected(ValidationError):
    """An import found bad rows; nothing was written. ``rows`` maps line numbers to messages."""

    def __init__(self, rows: dict[int, list[str]]):
        self.rows = rows
        super().__init__([f"{line}: {'; '.join(msgs)}" for line, msgs in sorted(rows.items())])
