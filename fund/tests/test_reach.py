"""The participants a funded project reached, per municipality and target group: given with
the proof of use, checked by the service, shown to the office, summed for the monitoring."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import Municipality
from fund import selectors, services
from fund.models import Application, Grant, ProofOfUse, Reach
from fund.services import FundError, ReachSpec
from fund.workflow import State

GARBSEN, HANNOVER, LAATZEN = "03241005", "03241001", "03241009"


def _m(key):
    return Municipality.objects.get(key=key)


def _running(grant, applicant, *, municipalities=(GARBSEN, HANNOVER), groups=None):
    """The grant's project running, serving ``municipalities`` for two target groups."""
    named = groups if groups is not None else ["immigrants", "families"]
    Application.objects.filter(pk=grant.application_id).update(target_groups=named)
    application = Application.objects.get(pk=grant.application_id)
    application.municipalities.set([_m(k) for k in municipalities])
    services.payment_request(grant=grant, amount=Decimal("1000"), reason="", by=applicant)
    return application


def _submit(grant, applicant, reach):
    return services.proof_submit(
        grant=grant,
        by=applicant,
        narrative="Zwölf Treffen mit 102 Teilnehmenden.",
        actual_costs={"staff": Decimal("10000"), "material": Decimal("5000")},
        actual_own_contribution=Decimal("1500"),
        actual_third_party_funds=Decimal("0"),
        reach=reach,
    )


@pytest.fixture
def running(grant, applicant):
    return _running(grant, applicant)


# --- the service ---------------------------------------------------------------------


def test_the_proof_saves_its_reach_with_history(grant, applicant, running):
    proof = _submit(
        grant,
        applicant,
        [
            ReachSpec(_m(GARBSEN), "immigrants", 64),
            ReachSpec(_m(GARBSEN), "families", 38),
            ReachSpec(_m(HANNOVER), "immigrants", 12),
        ],
    )
    rows = {(r.municipality.key, r.target_group): r.participants for r in proof.reach.all()}
    assert rows == {
        (GARBSEN, "immigrants"): 64,
        (GARBSEN, "families"): 38,
        (HANNOVER, "immigrants"): 12,
    }
    history = Reach.history.filter(proof_id=proof.pk)
    assert history.count() == 3
    assert {h.history_type for h in history} == {"+"}
    assert {h.history_user_id for h in history} == {applicant.pk}
    assert Application.objects.get(pk=running.pk).state == State.PROOF_SUBMITTED


def test_a_proof_without_reach_still_works(grant, applicant, running):
    proof = services.proof_submit(
        grant=grant,
        by=applicant,
        narrative="Zwölf Treffen.",
        actual_costs={},
        actual_own_contribution=Decimal("1500"),
        actual_third_party_funds=Decimal("0"),
    )
    assert not proof.reach.exists()


@pytest.mark.parametrize(
    ("reach", "message"),
    [
        (
            [ReachSpec(GARBSEN, "immigrants", 10), ReachSpec(GARBSEN, "immigrants", 5)],
            "Garbsen, immigrants is given twice; give each pair once.",
        ),
        (
            [ReachSpec(LAATZEN, "immigrants", 10)],
            "The project does not serve Laatzen; report only its municipalities.",
        ),
        (
            [ReachSpec(GARBSEN, "refugees", 10)],
            "The application did not name the target group “refugees”; "
            "report only its target groups.",
        ),
        (
            [ReachSpec(GARBSEN, "nobody", 10)],
            "The application did not name the target group “nobody”; "
            "report only its target groups.",
        ),
        (
            [ReachSpec(GARBSEN, "families", 0)],
            "Give at least 1 participant for Garbsen, parents and families.",
        ),
    ],
    ids=["duplicate", "municipality-not-served", "group-not-named", "unknown-group", "zero"],
)
def test_bad_reach_is_refused_and_nothing_is_written(grant, applicant, running, reach, message):
    specs = [
        ReachSpec(_m(HANNOVER), "families", 3),
        *(ReachSpec(_m(s.municipality), s.target_group, s.participants) for s in reach),
    ]
    with pytest.raises(FundError) as refused:
        _submit(grant, applicant, specs)
    assert message in refused.value.messages
    assert not ProofOfUse.objects.exists() and not Reach.objects.exists()
    assert Application.objects.get(pk=running.pk).state == State.RUNNING


def test_a_project_for_the_whole_region_reports_any_municipality(grant, applicant):
    _running(grant, applicant, municipalities=())
    proof = _submit(grant, applicant, [ReachSpec(_m(LAATZEN), "families", 7)])
    assert proof.reach.get().municipality.key == LAATZEN


# --- the applicant's page ------------------------------------------------------------


def _management(total):
    return {"reach-TOTAL_FORMS": str(total), "reach-INITIAL_FORMS": "0"}


def _proof_data(application, rows, *, total=3):
    data = {
        "narrative": "Es kamen 40 Familien.",
        "actual_own_contribution": "1500",
        "actual_third_party_funds": "0",
        **{f"cost_{c.category}": str(c.amount) for c in application.costs.all()},
        **_management(total),
    }
    for index in range(total):
        municipality, group, number = rows[index] if index < len(rows) else ("", "", "")
        data[f"reach-{index}-municipality"] = municipality
        data[f"reach-{index}-target_group"] = group
        data[f"reach-{index}-participants"] = str(number)
    return data


def test_the_proof_page_offers_only_the_applications_municipalities_and_groups(
    client, grant, applicant, running
):
    client.force_login(applicant)
    page = client.get(reverse("fund:proof_submit", args=[running.pk]))
    assert page.status_code == 200
    formset = page.context["reach"]
    # Two municipalities times two target groups: four rows, no more are possible.
    assert len(formset.forms) == 4
    row = formset.forms[0]
    assert [m.key for m in row.fields["municipality"].queryset] == [GARBSEN, HANNOVER]
    assert [code for code, _label in row.fields["target_group"].choices] == [
        "",
        "immigrants",
        "families",
    ]
    assert 'name="reach-0-municipality"' in page.text and "Participants reached" in page.text
    assert 'value="03241009"' not in page.text  # Laatzen is not served


def test_the_proof_page_saves_the_reach_and_leaves_empty_rows_out(
    client, grant, applicant, running
):
    client.force_login(applicant)
    url = reverse("fund:proof_submit", args=[running.pk])
    rows = [(GARBSEN, "immigrants", 64), (HANNOVER, "families", 38)]
    response = client.post(url, _proof_data(running, rows, total=3))
    assert response.status_code == 302
    proof = ProofOfUse.objects.get(grant=grant)
    saved = {(r.municipality.key, r.target_group, r.participants) for r in proof.reach.all()}
    assert saved == set(rows)


@pytest.mark.parametrize(
    ("row", "error"),
    [
        ((GARBSEN, "", 12), "Row 1, Target group: Choose the target group."),
        ((GARBSEN, "immigrants", ""), "Row 1, Participants: Give the number of participants."),
        ((GARBSEN, "immigrants", 0), "Ensure this value is greater than or equal to 1."),
        ((LAATZEN, "immigrants", 5), "Select a valid choice."),
        ((GARBSEN, "refugees", 5), "Select a valid choice. refugees is not one of"),
    ],
    ids=["no-group", "no-number", "zero", "municipality-not-served", "group-not-named"],
)
def test_a_bad_reach_row_shows_its_error_and_nothing_is_saved(
    client, grant, applicant, running, row, error
):
    client.force_login(applicant)
    url = reverse("fund:proof_submit", args=[running.pk])
    response = client.post(url, _proof_data(running, [row], total=2))
    assert response.status_code == 400
    assert error in response.text
    assert 'id="reach-errors"' in response.text  # the summary at the top
    assert 'aria-invalid="true"' in response.text  # the field in its row
    assert not ProofOfUse.objects.exists() and not Reach.objects.exists()
    assert Application.objects.get(pk=running.pk).state == State.RUNNING


def test_a_pair_given_twice_on_the_page_is_refused(client, grant, applicant, running):
    client.force_login(applicant)
    url = reverse("fund:proof_submit", args=[running.pk])
    rows = [(GARBSEN, "immigrants", 5), (GARBSEN, "immigrants", 7)]
    response = client.post(url, _proof_data(running, rows, total=3))
    assert response.status_code == 400
    assert "This municipality and target group are given in a row above already." in response.text
    assert not ProofOfUse.objects.exists()


def test_an_application_without_target_groups_has_no_reach_rows(client, grant, applicant):
    application = _running(grant, applicant, groups=[])
    client.force_login(applicant)
    url = reverse("fund:proof_submit", args=[application.pk])
    page = client.get(url)
    assert page.context["reach"].forms == []
    assert "The application names no target groups" in page.text
    response = client.post(url, _proof_data(application, [], total=0))
    assert response.status_code == 302
    assert not Reach.objects.exists()


# --- the office ----------------------------------------------------------------------


def test_the_office_sees_the_reach_with_its_total(client, grant, applicant, running, fund_officer):
    _submit(
        grant,
        applicant,
        [ReachSpec(_m(GARBSEN), "immigrants", 64), ReachSpec(_m(HANNOVER), "families", 38)],
    )
    client.force_login(fund_officer)
    response = client.get(reverse("fund_office:application_detail", args=[running.pk]))
    page = response.text
    table = page[
        page.index('id="proof-reach"') : page.index("</table>", page.index('id="proof-reach"'))
    ]
    assert "Participants reached" in table
    assert "Garbsen" in table and "Hannover" in table
    assert "immigrants" in table and "parents and families" in table
    assert ">64<" in table and ">38<" in table and ">102<" in table
    assert response.context["reach_total"] == 102


def test_the_office_page_says_when_no_reach_was_given(
    client, grant, applicant, running, fund_officer
):
    _submit(grant, applicant, [])
    client.force_login(fund_officer)
    page = client.get(reverse("fund_office:application_detail", args=[running.pk])).text
    assert "The proof of use reports no participants." in page


# --- the selectors -------------------------------------------------------------------


@pytest.fixture
def two_proofs(open_call, grant, applicant, fund_officer):
    """Two proofs of use: one checked, one only submitted (both count)."""
    from fund.tests.test_services import _recommended

    _running(grant, applicant)
    first = _submit(
        grant,
        applicant,
        [
            ReachSpec(_m(GARBSEN), "immigrants", 64),
            ReachSpec(_m(GARBSEN), "families", 38),
            ReachSpec(_m(HANNOVER), "immigrants", 10),
        ],
    )
    services.proof_check(proof=first, purpose_achieved=True, by=fund_officer)

    other = _recommended(open_call, applicant, fund_officer, Decimal("4000"))
    services.application_transition(application=other, name="approve", by=None)
    second_grant = services.grant_issue(
        application=other,
        by=fund_officer,
        financing_type="deficit",
        start=grant.start,
        end=grant.end,
    )
    _running(second_grant, applicant, municipalities=(HANNOVER,), groups=["immigrants"])
    _submit(second_grant, applicant, [ReachSpec(_m(HANNOVER), "immigrants", 5)])


def test_reach_totals_per_municipality_and_target_group(two_proofs, django_assert_num_queries):
    with django_assert_num_queries(1):
        by_municipality = selectors.reach_totals(by="municipality")
    assert by_municipality == {HANNOVER: 15, GARBSEN: 102}
    with django_assert_num_queries(1):
        by_group = selectors.reach_totals(by="target_group")
    assert by_group == {"families": 38, "immigrants": 79}


def test_reach_rows_sum_per_municipality_and_target_group(two_proofs, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = selectors.reach_rows()
    year = Grant.objects.order_by("pk").first().end.year  # both grants end then
    assert rows == [
        (year, GARBSEN, "Garbsen", "immigrants", 64, False),
        (year, GARBSEN, "Garbsen", "families", 38, False),
        (year, HANNOVER, "Hannover", "immigrants", 15, False),
    ]
    assert rows[0].municipality_name == "Garbsen" and rows[2].participants == 15


def test_reach_totals_know_only_two_ways_to_sum(db):
    assert selectors.reach_totals(by="municipality") == {}
    assert selectors.reach_rows() == []
    with pytest.raises(ValueError, match="municipality, target_group"):
        selectors.reach_totals(by="year")
