"""``manage.py allocate``: an instance file in, the result as JSON out; bad files refused."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

INSTANCE = {
    "applications": [
        {"id": "gross", "score": 90, "amount": 30000},
        {"id": "klein1", "score": 80, "amount": 15000},
        {"id": "klein2", "score": 78, "amount": 15000, "min_amount": 10000},
        {"id": "klein3", "score": 50, "amount": 5000, "fields": ["Sport"]},
    ],
    "constraints": {"budget": 40000},
}


def _run(tmp_path, data, *args):
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    out = io.StringIO()
    call_command("allocate", str(path), *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_command_prints_the_optimum_the_funding_line_and_explanations(tmp_path):
    result = _run(tmp_path, INSTANCE)
    assert result["status"] == "optimal" and result["objective"] == pytest.approx(208)
    assert result["amounts"] == {"gross": 0.0, "klein1": 15000, "klein2": 15000, "klein3": 5000}
    assert result["greedy"]["objective"] == 90 and result["greedy"]["violations"] == []
    gross = next(e for e in result["explanations"] if e["id"] == "gross")
    assert gross["binding"] == ["budget"] and gross["budget_needed"] > 48000


def test_an_infeasible_instance_names_its_conflict(tmp_path):
    data = {**INSTANCE, "constraints": {"budget": 40000, "field_shares": {"Sport": {"min": 0.5}}}}
    result = _run(tmp_path, data, "--no-explanations")
    assert result["status"] == "infeasible" and result["conflicts"] == ["field:Sport"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"applications": [{"id": "a", "score": 1}]}, "application 1: “amount” is missing"),
        ({"applications": [{"id": "a", "score": 1, "amount": 0}]}, "must be above 0"),
        ({"applications": [], "constraints": {"quota": 1}}, "unknown constraints: quota"),
        ({"rows": []}, "needs a list"),
    ],
)
def test_bad_instances_are_refused_with_the_reason(tmp_path, data, message):
    with pytest.raises(CommandError, match=message):
        _run(tmp_path, data)
