"""An allocation result in words: constraint names, the sentences, both portfolios."""

from fund.allocation_report import Names, constraint_label, report, sentence

NAMES = Names(
    applications={"7": "Sprachcafé"},
    municipalities={"03241001": "Hannover"},
    organisations={"3": "Elternnetz e. V."},
)


def test_constraint_names_read_as_words():
    assert constraint_label("budget", NAMES) == "the budget"
    assert constraint_label("field:Bildung", NAMES) == "the share of the field of action “Bildung”"
    assert constraint_label("municipality_projects:03241001", NAMES) == (
        "the minimum number of projects in Hannover"
    )
    assert (
        constraint_label("municipality_share:03241001", NAMES) == "the minimum share for Hannover"
    )
    assert constraint_label("organisation_projects:3", NAMES) == (
        "the limit of projects for Elternnetz e. V."
    )
    assert (
        constraint_label("organisation_amount:3", NAMES)
        == "the limit of money for Elternnetz e. V."
    )
    assert constraint_label("exclusive:2", NAMES) == "exclusion group 2"
    assert constraint_label("fixed_in:7", NAMES) == "“Sprachcafé” fixed in"
    assert constraint_label("fixed_out:7", NAMES) == "“Sprachcafé” fixed out"
    assert constraint_label("something:else", NAMES) == "something:else"


def test_sentences_say_why():
    funded = {"amount": 5000.0, "full": True, "change": 12.5, "binding": ["budget", "field:Sport"]}
    assert sentence(funded, 5000.0, NAMES) == (
        "Funded in full: without it the portfolio would be worth 12.50 less; "
        "it counts towards the share of the field of action “Sport”."
    )
    part = {"amount": 2500.0, "full": False, "change": None, "conflicts": ["fixed_in:7"]}
    assert sentence(part, 5000.0, NAMES) == (
        "Funded in part with 2,500.00 € of 5,000.00 €: leaving it out would break "
        "“Sprachcafé” fixed in."
    )
    left_out = {
        "amount": 0.0,
        "full": False,
        "change": 3.0,
        "binding": ["budget", "organisation_projects:3"],
        "budget_needed": 123400.0,
    }
    assert sentence(left_out, 9000.0, NAMES, budget=120000.0) == (
        "Not funded: funding it would lower the portfolio's value by 3.00; adding it would "
        "exceed the budget and the limit of projects for Elternnetz e. V. "
        "With 3,400.00 € more, a budget of 123,400.00 €, it would be funded."
    )


def test_an_infeasible_result_has_no_portfolio_but_a_funding_line():
    inputs = {
        "applications": [
            {"id": "7", "title": "Sprachcafé", "score": 80, "amount": 5000, "fields": ["A"]},
            {"id": "8", "title": "Lernpaten", "score": 60, "amount": 4000, "fields": ["B"]},
        ],
        "constraints": {"budget": 6000},
    }
    result = {
        "status": "infeasible",
        "objective": None,
        "amounts": {"7": 0.0, "8": 0.0},
        "conflicts": ["field:B", "budget"],
        "greedy": {"amounts": {"7": 5000.0, "8": 0.0}, "objective": 80.0, "violations": []},
    }
    shown = report(inputs, result, NAMES)
    assert shown.portfolio is None
    assert shown.conflicts == ("the share of the field of action “B”", "the budget")
    assert (shown.line.count, shown.line.money, shown.line.fields) == (1, 5000.0, ("A",))
    assert [r.id for r in shown.rows if r.on_line] == ["7"]
