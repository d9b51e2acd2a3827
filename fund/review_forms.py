"""Forms of the reviewers' pages: the conflict-of-interest declaration and the scores."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fund.models import Criterion

# Up to this best score a criterion is a row of radio buttons; above it, a select.
RADIO_SCALE_MAX = 10


class DeclarationForm(forms.Form):
    """Step 1 of a review: the reviewer says whether they have a conflict of interest."""

    NO_CONFLICT = "no_conflict"
    CONFLICT = "conflict"

    declaration = forms.ChoiceField(
        label=_("Your declaration"),
        choices=[
            (NO_CONFLICT, _("I have no conflict of interest with this application")),
            (CONFLICT, _("I have a conflict of interest")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose one of the two declarations."),
            "invalid_choice": _("Choose one of the two declarations."),
        },
    )

    @property
    def no_conflict(self) -> bool:
        return bool(self.cleaned_data["declaration"] == self.NO_CONFLICT)


class ScoreForm(forms.Form):
    """Step 2: a score and a comment per criterion of the call, and an overall comment.

    Fields are ``score_<criterion id>`` and ``comment_<criterion id>``, then ``comment``.
    The range is checked here so that the reviewer gets a message per criterion; the
    service checks it again.
    """

    def __init__(self, *args: Any, criteria: Iterable[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            values = [(value, str(value)) for value in range(criterion.scale_max + 1)]
            widget: forms.Widget
            if criterion.scale_max <= RADIO_SCALE_MAX:
                widget = forms.RadioSelect(choices=values)
            else:
                widget = forms.Select(choices=[("", _("choose a score")), *values])
            self.fields[self.score_name(criterion)] = forms.IntegerField(
                label=criterion.name,
                min_value=0,
                max_value=criterion.scale_max,
                widget=widget,
                error_messages={
                    "required": _("Give a score from 0 to %(max)s.") % {"max": criterion.scale_max},
                    "invalid": _("Give a whole number from 0 to %(max)s.")
                    % {"max": criterion.scale_max},
                    "min_value": _("The lowest score is 0."),
                    "max_value": _("The best score is %(limit_value)s."),
                },
            )
            self.fields[self.comment_name(criterion)] = forms.CharField(
                label=_("Comment on “%(criterion)s”") % {"criterion": criterion.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        self.fields["comment"] = forms.CharField(
            label=_("Overall comment"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 5}),
            help_text=_("Your overall assessment; the fund office and the board read it."),
        )

    @staticmethod
    def score_name(criterion: Criterion) -> str:
        return f"score_{criterion.pk}"

    @staticmethod
    def comment_name(criterion: Criterion) -> str:
        return f"comment_{criterion.pk}"

    def rows(self) -> Iterator[tuple[Criterion, forms.BoundField, forms.BoundField]]:
        """Each criterion with its score field and its comment field, for the template."""
        for criterion in self.criteria:
            yield criterion, self[self.score_name(criterion)], self[self.comment_name(criterion)]

    def scores(self) -> dict[int, tuple[int, str]]:
        """The ``scores`` argument of ``services.review_submit``."""
        return {
            criterion.pk: (
                self.cleaned_data[self.score_name(criterion)],
                self.cleaned_data[self.comment_name(criterion)],
            )
            for criterion in self.criteria
        }
