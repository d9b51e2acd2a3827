"""Forms of the council pages: the paper filter and the vote record."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from council import selectors
from council.models import Organization
from council.selectors import PaperFilter


class PaperFilterForm(forms.Form):
    is_filter = True  # every field is optional; the templates then skip the "optional" marks
    STATUS_CHOICES = [
        ("", _("all")),
        ("open", _("not yet decided")),
        ("decided", _("decided")),
    ]

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    paper_type = forms.ChoiceField(label=_("Paper type"), required=False)
    organization = forms.ModelChoiceField(
        label=_("Body"),
        required=False,
        queryset=Organization.objects.none(),
        empty_label=_("all"),
    )
    date_from = forms.DateField(
        label=_("Date from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Date to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["paper_type"].choices = [("", _("all"))] + [  # type: ignore[attr-defined]
            (t, t) for t in selectors.paper_types()
        ]
        self.fields["organization"].queryset = selectors.consulting_organizations()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return data

    def to_filter(self) -> PaperFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return PaperFilter(
            query=data.get("q") or "",
            paper_type=data.get("paper_type") or "",
            organization=data.get("organization"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            status=data.get("status") or "",
        )


class VoteForm(forms.Form):
    OUTCOME_CHOICES = [("proposed", _("as proposed")), ("deviating", _("deviating"))]

    outcome = forms.ChoiceField(label=_("Vote"), choices=OUTCOME_CHOICES, widget=forms.RadioSelect)
    votes_yes = forms.IntegerField(label=_("Yes"), min_value=0, max_value=10000, required=False)
    votes_no = forms.IntegerField(label=_("No"), min_value=0, max_value=10000, required=False)
    votes_abstention = forms.IntegerField(
        label=_("Abstention"), min_value=0, max_value=10000, required=False
    )
    result = forms.CharField(
        label=_("Result"),
        max_length=300,
        help_text=_("As it will be published, e.g. “einstimmig beschlossen”."),
    )

    def clean_result(self) -> str:
        result = self.cleaned_data["result"].strip()
        if not result:
            raise forms.ValidationError(_("Enter the result."))
        return result


class MeetingFilterForm(forms.Form):
    is_filter = True
    organization = forms.ModelChoiceField(
        label=_("Body"), required=False, queryset=Organization.objects.none(), empty_label=_("all")
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["organization"].queryset = selectors.consulting_organizations()  # type: ignore[attr-defined]
