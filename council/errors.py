"""Domain errors of the council app; each message says what to do."""

from django.core.exceptions import ValidationError


class VoteRejected(ValidationError):
    """A vote could not be recorded as given."""
