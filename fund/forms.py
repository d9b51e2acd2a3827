"""Forms of the applicants' pages: sign-up with organisation, the application, money steps."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from core.models import Municipality, Organisation, OrganisationMembership, User
from fund.models import Application, CostLine, Question, TargetGroup
from fund.services import CostSpec, ReachSpec
from plan.models import Goal


def money_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DecimalField:
    """An amount in euros as people write it: "1.500,50" in German, "1,500.50" in English."""
    return forms.DecimalField(
        localize=True,
        label=label,
        required=required,
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        help_text=help_text,
    )


class OrganisationForm(forms.ModelForm):
    """The organisation's details an applicant gives when registering it."""

    website = forms.URLField(
        label=_("website"), required=False, assume_scheme="https", max_length=200
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "legal_form",
            "street_address",
            "postal_code",
            "locality",
            "municipality",
            "non_profit",
            "contact_name",
            "contact_email",
            "contact_phone",
            "website",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [
            c for c in Organisation.Kind.choices if c[0] != Organisation.Kind.ADMINISTRATION
        ]
        municipality = self.fields["municipality"]
        assert isinstance(municipality, forms.ModelChoiceField)
        municipality.queryset = Municipality.objects.order_by("name")
        municipality.required = True
        municipality.empty_label = _("Choose the municipality of the seat")
        for name in ("street_address", "postal_code", "locality", "contact_name"):
            self.fields[name].required = True

    def clean_postal_code(self) -> str:
        code = self.cleaned_data["postal_code"].strip()
        if not (len(code) == 5 and code.isdigit()):
            raise forms.ValidationError(_("Enter the five digits of the postal code."))
        return code


class AccountForm(forms.Form):
    """A new account for the person who registers the organisation."""

    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(
        label=_("Your e-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters, not only digits, not a common password."),
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("An account with this e-mail address exists already. Sign in first.")
            )
        return email

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        validate_password(password)
        return password


class MemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the person's account"))
    function = forms.ChoiceField(
        label=_("Function"), choices=OrganisationMembership.Function.choices
    )


class NewApplicationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Title of the project"), max_length=300)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(memberships__user=user).order_by("name")


class GoalChoiceField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class ApplicationForm(forms.ModelForm):
    """The project, its period and its financing (the cost lines come in a formset)."""

    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    goals = GoalChoiceField(
        label=_("Goals of the integration plan the project serves"), required=False
    )
    own_contribution = money_field(
        _("Own contribution (€)"), help_text=_("Money and work of your organisation.")
    )
    third_party_funds = money_field(
        _("Third-party funds (€)"), help_text=_("Other grants and donations.")
    )
    requested_amount = money_field(_("Requested amount (€)"))

    class Meta:
        model = Application
        fields = [
            "title",
            "summary",
            "description",
            "target_groups",
            "municipalities",
            "start",
            "end",
            "own_contribution",
            "third_party_funds",
            "requested_amount",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 8}),
            "municipalities": forms.CheckboxSelectMultiple,
            "start": DateInput(),
            "end": DateInput(),
        }
        help_texts = {
            "summary": _("Two or three sentences; they are published if the project is funded."),
            "municipalities": _("Leave empty if the project serves the whole region."),
        }

    def __init__(self, *args: Any, goals: list[Goal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        municipalities = self.fields["municipalities"]
        assert isinstance(municipalities, forms.ModelMultipleChoiceField)
        municipalities.queryset = Municipality.objects.order_by("name")
        goal_field = self.fields["goals"]
        assert isinstance(goal_field, forms.MultipleChoiceField)
        goal_field.choices = [
            (str(g.uid), f"{g.code} {g.title}".strip() if g.code else g.title) for g in goals
        ]
        self.initial.setdefault("goals", [str(u) for u in self.instance.goal_uids])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end cannot lie before the start."))
        return data

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in self.Meta.fields
            if name not in ("municipalities", "target_groups")
        }
        fields["summary"] = fields["summary"].strip()
        fields["description"] = fields["description"].strip()
        fields["target_groups"] = list(data["target_groups"])
        fields["goal_uids"] = list(data["goals"])
        return fields


class CostLineForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", "—"), *CostLine.Category.choices], required=False
    )
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    amount = money_field(_("Amount (€)"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        filled = [bool(data.get(n)) or data.get(n) == 0 for n in ("category", "amount")]
        filled.append(bool(data.get("description")))
        if any(filled) and not all(filled):
            raise forms.ValidationError(
                _("Give each cost line a category, a description and an amount.")
            )
        return data


CostLineFormSet = forms.formset_factory(CostLineForm, extra=3, max_num=40, validate_max=True)


def cost_specs(formset: Any) -> list[CostSpec]:
    return [
        CostSpec(
            f.cleaned_data["category"],
            f.cleaned_data["description"].strip(),
            f.cleaned_data["amount"],
        )
        for f in formset.forms
        if f.cleaned_data.get("category")
    ]


def question_field(question: Question) -> forms.Field:
    """The form field of a call's extra question; a new kind needs a branch here only."""
    common: dict[str, Any] = {
        "label": question.text,
        "required": False,
        "help_text": question.help_text,
    }
    kind = question.kind
    if kind == Question.Kind.LONG_TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), **common)
    if kind == Question.Kind.NUMBER:
        return forms.DecimalField(max_digits=14, decimal_places=2, **common)
    if kind == Question.Kind.DATE:
        return forms.DateField(widget=DateInput(), **common)
    if kind == Question.Kind.CHOICE:
        return forms.ChoiceField(choices=[("", "—"), *((c, c) for c in question.choices)], **common)
    if kind == Question.Kind.FILE:
        return forms.FileField(**common)
    return forms.CharField(max_length=2000, **common)


class AnswersForm(forms.Form):
    """One field per extra question of the call; required ones are checked at submission."""

    def __init__(
        self, *args: Any, questions: list[Question], answers: dict[int, Any], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            name = f"q{question.pk}"
            self.fields[name] = question_field(question)
            answer = answers.get(question.pk)
            if answer is not None:
                self.initial[name] = (
                    answer.number if answer.number is not None else answer.date or answer.text
                )
            self.fields[name].required_at_submission = question.required  # type: ignore[attr-defined]

    def values(self) -> dict[int, Any]:
        result: dict[int, Any] = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}")
            if question.kind == Question.Kind.FILE and not value:
                continue
            result[question.pk] = value
        return result


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"), help_text=_("A PDF, ODT, DOCX, PNG or JPEG file of at most 10 MB.")
    )
    description = forms.CharField(label=_("What is it?"), max_length=300, required=False)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 4}))


class PaymentRequestForm(forms.Form):
    amount = money_field(_("Amount (€)"))
    reason = forms.CharField(
        label=_("What the money is needed for"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Funds may be requested only as far as they are needed soon for payments."),
    )

    def clean_amount(self) -> Decimal:
        amount = self.cleaned_data["amount"]
        if amount <= 0:
            raise forms.ValidationError(_("Enter an amount above 0 €."))
        return amount


class ProofForm(forms.Form):
    """Verwendungsnachweis: narrative report and the actual figures per cost category."""

    narrative = forms.CharField(
        label=_("Narrative report (Sachbericht)"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What was done, whom it reached, what was achieved, what differed from the plan."
        ),
    )
    actual_own_contribution = money_field(_("Actual own contribution (€)"))
    actual_third_party_funds = money_field(_("Actual third-party funds (€)"))

    def __init__(self, *args: Any, categories: list[tuple[str, Any, Decimal]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.categories = categories
        for code, label, planned in categories:
            self.fields[f"cost_{code}"] = money_field(
                _("Actual expenses: %(category)s (€)") % {"category": label},
                help_text=_("Planned: %(amount)s €") % {"amount": planned},
            )

    def actual_costs(self) -> dict[str, Decimal]:
        return {
            code: self.cleaned_data[f"cost_{code}"] for code, _label, _planned in self.categories
        }


class ReachForm(forms.Form):
    """One row of the reach: participants in one municipality and one target group.

    An empty row is left out; a row begun needs all three fields.
    """

    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        to_field_name="key",
        empty_label="—",
        error_messages={"required": _("Choose the municipality.")},
    )
    target_group = forms.ChoiceField(
        label=_("Target group"), error_messages={"required": _("Choose the target group.")}
    )
    participants = forms.IntegerField(
        label=_("Participants"),
        min_value=1,
        max_value=1_000_000,
        error_messages={"required": _("Give the number of participants.")},
    )

    def __init__(
        self, *args: Any, municipalities: Any, target_groups: list[tuple[str, Any]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        municipality = self.fields["municipality"]
        assert isinstance(municipality, forms.ModelChoiceField)
        municipality.queryset = municipalities
        group = self.fields["target_group"]
        assert isinstance(group, forms.ChoiceField)
        group.choices = [("", "—"), *target_groups]


class BaseReachFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[tuple[int, str]] = set()
        for row in self.filled():
            key = (row.cleaned_data["municipality"].pk, row.cleaned_data["target_group"])
            if key in seen:
                row.add_error(
                    "target_group",
                    _("This municipality and target group are given in a row above already."),
                )
            seen.add(key)

    def filled(self) -> list[forms.Form]:
        return [f for f in self.forms if f.has_changed()]

    def specs(self) -> list[ReachSpec]:
        return [
            ReachSpec(
                municipality=f.cleaned_data["municipality"],
                target_group=f.cleaned_data["target_group"],
                participants=f.cleaned_data["participants"],
            )
            for f in self.filled()
        ]


# At most this many empty rows: enough for the usual project, no JavaScript needed.
REACH_ROWS = 8


def reach_formset(data: Any, *, application: Application) -> BaseReachFormSet:
    """The reach rows of the proof form, limited to the application's municipalities (all of
    the region if it named none) and its target groups; one row per possible pair, up to
    ``REACH_ROWS``. A post without the rows (a page from before they existed) gives none."""
    municipalities = application.municipalities.order_by("name")
    if not municipalities.exists():
        municipalities = Municipality.objects.order_by("name")
    named = set(application.target_groups or [])
    groups = [(code, label) for code, label in TargetGroup.choices if code in named]
    pairs = municipalities.count() * len(groups)
    formset_class = forms.formset_factory(
        ReachForm,
        formset=BaseReachFormSet,
        extra=min(pairs, REACH_ROWS),
        max_num=max(pairs, 1),
        validate_max=True,
    )
    prefix = "reach"
    bound = data is not None and f"{prefix}-TOTAL_FORMS" in data
    formset = formset_class(
        data if bound else None,
        prefix=prefix,
        form_kwargs={"municipalities": municipalities, "target_groups": groups},
    )
    assert isinstance(formset, BaseReachFormSet)
    return formset
