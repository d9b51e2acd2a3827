"""Forms of the plan editors' pages and the lead units' status reports."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from core.models import Municipality, Organisation
from core.uploads import check_document
from council.models import BudgetProduct, Organization, Paper
from council.policies import visible_papers
from plan.models import (
    FieldOfAction,
    Goal,
    ImplementationStatus,
    Indicator,
    Measure,
    MeasureCost,
    PlanVersion,
)


def paper_label(paper: Paper) -> str:
    date = f" ({paper.date:%d.%m.%Y})" if paper.date else ""
    return f"{paper.reference} – {paper.name}{date}"


class PaperChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return paper_label(obj)


def papers_for(user: Any) -> Any:
    return visible_papers(user).order_by("-date", "-pk")


# --- versions ----------------------------------------------------------------------


class VersionStartForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        required=False,
        help_text=_("Empty: “<plan> – update <number>”."),
    )
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Empty: the summary of the version in force."),
    )
    mandate = PaperChoiceField(
        label=_("Mandate"),
        queryset=Paper.objects.none(),
        required=False,
        empty_label=_("none"),
        help_text=_("The council paper that asks for this update, if there is one."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mandate"].queryset = papers_for(user)  # type: ignore[attr-defined]


class VersionForm(forms.ModelForm):
    mandate = PaperChoiceField(
        label=_("Mandate"), queryset=Paper.objects.none(), required=False, empty_label=_("none")
    )

    class Meta:
        model = PlanVersion
        fields = ["title", "summary", "mandate"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mandate"].queryset = papers_for(user)  # type: ignore[attr-defined]


class AdoptForm(forms.Form):
    paper = PaperChoiceField(
        label=_("Council paper"),
        queryset=Paper.objects.none(),
        empty_label=_("choose the paper"),
        help_text=_(
            "The paper whose decision adopts this version. Its deciding consultation "
            "must have recorded the decision in favour."
        ),
    )
    valid_from = forms.DateField(
        label=_("Valid from"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: the day of the decision."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["paper"].queryset = papers_for(user)  # type: ignore[attr-defined]


# --- items -------------------------------------------------------------------------


class ItemLabelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class ItemForm(forms.ModelForm):
    """An item of one version; the relations to other items are offered from that version."""

    version: PlanVersion
    # Where an item sits is changed with "move", which takes its dependants along.
    placement_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, version: PlanVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        if self.instance.pk is not None:
            for name in self.placement_fields:
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _("Use “Move” to put it elsewhere.")

    def relations(self) -> dict[str, Any]:
        """The keyword arguments of ``services.item_save`` beyond the item itself."""
        return {}


class FieldOfActionForm(ItemForm):
    class Meta:
        model = FieldOfAction
        fields = ["code", "title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class GoalForm(ItemForm):
    placement_fields = ("field", "parent")

    class Meta:
        model = Goal
        fields = ["code", "title", "description", "field", "parent"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"parent": _("Empty: a strategic goal (Leitziel) of the field.")}

    def __init__(self, *args: Any, version: PlanVersion, **kwargs: Any) -> None:
        super().__init__(*args, version=version, **kwargs)
        self.fields["field"].queryset = FieldOfAction.objects.filter(version=version)  # type: ignore[attr-defined]
        parents = Goal.objects.filter(version=version, parent__isnull=True)
        if self.instance.pk is not None:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        self.fields["parent"].empty_label = _("none (strategic goal)")  # type: ignore[attr-defined]


COST_LINE = re.compile(r"^(\d{4})\s*:\s*(.+?)\s*(?:€|EUR)?$", re.IGNORECASE)
MILESTONE_LINE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\.\d{1,2}\.\d{4})\s*:?\s+(.+)$")


def parse_amount(text: str) -> Decimal | None:
    """An amount in euros as written in German or English: 10000, 10.000,50, 10000.50."""
    text = text.replace(" ", "")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d{1,2})?", text):
        text = text.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d+,\d{1,2}", text):
        text = text.replace(",", ".")
    elif not re.fullmatch(r"\d+(\.\d{1,2})?", text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def parse_costs(text: str) -> dict[int, Decimal]:
    """``2025: 10000`` per line into {year: amount}; every bad line is reported."""
    costs: dict[int, Decimal] = {}
    errors: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = COST_LINE.match(line)
        amount = parse_amount(match.group(2)) if match else None
        if match is None or amount is None:
            errors.append(
                str(
                    _(
                        "Line %(number)s (“%(line)s”): write the year, a colon and the "
                        "amount in euros, e.g. “2025: 10000”."
                    )
                )
                % {"number": number, "line": line}
            )
            continue
        year = int(match.group(1))
        if not 2000 <= year <= 2100:
            errors.append(
                str(_("Line %(number)s (“%(line)s”): the year must lie between 2000 and 2100."))
                % {"number": number, "line": line}
            )
        elif year in costs:
            errors.append(
                str(_("Line %(number)s (“%(line)s”): the year %(year)s is given twice."))
                % {"number": number, "line": line, "year": year}
            )
        elif amount >= Decimal("1e10"):
            errors.append(
                str(_("Line %(number)s (“%(line)s”): the amount is too large."))
                % {"number": number, "line": line}
            )
        else:
            costs[year] = amount
    if errors:
        raise forms.ValidationError(errors)
    return costs


def parse_date(text: str) -> dt.date | None:
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def parse_milestones(text: str) -> list[tuple[dt.date, str]]:
    """``30.06.2025 Konzept liegt vor`` (or ``2025-06-30 …``) per line; bad lines are reported."""
    milestones: list[tuple[dt.date, str]] = []
    errors: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = MILESTONE_LINE.match(line)
        if match is None:
            errors.append(
                str(
                    _(
                        "Line %(number)s (“%(line)s”): write the date and the title, "
                        "e.g. “30.06.2025 Konzept liegt vor”."
                    )
                )
                % {"number": number, "line": line}
            )
            continue
        due = parse_date(match.group(1))
        title = match.group(2).strip()
        if due is None:
            errors.append(
                str(_("Line %(number)s: “%(date)s” is not a valid date."))
                % {"number": number, "date": match.group(1)}
            )
        elif len(title) > 300:
            errors.append(
                str(_("Line %(number)s: the title is longer than 300 characters."))
                % {"number": number}
            )
        else:
            milestones.append((due, title))
    if errors:
        raise forms.ValidationError(errors)
    return milestones


class MeasureForm(ItemForm):
    placement_fields = ("field",)

    partners = ItemLabelMultipleChoiceField(
        label=_("Partners"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    municipalities = ItemLabelMultipleChoiceField(
        label=_("Municipalities served"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: the whole region."),
    )
    goals = ItemLabelMultipleChoiceField(
        label=_("Goals served"),
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    indicators = ItemLabelMultipleChoiceField(
        label=_("Indicators"),
        queryset=Indicator.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    costs = forms.CharField(
        label=_("Cost estimate per year"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One line per budget year, e.g. “2025: 10000”."),
    )
    milestones = forms.CharField(
        label=_("Milestones"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One line per milestone: the date and the title, e.g. “30.06.2025 Konzept liegt vor”."
        ),
    )

    class Meta:
        model = Measure
        fields = [
            "code",
            "title",
            "description",
            "field",
            "lead_unit",
            "partners",
            "municipalities",
            "start",
            "end",
            "funding_source",
            "budget_product",
            "weight",
            "goals",
            "indicators",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "start": DateInput(),
            "end": DateInput(),
        }

    def __init__(self, *args: Any, version: PlanVersion, **kwargs: Any) -> None:
        super().__init__(*args, version=version, **kwargs)
        body_id = version.plan.body_id
        self.fields["field"].queryset = FieldOfAction.objects.filter(version=version)  # type: ignore[attr-defined]
        self.fields["lead_unit"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            body_id=body_id, kind=Organization.Kind.ADMINISTRATION, deleted=False
        ).order_by("name")
        self.fields["budget_product"].queryset = BudgetProduct.objects.filter(  # type: ignore[attr-defined]
            area__body_id=body_id, deleted=False
        ).order_by("number")
        self.fields["partners"].queryset = Organisation.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["municipalities"].queryset = Municipality.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["goals"].queryset = Goal.objects.filter(version=version).order_by(  # type: ignore[attr-defined]
            "field__position", "field_id", "position", "pk"
        )
        self.fields["indicators"].queryset = Indicator.objects.filter(version=version)  # type: ignore[attr-defined]
        measure = self.instance
        if measure.pk is not None and not self.is_bound:
            self.initial["costs"] = "\n".join(
                f"{c.year}: {c.amount}" for c in MeasureCost.objects.filter(measure=measure)
            )
            self.initial["milestones"] = "\n".join(
                f"{m.due:%d.%m.%Y} {m.title}" for m in measure.milestones.all()
            )

    def clean_costs(self) -> dict[int, Decimal]:
        return parse_costs(self.cleaned_data.get("costs") or "")

    def clean_milestones(self) -> list[tuple[dt.date, str]]:
        return parse_milestones(self.cleaned_data.get("milestones") or "")

    def relations(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "goals": data["goals"],
            "indicators": data["indicators"],
            "partners": data["partners"],
            "municipalities": data["municipalities"],
            "costs": data["costs"],
            "milestones": data["milestones"],
        }


class IndicatorForm(ItemForm):
    goals = ItemLabelMultipleChoiceField(
        label=_("Goals measured"),
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "definition",
            "unit",
            "source",
            "direction",
            "baseline_value",
            "baseline_year",
            "target_value",
            "target_year",
            "municipality",
            "goals",
        ]
        widgets = {"definition": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, version: PlanVersion, **kwargs: Any) -> None:
        super().__init__(*args, version=version, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["municipality"].empty_label = _("the whole region")  # type: ignore[attr-defined]
        self.fields["goals"].queryset = Goal.objects.filter(version=version).order_by(  # type: ignore[attr-defined]
            "field__position", "field_id", "position", "pk"
        )

    def relations(self) -> dict[str, Any]:
        return {"goals": self.cleaned_data["goals"]}


ITEM_FORMS: dict[str, type[ItemForm]] = {
    "field": FieldOfActionForm,
    "goal": GoalForm,
    "measure": MeasureForm,
    "indicator": IndicatorForm,
}


class MoveForm(forms.Form):
    """Where a goal or measure goes: a field, and for a goal optionally a strategic goal."""

    field = forms.ModelChoiceField(
        label=_("Field of action"), queryset=FieldOfAction.objects.none()
    )
    parent = forms.ModelChoiceField(
        label=_("Strategic goal"),
        queryset=Goal.objects.none(),
        required=False,
        empty_label=_("none (strategic goal)"),
        help_text=_("Empty: the goal becomes a strategic goal of the field."),
    )

    def __init__(self, *args: Any, item: Goal | Measure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        version = item.version
        self.fields["field"].queryset = FieldOfAction.objects.filter(version=version)  # type: ignore[attr-defined]
        if isinstance(item, Goal):
            parents = Goal.objects.filter(version=version, parent__isnull=True).exclude(pk=item.pk)
            self.fields["parent"].queryset = parents.select_related("field")  # type: ignore[attr-defined]
        else:
            del self.fields["parent"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        field, parent = data.get("field"), data.get("parent")
        if field is not None and parent is not None and parent.field_id != field.pk:
            self.add_error("parent", _("The strategic goal must belong to the chosen field."))
        return data


# --- status reports ----------------------------------------------------------------


class StatusReportForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=ImplementationStatus.choices)
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        min_value=0,
        max_value=100,
        help_text=_("From 0 to 100; a measure that is done has 100 %."),
    )
    text = forms.CharField(label=_("Report"), widget=forms.Textarea(attrs={"rows": 6}))
    evidence = forms.FileField(
        label=_("Evidence"),
        required=False,
        help_text=_("A PDF, ODT, DOCX, PNG or JPEG file of at most 10 MB."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write what has happened since the last report."))
        return text

    def clean_evidence(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("evidence")
        if upload:
            check_document(upload)
        return upload or None
