"""Reference numbers of papers (Drucksachennummern) as the Region Hannover writes them.

A reference is "NNNN (T) KIND": a running number, the legislative term in Roman numerals
and the kind of paper, e.g. "1318 (V) BDs" (Beschlussdrucksache), "0871 (V) IDs"
(Informationsdrucksache). The number is taken to run through all kinds within a term (as
in the demo), so the suggested next one follows the highest number of the newest term,
whatever its kind; the officer may type another.
"""

from __future__ import annotations

import re

from council.models import Body, Paper

REFERENCE = re.compile(r"^\s*(?P<number>\d{1,6})\s*\((?P<term>[IVXLC]+)\)\s*(?P<kind>\S+)\s*$")
ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
INFORMATION = "IDs"  # Informationsdrucksache (Mitteilung)


def roman_value(numeral: str) -> int:
    total = 0
    for letter, following in zip(numeral, [*numeral[1:], ""], strict=True):
        value = ROMAN[letter]
        total += -value if following and ROMAN[following] > value else value
    return total


def _term_of_body(body: Body) -> str:
    """The Roman numeral of the body's newest legislative term ("V. Wahlperiode"), or "I"."""
    term = body.legislative_terms.order_by("-start_date", "-pk").first()
    match = re.match(r"\s*([IVXLC]+)\b", term.name) if term is not None else None
    return match[1] if match else "I"


def next_reference(body: Body, kind: str = INFORMATION) -> str:
    """The next free reference of ``kind`` in the body's current term, e.g. "3186 (V) IDs"."""
    numbers: dict[str, int] = {}
    for reference in Paper.objects.filter(body=body).values_list("reference", flat=True):
        match = REFERENCE.match(reference)
        if match:
            term = match["term"]
            numbers[term] = max(numbers.get(term, 0), int(match["number"]))
    term = max(numbers, key=roman_value) if numbers else _term_of_body(body)
    candidate = numbers.get(term, 0) + 1
    while True:
        reference = f"{candidate:04d} ({term}) {kind}"
        if not is_taken(body, reference):
            return reference
        candidate += 1


def is_taken(body: Body, reference: str) -> bool:
    """Whether a paper of the body (deleted ones too: OParl keeps them) has this reference."""
    return Paper.objects.filter(body=body, reference__iexact=reference.strip()).exists()
