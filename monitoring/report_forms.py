"""The form that files a finished status report with the council."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from council.models import Organization


class FileReportForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference"),
        max_length=100,
        help_text=_("The paper's reference; the next free one is suggested."),
        error_messages={"required": _("Enter the paper's reference.")},
    )
    committee = forms.ModelChoiceField(
        label=_("Committee"),
        queryset=Organization.objects.none(),
        empty_label=_("Choose a committee"),
        help_text=_("The committee that takes note of the report."),
        error_messages={"required": _("Choose the committee that takes note of the report.")},
    )

    def __init__(self, *args: Any, committees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees.order_by("name")  # type: ignore[attr-defined]
