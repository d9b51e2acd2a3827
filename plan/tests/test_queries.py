"""The public plan pages cost the same number of queries for 10 measures as for 500."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.roles import Role
from plan import services
from plan.generate import generate_plan, random_edits
from plan.models import FieldOfAction, Goal, Indicator, Measure

SIZES = {"a": 10, "b": 500}


@pytest.fixture
def plans(demo):
    return {
        slug: generate_plan(demo.body, measures=measures, slug=slug)
        for slug, measures in SIZES.items()
    }


def queries(client, url, params=None):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(context.captured_queries)


def test_plan_page_queries_do_not_grow_with_the_measures(plans, client, django_assert_num_queries):
    small = queries(client, reverse("plan:plan_detail", args=["a"]))
    with django_assert_num_queries(small):
        client.get(reverse("plan:plan_detail", args=["b"]))


def test_item_pages_queries_do_not_grow_with_the_measures(plans, client):
    def urls(slug):
        version = plans[slug].version
        field = FieldOfAction.objects.filter(version=version).first()
        goal = Goal.objects.filter(version=version, parent=None).first()
        measure = Measure.objects.filter(version=version).first()
        indicator = Indicator.objects.filter(version=version).first()
        return [
            reverse("plan:field_detail", args=[slug, 1, field.uid]),
            reverse("plan:goal_detail", args=[slug, 1, goal.uid]),
            reverse("plan:measure_detail", args=[slug, 1, measure.uid]),
            reverse("plan:indicator_list", args=[slug, 1]),
            reverse("plan:indicator_detail", args=[slug, 1, indicator.uid]),
            reverse("plan:version_list", args=[slug]),
        ]

    for small, large in zip(urls("a"), urls("b"), strict=True):
        assert queries(client, small) == queries(client, large), large


def test_compare_page_queries_do_not_grow_with_the_measures(
    plans, client, make_user, django_assert_num_queries
):
    editor = make_user(Role.PLAN_EDITOR)
    for generated in plans.values():
        draft = services.version_start_draft(plan=generated.plan, by=editor)
        random_edits(draft, count=6, by=editor)
    client.force_login(editor)
    params = {"from": 1, "to": 2}
    small = queries(client, reverse("plan:compare", args=["a"]), params)
    with django_assert_num_queries(small):
        response = client.get(reverse("plan:compare", args=["b"]), params)
    assert "Neue Maßnahme" in response.content.decode()
    csv_small = queries(client, reverse("plan:compare_download", args=["a", "csv"]), params)
    csv_large = queries(client, reverse("plan:compare_download", args=["b", "csv"]), params)
    assert csv_small == csv_large


def test_search_page_queries_do_not_grow_with_the_measures(plans, client):
    small = queries(client, reverse("plan:search", args=["a"]), {"q": "Beratung"})
    large = queries(client, reverse("plan:search", args=["b"]), {"q": "Beratung"})
    assert small == large
