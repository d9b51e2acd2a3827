"""Forms of the fund office's pages: calls, workflow steps, reviews, grants, decision papers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from core.roles import Role
from council.models import Organization, Paper
from fund.models import Application, Call, CallTarget, FinancingType, Question
from fund.services import CriterionSpec, QuestionSpec, TargetSpec
from fund.workflow import State, Transition
from plan.models import Goal, Measure, PlanVersion


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


class MoneyInput(forms.TextInput):
    """Amounts in a full-width text box: a number box is too narrow for 200000.00."""

    def __init__(self) -> None:
        super().__init__(attrs={"inputmode": "decimal"})


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _money(amount: Decimal) -> str:
    return number_format(amount, 2, force_grouping=True)


# --- calls -------------------------------------------------------------------------


def _plan_items(model: type[Any]) -> dict[str, Any]:
    """Goals or measures of every plan's version in force, by uid, in the plan's order."""
    items = (
        model.objects.filter(version__status=PlanVersion.Status.ADOPTED)
        .select_related("version__plan")
        .order_by("version__plan__name", "field__position", "position", "pk")
    )
    return {str(item.uid): item for item in items}


def _choices(items: dict[str, Any]) -> list[tuple[str, str]]:
    several_plans = len({item.version.plan_id for item in items.values()}) > 1
    return [
        (uid, f"{item.version.plan.name}: {item}" if several_plans else str(item))
        for uid, item in items.items()
    ]


class CallForm(forms.ModelForm):
    """A call's own fields; its criteria and questions come in formsets beside it."""

    financing_types = forms.MultipleChoiceField(
        label=_("Allowed financing types"),
        choices=FinancingType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None chosen: every financing type is allowed."),
    )
    goals = forms.MultipleChoiceField(
        label=_("Goals of the plan the call serves"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "For a call serving the plan's goals: none chosen means all goals of the plan."
        ),
    )
    measures = forms.MultipleChoiceField(
        label=_("Measures of the plan the call serves"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("For a call serving chosen measures: choose at least one."),
    )

    class Meta:
        model = Call
        fields = [
            "fund",
            "year",
            "title",
            "motto",
            "description",
            "budget",
            "opens_at",
            "deadline",
            "min_amount",
            "max_amount",
            "max_per_organisation",
            "own_contribution_percent",
            "blind_review",
            "serves",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "opens_at": DateTimeInput(),
            "deadline": DateTimeInput(),
            "serves": forms.RadioSelect,
            "budget": MoneyInput(),
            "min_amount": MoneyInput(),
            "max_amount": MoneyInput(),
            "max_per_organisation": MoneyInput(),
        }
        help_texts = {
            "blind_review": _("Reviewers do not see which organisation applies."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fund"].empty_label = _("choose the fund")  # type: ignore[attr-defined]
        self.plan_items = {"goals": _plan_items(Goal), "measures": _plan_items(Measure)}
        for name, items in self.plan_items.items():
            self.fields[name].choices = _choices(items)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        serves = data.get("serves")
        if serves == Call.Serves.MEASURES:
            if not data.get("measures"):
                self.add_error("measures", _("Choose at least one measure the call serves."))
            if data.get("goals"):
                self.add_error(
                    "goals",
                    _("A call for chosen measures names measures only; clear the goals."),
                )
        elif serves == Call.Serves.GOALS and data.get("measures"):
            self.add_error(
                "measures",
                _(
                    "A call for the plan's goals names goals only; clear the measures or "
                    "choose “chosen measures of the plan”."
                ),
            )
        return data

    def call_fields(self) -> dict[str, Any]:
        """The keyword arguments of ``services.call_create`` for the call itself."""
        data = self.cleaned_data
        fields = {name: data[name] for name in self.Meta.fields if name != "fund"}
        fields["title"] = fields["title"].strip()
        fields["financing_types"] = list(data["financing_types"])
        return fields

    def targets(self) -> list[TargetSpec]:
        """The chosen goals and measures as the plan items the call serves."""
        kinds = {"goals": CallTarget.Kind.GOAL, "measures": CallTarget.Kind.MEASURE}
        return [
            TargetSpec(plan=item.version.plan, kind=kinds[name], uid=item.uid)
            for name, items in self.plan_items.items()
            for uid, item in items.items()
            if uid in self.cleaned_data[name]
        ]


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    weight = forms.DecimalField(
        label=_("Weight"),
        initial=Decimal(1),
        min_value=Decimal("0.01"),
        max_digits=5,
        decimal_places=2,
    )
    scale_max = forms.IntegerField(label=_("Best score"), initial=5, min_value=1, max_value=100)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CriterionFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        if not self.filled():
            raise ValidationError(
                _("Give the call at least one review criterion (name, weight, best score).")
            )

    def filled(self) -> list[forms.Form]:
        return [f for f in self.forms if f.has_changed()]

    def specs(self) -> list[CriterionSpec]:
        return [
            CriterionSpec(
                name=f.cleaned_data["name"].strip(),
                weight=f.cleaned_data["weight"],
                scale_max=f.cleaned_data["scale_max"],
                description=f.cleaned_data["description"].strip(),
            )
            for f in self.filled()
        ]


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=500)
    kind = forms.ChoiceField(
        label=_("Kind of answer"), choices=[("", _("choose")), *Question.Kind.choices]
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    help_text = forms.CharField(label=_("Help text"), max_length=500, required=False)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only for the kind “choice”: one choice per line, at least two."),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        choices = _lines(data.get("choices", ""))
        if data.get("kind") == Question.Kind.CHOICE and len(choices) < 2:
            self.add_error(
                "choices", _("A choice question needs at least two choices, one per line.")
            )
        elif data.get("kind") and data.get("kind") != Question.Kind.CHOICE and choices:
            self.add_error("choices", _("Only choice questions have choices; empty this field."))
        data["choice_list"] = choices
        return data


class QuestionFormSet(forms.BaseFormSet):
    def specs(self) -> list[QuestionSpec]:
        return [
            QuestionSpec(
                text=f.cleaned_data["text"].strip(),
                kind=f.cleaned_data["kind"],
                required=f.cleaned_data["required"],
                help_text=f.cleaned_data["help_text"].strip(),
                choices=tuple(f.cleaned_data["choice_list"]),
            )
            for f in self.forms
            if f.has_changed()
        ]


CriteriaFormSet = forms.formset_factory(CriterionForm, formset=CriterionFormSet, extra=3)
QuestionsFormSet = forms.formset_factory(QuestionForm, formset=QuestionFormSet, extra=2)


class StateFilterForm(forms.Form):
    """The call workbench's filter (GET), so it works without JavaScript."""

    is_filter = True
    state = forms.ChoiceField(label=_("State"), required=False)

    def __init__(self, *args: Any, counts: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [  # type: ignore[attr-defined]
            ("", _("all states")),
            *(
                (value, f"{label} ({counts[value]})")
                for value, label in State.choices
                if value in counts
            ),
        ]


# --- one application ---------------------------------------------------------------


class StepForm(forms.Form):
    """One workflow step of an application, with a note (required where the step needs one)."""

    amount = forms.DecimalField(
        label=_("Amount granted (€)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=MoneyInput(),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The applicant reads it on the timeline and in the e-mail."),
    )

    def __init__(self, *args: Any, transition: Transition, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{transition.name}_%s")
        super().__init__(*args, **kwargs)
        self.transition = transition
        if transition.name != "approve_partly":
            del self.fields["amount"]
        if transition.needs_note:
            note = self.fields["note"]
            note.required = True
            note.label = _("Reason")
            note.error_messages["required"] = _("Give the reason for this step.")


class InquiryForm(forms.Form):
    question = forms.CharField(
        label=_("Question to the applicant"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the question.")},
        help_text=_("The applicant gets it by e-mail and answers on the application's page."),
    )


class ReviewerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.email})" if obj.name else obj.email


class ReviewerForm(forms.Form):
    reviewer = ReviewerChoiceField(
        label=_("Reviewer"),
        queryset=get_user_model().objects.none(),
        empty_label=_("choose a reviewer"),
        error_messages={"required": _("Choose the reviewer to assign.")},
    )

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = (  # type: ignore[attr-defined]
            get_user_model()
            .objects.filter(groups__name=Role.REVIEWER, is_active=True)
            .exclude(fund_reviews__application=application)
            .exclude(memberships__organisation_id=application.organisation_id)
            .order_by("name", "email")
            .distinct()
        )


class GrantForm(forms.Form):
    financing_type = forms.ChoiceField(label=_("Financing type"), choices=FinancingType.choices)
    share_percent = forms.DecimalField(
        label=_("Share (%)"),
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
        help_text=_("Only for share financing: the share of the eligible expenses."),
    )
    start = forms.DateField(label=_("Start"), widget=DateInput())
    end = forms.DateField(label=_("End"), widget=DateInput())
    conditions = forms.CharField(
        label=_("Conditions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ancillary provisions beyond the general ones (ANBest-P)."),
    )

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = call.financing_types
        self.fields["financing_type"].choices = [  # type: ignore[attr-defined]
            (value, label)
            for value, label in FinancingType.choices
            if not allowed or value in allowed
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind = data.get("financing_type")
        if kind == FinancingType.SHARE and data.get("share_percent") is None:
            self.add_error("share_percent", _("Share financing needs the share in %."))
        if kind and kind != FinancingType.SHARE and data.get("share_percent") is not None:
            self.add_error("share_percent", _("Only share financing has a share; empty it."))
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end cannot lie before the start."))
        return data


class ProofCheckForm(forms.Form):
    purpose_achieved = forms.TypedChoiceField(
        label=_("Was the purpose of the grant achieved?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the purpose was achieved.")},
    )


# --- decision papers ---------------------------------------------------------------


class BodyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class BodiesChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class DecisionPaperForm(forms.Form):
    """The Beschlussvorlage of a call: reference, bodies, date, and an amount per application."""

    reference = forms.CharField(
        label=_("Reference"), max_length=100, help_text=_("For example “1234 (V) BDs”.")
    )
    deciding_body = BodyChoiceField(
        label=_("Deciding body"),
        queryset=Organization.objects.none(),
        empty_label=_("choose the body"),
    )
    planned_date = forms.DateField(label=_("Planned date of the decision"), widget=DateInput())
    preparing_bodies = BodiesChoiceField(
        label=_("Preparing bodies"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The committees that consult the paper first, in the order listed here."),
    )

    def __init__(
        self,
        *args: Any,
        call: Call,
        applications: list[Application],
        proposed: dict[int, Decimal] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.call = call
        proposed = proposed or {}
        self.applications = applications
        bodies = Organization.objects.filter(
            body_id=call.fund.body_id,
            deleted=False,
            kind__in=(Organization.Kind.COUNCIL, Organization.Kind.COMMITTEE),
        ).order_by("kind", "name")
        self.fields["deciding_body"].queryset = bodies  # type: ignore[attr-defined]
        self.fields["preparing_bodies"].queryset = bodies  # type: ignore[attr-defined]
        for application in applications:
            self.fields[self.amount_name(application)] = forms.DecimalField(
                label=f"{application.organisation.name}: {application.title}",
                initial=proposed.get(application.pk, application.requested_amount),
                max_digits=12,
                decimal_places=2,
                min_value=Decimal("0.01"),
                widget=MoneyInput(),
                help_text=_("Requested: %(amount)s €. Cut it to propose less.")
                % {"amount": _money(application.requested_amount)},
            )

    @staticmethod
    def amount_name(application: Application) -> str:
        return f"amount_{application.pk}"

    def amount_fields(self) -> list[forms.BoundField]:
        return [self[self.amount_name(a)] for a in self.applications]

    def clean_reference(self) -> str:
        reference = self.cleaned_data["reference"].strip()
        if Paper.objects.filter(body_id=self.call.fund.body_id, reference=reference).exists():
            raise ValidationError(_("A paper with this reference exists already."))
        return reference

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        deciding = data.get("deciding_body")
        if deciding is not None and deciding in (data.get("preparing_bodies") or []):
            self.add_error(
                "preparing_bodies", _("The deciding body cannot also be a preparing body.")
            )
        for application in self.applications:
            name = self.amount_name(application)
            amount = data.get(name)
            if amount is not None and amount > application.requested_amount:
                self.add_error(
                    name,
                    _("At most the requested %(amount)s €.")
                    % {"amount": _money(application.requested_amount)},
                )
        return data

    def amounts(self) -> dict[int, Decimal]:
        return {a.pk: self.cleaned_data[self.amount_name(a)] for a in self.applications}


# --- allocation --------------------------------------------------------------------


def _percent(label: Any, help_text: Any = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
        help_text=help_text,
    )


def _count(label: Any, minimum: int = 1, help_text: Any = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=minimum,
        max_value=1000,
        widget=forms.NumberInput(attrs={"size": 4}),
        help_text=help_text,
    )


class AllocationForm(forms.Form):
    """The settings of one allocation of a call: budget, objective and the fund's policy.

    ``fields`` are the fields of action the applications serve (titles), ``municipalities``
    the municipalities they serve, ``applications`` the candidates: each may be fixed in or
    out, and applications with the same group letter exclude each other.
    """

    OBJECTIVES = (
        ("score", _("Scores: the value of a project is its score")),
        ("score_by_amount", _("Scores weighted by amount: score times the euros funded")),
    )
    FIX = (("", _("as the optimum decides")), ("in", _("fixed in")), ("out", _("fixed out")))

    budget = forms.DecimalField(
        label=_("Budget (€)"),
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        localize=True,
        widget=MoneyInput(),
    )
    objective = forms.ChoiceField(
        label=_("Value of the portfolio"),
        choices=OBJECTIVES,
        initial="score",
        widget=forms.RadioSelect,
    )
    partial_floor = _percent(
        _("Partial funding down to (% of the request)"),
        _("Empty: every project is funded in full or not at all."),
    )
    min_projects_each = _count(
        _("Projects per municipality"),
        help_text=_("At least this many funded projects in every municipality that applied."),
    )
    population_share = _percent(
        _("Share by population (% of the budget)"),
        _(
            "At least this part of the budget goes to the municipalities that applied, "
            "each in proportion to its population."
        ),
    )
    organisation_max_projects = _count(_("Projects per organisation at most"))
    organisation_max_amount = forms.DecimalField(
        label=_("Money per organisation at most (€)"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        localize=True,
        widget=MoneyInput(),
    )

    def __init__(
        self,
        *args: Any,
        fields: list[str],
        municipalities: list[Any],
        applications: list[Application],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.field_titles = fields
        self.municipalities = municipalities
        self.applications = applications
        for index, title in enumerate(fields):
            self.fields[f"field_{index}_min"] = _percent(
                _("Minimum share of “%(title)s” (%%)") % {"title": title}
            )
            self.fields[f"field_{index}_max"] = _percent(
                _("Maximum share of “%(title)s” (%%)") % {"title": title}
            )
        for municipality in municipalities:
            self.fields[f"municipality_{municipality.key}"] = _count(municipality.name, minimum=0)
        for application in applications:
            self.fields[f"fix_{application.pk}"] = forms.ChoiceField(
                label=_("Fix “%(title)s”") % {"title": application.title},
                choices=self.FIX,
                required=False,
            )
            self.fields[f"group_{application.pk}"] = forms.CharField(
                label=_("Exclusion group of “%(title)s”") % {"title": application.title},
                max_length=20,
                required=False,
                widget=forms.TextInput(attrs={"size": 4}),
            )

    def field_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [
            (title, self[f"field_{i}_min"], self[f"field_{i}_max"])
            for i, title in enumerate(self.field_titles)
        ]

    def municipality_fields(self) -> list[forms.BoundField]:
        return [self[f"municipality_{m.key}"] for m in self.municipalities]

    def application_rows(self) -> list[tuple[Application, forms.BoundField, forms.BoundField]]:
        return [(a, self[f"fix_{a.pk}"], self[f"group_{a.pk}"]) for a in self.applications]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for index, title in enumerate(self.field_titles):
            low, high = data.get(f"field_{index}_min"), data.get(f"field_{index}_max")
            if low is not None and high is not None and low > high:
                self.add_error(
                    f"field_{index}_min",
                    _("The minimum share of “%(title)s” lies above its maximum.")
                    % {"title": title},
                )
        groups: dict[str, list[Application]] = {}
        for application in self.applications:
            label = (data.get(f"group_{application.pk}") or "").strip().upper()
            if label:
                groups.setdefault(label, []).append(application)
        for label, members in groups.items():
            if len(members) == 1:
                self.add_error(
                    f"group_{members[0].pk}",
                    _(
                        "Group “%(label)s” has only this application; give another one the same "
                        "letter, or leave it empty."
                    )
                    % {"label": label},
                )
        self.groups = [tuple(a.pk for a in members) for _l, members in sorted(groups.items())]
        return data

    def settings(self) -> Any:
        """The valid form as ``fund.services.AllocationSettings``."""
        from fund.services import AllocationSettings

        data = self.cleaned_data
        fixed = {a.pk: data.get(f"fix_{a.pk}") for a in self.applications}
        return AllocationSettings(
            budget=data["budget"],
            by_amount=data["objective"] == "score_by_amount",
            partial_floor=data.get("partial_floor"),
            field_shares={
                title: (data.get(f"field_{i}_min"), data.get(f"field_{i}_max"))
                for i, title in enumerate(self.field_titles)
                if data.get(f"field_{i}_min") is not None or data.get(f"field_{i}_max") is not None
            },
            min_projects_each=data.get("min_projects_each"),
            municipality_min_projects={
                m.key: data[f"municipality_{m.key}"]
                for m in self.municipalities
                if data.get(f"municipality_{m.key}")
            },
            population_share=data.get("population_share"),
            organisation_max_projects=data.get("organisation_max_projects"),
            organisation_max_amount=data.get("organisation_max_amount"),
            exclusive=tuple(self.groups),
            fixed_in=tuple(pk for pk, how in fixed.items() if how == "in"),
            fixed_out=tuple(pk for pk, how in fixed.items() if how == "out"),
        )

    @classmethod
    def data_from(
        cls, settings: Any, *, fields: list[str], applications: list[Application]
    ) -> dict[str, Any]:
        """Form data that shows ``settings`` again (for a saved run's "open these settings")."""

        def number(value: Any) -> str:
            return "" if value is None else number_format(value, use_l10n=True)

        data: dict[str, Any] = {
            "budget": number(settings.budget),
            "objective": "score_by_amount" if settings.by_amount else "score",
            "partial_floor": number(settings.partial_floor),
            "min_projects_each": settings.min_projects_each or "",
            "population_share": number(settings.population_share),
            "organisation_max_projects": settings.organisation_max_projects or "",
            "organisation_max_amount": number(settings.organisation_max_amount),
        }
        for index, title in enumerate(fields):
            low, high = settings.field_shares.get(title, (None, None))
            data[f"field_{index}_min"], data[f"field_{index}_max"] = number(low), number(high)
        for key, count in settings.municipality_min_projects.items():
            data[f"municipality_{key}"] = count
        for pk in settings.fixed_in:
            data[f"fix_{pk}"] = "in"
        for pk in settings.fixed_out:
            data[f"fix_{pk}"] = "out"
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        for number_, group in enumerate(settings.exclusive):
            for pk in group:
                data[f"group_{pk}"] = letters[number_ % 26] + ("" if number_ < 26 else str(number_))
        known = {str(a.pk) for a in applications}
        return {
            k: v
            for k, v in data.items()
            if not k.startswith(("fix_", "group_")) or k.split("_")[1] in known
        }
