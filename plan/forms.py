"""Forms of the public plan pages: searching a version, choosing two versions to compare."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

from plan.models import PlanVersion


def version_choices(versions: Iterable[PlanVersion]) -> list[tuple[int, str]]:
    return [(v.number, f"{v.number}: {v.title} ({v.get_status_display()})") for v in versions]


class PlanSearchForm(forms.Form):
    """``q`` and, optionally, ``fassung``: the number of a version the user may see."""

    is_filter = True

    q = forms.CharField(label=_("Search the plan"), required=False, max_length=200)
    fassung = forms.TypedChoiceField(
        label=_("Version"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: object, versions: Iterable[PlanVersion] = (), **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["fassung"].choices = [  # type: ignore[attr-defined]
            ("", _("the version in force")),
            *version_choices(versions),
        ]


class CompareForm(forms.Form):
    """``from`` and ``to``: the numbers of two versions the user may see."""

    is_filter = True

    def __init__(self, *args: object, versions: Iterable[PlanVersion] = (), **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choices = version_choices(versions)
        # "from" is a Python keyword, so the fields are added here rather than declared.
        self.fields["from"] = forms.TypedChoiceField(
            label=_("Compare version"),
            choices=choices,
            required=False,
            coerce=int,
            empty_value=None,
        )
        self.fields["to"] = forms.TypedChoiceField(
            label=_("with version"), choices=choices, required=False, coerce=int, empty_value=None
        )
