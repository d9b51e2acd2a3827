"""Public pages of the integration plan: versions, their items and progress, comparison, search."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_safe

from core.search import STEMMER, normalise_query
from plan import policies, selectors
from plan.forms import CompareForm, PlanSearchForm
from plan.models import Goal, Indicator, Measure, Plan, PlanSearchEntry, PlanVersion
from plan.search import search_version
from plan.structure import (
    FIELD,
    GOAL,
    INDICATOR,
    KIND_LABELS,
    KIND_PLURALS,
    MEASURE,
    REFERENCES,
    AttributeChange,
    ItemChange,
    Snapshot,
    Value,
    VersionDiff,
    compare_versions,
)

RESULTS_PER_PAGE = 20
EXCERPT_LENGTH = 220

ITEM_URL_NAMES = {
    FIELD: "plan:field_detail",
    GOAL: "plan:goal_detail",
    MEASURE: "plan:measure_detail",
    INDICATOR: "plan:indicator_detail",
}
# Attributes stored as choice codes; pages and downloads show the code's label.
CHOICE_LABELS: dict[str, dict[str, Any]] = {
    "funding_source": dict(Measure.FundingSource.choices),
    "direction": dict(Indicator.Direction.choices),
}


# --- shared helpers ----------------------------------------------------------------


def _plan(slug: str) -> Plan:
    return get_object_or_404(selectors.plans(), slug=slug)


def _optional_url(name: str, *args: Any) -> str | None:
    """The address of a page another part of the app may provide, or None while it does not."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def item_url(plan: Plan, number: int, kind: str, uid: UUID | str) -> str:
    return reverse(ITEM_URL_NAMES[kind], args=[plan.slug, number, uid])


def previous_version(versions: Sequence[PlanVersion], version: PlanVersion) -> PlanVersion | None:
    """The version ``version`` was based on, else the one numbered just before it (if visible)."""
    for candidate in versions:
        if candidate.pk == version.based_on_id:
            return candidate
    earlier = [v for v in versions if v.number < version.number]
    return max(earlier, key=lambda v: v.number) if earlier else None


def _in_force(versions: Sequence[PlanVersion]) -> PlanVersion | None:
    return next((v for v in versions if v.is_in_force), None)


def _open(versions: Sequence[PlanVersion]) -> PlanVersion | None:
    return next((v for v in versions if v.is_open), None)


def _version_context(request: HttpRequest, plan: Plan, version: PlanVersion) -> dict[str, Any]:
    """What every page of one version shows around its content: the version's neighbours."""
    versions = list(selectors.versions_for(request.user, plan))
    return {
        "plan": plan,
        "version": version,
        "versions": versions,
        "in_force": None if version.is_in_force else _in_force(versions),
        "previous": previous_version(versions, version),
    }


def _version(request: HttpRequest, slug: str, number: int) -> dict[str, Any]:
    plan = _plan(slug)
    return _version_context(request, plan, selectors.version_for(request.user, plan, number))


def _with_urls(plan: Plan, version: PlanVersion, tree: selectors.PlanTree) -> selectors.PlanTree:
    """Give each measure of the tree its page address, reversed once for all of them."""
    marker = "00000000-0000-0000-0000-000000000000"
    pattern = reverse("plan:measure_detail", args=(plan.slug, version.number, marker))
    prefix, suffix = pattern.split(marker)
    for measure in tree.measures:
        measure.url = f"{prefix}{measure.uid}{suffix}"  # type: ignore[attr-defined]
    return tree


def _without_goal(node: selectors.FieldNode) -> list[Measure]:
    """The field's measures that serve none of its goals (shown after the goals)."""
    served = {m.pk for goal in node.goals for m in goal.measures}
    served |= {m.pk for goal in node.goals for child in goal.children for m in child.measures}
    return [m for m in node.measures if m.pk not in served]


# --- the plan and its versions ----------------------------------------------------


@require_safe
def plan_index(request: HttpRequest) -> HttpResponse:
    plans = list(selectors.plans())
    if len(plans) == 1:
        return redirect("plan:plan_detail", slug=plans[0].slug)
    return render(request, "plan/plan_index.html", {"plans": plans})


@require_safe
def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The version in force, or a page saying there is none yet."""
    plan = _plan(slug)
    try:
        version = selectors.version_for(request.user, plan, "current")
    except Http404:
        versions = list(selectors.versions_for(request.user, plan))
        return render(
            request, "plan/no_version.html", {"plan": plan, "open_version": _open(versions)}
        )
    return _version_page(request, plan, version)


@require_safe
def version_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    plan = _plan(slug)
    return _version_page(request, plan, selectors.version_for(request.user, plan, number))


def _version_page(request: HttpRequest, plan: Plan, version: PlanVersion) -> HttpResponse:
    context = _version_context(request, plan, version)
    tree = _with_urls(plan, version, selectors.plan_tree(version))
    context.update(
        {
            "tree": tree,
            "sections": [(node, _without_goal(node)) for node in tree.fields],
            "open_version": _open(context["versions"]) if version.is_in_force else None,
            "editable": _open(context["versions"])
            if policies.is_plan_editor(request.user)
            else None,
            "may_start_draft": policies.can_start_draft(request.user, plan)
            and _open(context["versions"]) is None,
        }
    )
    return render(request, "plan/version_detail.html", context)


@require_safe
def version_list(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _plan(slug)
    versions = list(selectors.versions_for(request.user, plan))
    rows = [(v, previous_version(versions, v)) for v in versions]
    return render(request, "plan/version_list.html", {"plan": plan, "rows": rows})


# --- items of a version -------------------------------------------------------------


@require_safe
def field_detail(request: HttpRequest, slug: str, number: int, uid: UUID) -> HttpResponse:
    context = _version(request, slug, number)
    tree = _with_urls(
        context["plan"], context["version"], selectors.plan_tree(context["version"], field_uid=uid)
    )
    node = tree.fields[0]
    context.update({"node": node, "without_goal": _without_goal(node), "tree": tree})
    return render(request, "plan/field_detail.html", context)


def _goal_node(tree: selectors.PlanTree, goal: Goal) -> selectors.GoalNode:
    for field_node in tree.fields:
        for node in field_node.goals:
            if node.goal.pk == goal.pk:
                return node
            for child in node.children:
                if child.goal.pk == goal.pk:
                    return child
    raise Http404


@require_safe
def goal_detail(request: HttpRequest, slug: str, number: int, uid: UUID) -> HttpResponse:
    context = _version(request, slug, number)
    version = context["version"]
    goal = selectors.goal_detail(version, uid)
    # The goal's field, read as a tree, gives its measures their status and the rollup.
    tree = _with_urls(
        context["plan"], version, selectors.plan_tree(version, field_uid=goal.field.uid)
    )
    context.update(
        {
            "goal": goal,
            "node": _goal_node(tree, goal),
            "indicators": list(goal.indicators.all()),
            "tree": tree,
        }
    )
    return render(request, "plan/goal_detail.html", context)


@require_safe
def measure_detail(request: HttpRequest, slug: str, number: int, uid: UUID) -> HttpResponse:
    context = _version(request, slug, number)
    plan, version = context["plan"], context["version"]
    measure = selectors.measure_detail(version, uid)
    costs = list(measure.costs.all())
    report_url = None
    if policies.can_write_status_report(request.user, measure):
        report_url = _optional_url(
            "plan_edit:status_report_create", plan.slug, version.number, measure.uid
        )
    context.update(
        {
            "measure": measure,
            "partners": list(measure.partners.all()),
            "municipalities": list(measure.municipalities.all()),
            "goals": list(measure.goals.all()),
            "indicators": list(measure.indicators.all()),
            "milestones": list(measure.milestones.all()),
            "costs": costs,
            "costs_total": sum((c.amount for c in costs), Decimal(0)),
            "reports": list(selectors.status_reports(plan.pk, measure.uid)),
            "item_versions": selectors.item_versions(plan, Measure, measure.uid, request.user),
            "report_url": report_url,
        }
    )
    return render(request, "plan/measure_detail.html", context)


@require_safe
def indicator_list(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    context = _version(request, slug, number)
    context["indicators"] = list(selectors.indicators_of(context["version"]))
    return render(request, "plan/indicator_list.html", context)


@require_safe
def indicator_detail(request: HttpRequest, slug: str, number: int, uid: UUID) -> HttpResponse:
    context = _version(request, slug, number)
    indicator = selectors.indicator_detail(context["version"], uid)
    context.update(
        {
            "indicator": indicator,
            "goals": list(indicator.goals.all()),
            "measures": list(indicator.measures.all()),
            "can_import": policies.is_plan_editor(request.user),
        }
    )
    return render(request, "plan/indicator_detail.html", context)


# --- comparison -------------------------------------------------------------------


@dataclass
class ShownAttribute:
    """One changed attribute as the page shows it: lines before and after."""

    label: str
    before: list[str]
    after: list[str]


@dataclass
class ShownItem:
    kind: str
    uid: str
    label: str
    url: str
    old_parent: str
    new_parent: str
    attributes: list[ShownAttribute]


@dataclass
class KindSection:
    kind: str
    title: str
    added: list[ShownItem]
    removed: list[ShownItem]
    moved: list[ShownItem]
    reordered: list[ShownItem]
    changed: list[ShownItem]

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.moved or self.reordered or self.changed)


def shown_value(attribute: str, value: Value, snapshot: Snapshot) -> list[str]:
    """A value as lines of text: item labels for references, labels for choice codes."""
    values = list(value) if isinstance(value, tuple) else ([value] if value else [])
    if attribute in REFERENCES:
        return [snapshot.label(v) for v in values]
    if attribute in CHOICE_LABELS:
        return [str(CHOICE_LABELS[attribute].get(v, v)) for v in values]
    return values


def _shown_attribute(change: AttributeChange, diff: VersionDiff) -> ShownAttribute:
    return ShownAttribute(
        label=change.label,
        before=shown_value(change.attribute, change.before, diff.old),
        after=shown_value(change.attribute, change.after, diff.new),
    )


def _parents(entry: ItemChange, diff: VersionDiff) -> tuple[str, str]:
    old = entry.before.parent if entry.before else None
    new = entry.after.parent if entry.after else None
    return (diff.old.label(old) if old else "", diff.new.label(new) if new else "")


def compare_sections(
    diff: VersionDiff, plan: Plan, old: PlanVersion, new: PlanVersion
) -> list[KindSection]:
    sections = []
    for kind, entries in diff.by_kind():
        section = KindSection(kind, str(KIND_PLURALS[kind]), [], [], [], [], [])
        for entry in entries:
            old_parent, new_parent = _parents(entry, diff)
            shown = ShownItem(
                kind=kind,
                uid=entry.uid,
                label=entry.item.label,
                url=item_url(plan, old.number if entry.removed else new.number, kind, entry.uid),
                old_parent=old_parent,
                new_parent=new_parent,
                attributes=[_shown_attribute(c, diff) for c in entry.changes],
            )
            if entry.added:
                section.added.append(shown)
            elif entry.removed:
                section.removed.append(shown)
            else:
                if entry.moved:
                    section.moved.append(shown)
                if entry.reordered:
                    section.reordered.append(shown)
                if entry.changed:
                    section.changed.append(shown)
        sections.append(section)
    return sections


DOWNLOAD_COLUMNS = (
    "kind",
    "uid",
    "label",
    "change",
    "attribute",
    "before",
    "after",
    "old_parent",
    "new_parent",
)


def compare_rows(diff: VersionDiff) -> list[dict[str, Any]]:
    """One row per change: an item added, removed, moved or reordered, or one attribute changed.

    Values are shown as on the page (labels of referenced items and of choice codes);
    a value made of several lines is a list.
    """
    rows: list[dict[str, Any]] = []
    for entry in diff.entries:
        old_parent, new_parent = _parents(entry, diff)
        base = {
            "kind": entry.kind,
            "uid": entry.uid,
            "label": entry.item.label,
            "attribute": "",
            "before": "",
            "after": "",
            "old_parent": old_parent,
            "new_parent": new_parent,
        }
        if entry.added:
            rows.append({**base, "change": "added"})
            continue
        if entry.removed:
            rows.append({**base, "change": "removed"})
            continue
        if entry.moved:
            rows.append({**base, "change": "moved"})
        if entry.reordered:
            rows.append({**base, "change": "reordered"})
        for change in entry.changes:
            before = shown_value(change.attribute, change.before, diff.old)
            after = shown_value(change.attribute, change.after, diff.new)
            several = isinstance(change.before, tuple) or isinstance(change.after, tuple)
            rows.append(
                {
                    **base,
                    "change": "changed",
                    "attribute": change.attribute,
                    "before": before if several else "".join(before),
                    "after": after if several else "".join(after),
                }
            )
    return [{column: row[column] for column in DOWNLOAD_COLUMNS} for row in rows]


def _compared_versions(
    request: HttpRequest, plan: Plan
) -> tuple[list[PlanVersion], PlanVersion | None, PlanVersion | None]:
    """The versions to compare from the GET parameters ``from`` and ``to``, or the defaults.

    ``to`` defaults to the open draft the user may see, else the version in force;
    ``from`` to the version ``to`` is based on, else the one before. A number the
    user may not see is a 404, as on the version's own page.
    """
    versions = list(selectors.versions_for(request.user, plan))
    form = CompareForm(request.GET, versions=versions)
    if not form.is_valid():
        raise Http404
    to_number = form.cleaned_data["to"]
    if to_number is None:
        default = _open(versions) or _in_force(versions) or (versions[0] if versions else None)
        if default is None:
            return versions, None, None
        to_number = default.number
    new = selectors.version_for(request.user, plan, to_number)
    from_number = form.cleaned_data["from"]
    if from_number is None:
        previous = previous_version(versions, new)
        if previous is None:
            return versions, None, new
        from_number = previous.number
    return versions, selectors.version_for(request.user, plan, from_number), new


@require_safe
def compare(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _plan(slug)
    versions, old, new = _compared_versions(request, plan)
    form = CompareForm(
        initial={"from": old.number if old else None, "to": new.number if new else None},
        versions=versions,
    )
    context: dict[str, Any] = {"plan": plan, "form": form, "old": old, "new": new}
    if old is not None and new is not None:
        diff = compare_versions(old, new)
        context.update(
            {
                "diff": diff,
                "counts": diff.counts(),
                "sections": compare_sections(diff, plan, old, new),
                "query": f"from={old.number}&to={new.number}",
            }
        )
    return render(request, "plan/compare.html", context)


@require_safe
def compare_download(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The comparison as CSV or JSON, one row per change (see ``compare_rows``)."""
    plan = _plan(slug)
    _versions, old, new = _compared_versions(request, plan)
    if old is None or new is None:
        raise Http404
    rows = compare_rows(compare_versions(old, new))
    filename = f"vergleich-{plan.slug}-{old.number}-{new.number}.{fmt}"
    if fmt == "json":
        document = {"plan": plan.slug, "from": old.number, "to": new.number, "changes": rows}
        response = HttpResponse(
            json.dumps(document, ensure_ascii=False, indent=1),
            content_type="application/json; charset=utf-8",
        )
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.DictWriter(response, fieldnames=DOWNLOAD_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "\n".join(v) if isinstance(v, list) else v for k, v in row.items()})
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- search -----------------------------------------------------------------------


@dataclass
class SearchHit:
    kind: str
    kind_label: str
    title: str
    url: str
    excerpt: str


_FOLD = str.maketrans("äöü", "aou")


def excerpt(text: str, query: str, length: int = EXCERPT_LENGTH) -> str:
    """About ``length`` characters of ``text`` around the first word the query matches."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    folded = text.lower().translate(_FOLD)
    found = [folded.find(stem) for stem in STEMMER.stemWords(normalise_query(query))]
    at = min((i for i in found if i >= 0), default=0)
    start = max(0, at - length // 3)
    if start:
        space = text.find(" ", start, at)
        start = space + 1 if space >= 0 else start
    end = start + length
    if end >= len(text):
        end = len(text)
    else:
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return f"{'… ' if start else ''}{text[start:end]}{' …' if end < len(text) else ''}"


def _hit(entry: PlanSearchEntry, plan: Plan, version: PlanVersion, query: str) -> SearchHit:
    # The entry's text is the item's code, its title, then its other texts (plan/search.py).
    lines = entry.text.split("\n")
    title = entry.title.strip()
    at = next((i for i, line in enumerate(lines) if line.strip() == title), None)
    code, rest = ("", lines) if at is None else (" ".join(lines[:at]), lines[at + 1 :])
    return SearchHit(
        kind=entry.kind,
        kind_label=str(KIND_LABELS.get(entry.kind, entry.kind)),
        title=f"{code} {entry.title}".strip(),
        url=item_url(plan, version.number, entry.kind, entry.uid),
        excerpt=excerpt("\n".join(rest), query),
    )


@require_safe
def search(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _plan(slug)
    versions = list(selectors.versions_for(request.user, plan))
    form = PlanSearchForm(request.GET or None, versions=versions)
    if form.is_bound and "fassung" in form.errors:
        raise Http404
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    number = data.get("fassung")
    if number is None:
        default = _in_force(versions) or (versions[0] if versions else None)
        if default is None:
            raise Http404
        number = default.number
    version = selectors.version_for(request.user, plan, number)
    query = data.get("q") or ""
    results: Any = search_version(version, query) if query.strip() else []
    page = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    template = (
        "plan/_search_results.html" if request.headers.get("HX-Request") else "plan/search.html"
    )
    return render(
        request,
        template,
        {
            "plan": plan,
            "version": version,
            "form": form,
            "q": query,
            "page": page,
            "hits": [_hit(entry, plan, version, query) for entry in page.object_list],
            "query": params.urlencode(),
        },
    )
