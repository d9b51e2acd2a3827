"""Forms of monitoring."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Table (CSV or XLSX)"),
        help_text=_(
            "One row per area and period (columns Gebiet, Jahr, Wert; optionally Merkmal, "
            "Ausprägung, Quelle, Status), or one row per area with one column per year. "
            "You see what changes before anything is saved."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
