"""A seeded generator of a synthetic council of any size, for tests and benchmarks.

Everything it writes is invented and marked ``is_example=True``. It writes in bulk
instead of through the services: a decade of a large city (100,000 papers, about a
million rows) would otherwise take hours. The small tables go through ``bulk_create``;
the papers and everything hanging off them through ``_Writer``, plain multi-row
INSERTs with ids chosen here, because ``bulk_create`` spends most of such a run passing
each value through the field API. Consequently there is no audit history for generated
rows, and the search index is built only when asked for (stemming is the slow part:
about 3 ms per paper).

The same seed and size give the same data, timestamps included: ``created`` and
``modified`` follow the invented timeline (a paper is created on its date and
modified when its last vote was recorded), not the time the generator ran.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import hashlib
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max

from council import search
from council.models import (
    AgendaItem,
    Body,
    BudgetArea,
    BudgetProduct,
    BudgetReference,
    Consultation,
    File,
    LegislativeTerm,
    Location,
    Meeting,
    Membership,
    Organization,
    Paper,
    Person,
)

BERLIN = ZoneInfo("Europe/Berlin")
CHUNK = 2000  # papers written (with their consultations, items and files) per round

COMMITTEE_TOPICS = [
    "Finanzen und Beteiligungen",
    "Soziales, Wohnungswesen und Gesundheit",
    "Bildung und Integration",
    "Umwelt und Klimaschutz",
    "Verkehr und Mobilität",
    "Wirtschaft und Beschäftigung",
    "Jugend und Familie",
    "Kultur und Sport",
    "Regionalplanung und Naherholung",
    "Feuerschutz und Rettungsdienst",
    "Gleichstellung",
    "Krankenhäuser und Pflege",
    "Digitalisierung und Verwaltungsmodernisierung",
    "Abfallwirtschaft",
    "Tourismus",
    "Bauen und Liegenschaften",
]
FACTIONS = [
    ("Fraktion Bürgerliste", "BL"),
    ("Fraktion Zukunft Region", "ZR"),
    ("Fraktion Gemeinsam", "GEM"),
    ("Fraktion Unabhängige Wählergemeinschaft", "UWG"),
    ("Fraktion Soziale Mitte", "SM"),
    ("Fraktion Ökologische Liste", "ÖL"),
    ("Gruppe Freie Stimmen", "FS"),
    ("Fraktion Neue Wege", "NW"),
]
DEPARTMENTS = [
    "Dezernat für Finanzen",
    "Dezernat für Soziales, Teilhabe und Integration",
    "Dezernat für Umwelt und Planung",
    "Dezernat für Wirtschaft und Verkehr",
]
GIVEN_NAMES = [
    "Anna", "Ayşe", "Bernd", "Claudia", "Dariusz", "Elena", "Emre", "Frauke", "Georg",
    "Hannah", "Ibrahim", "Jana", "Jörg", "Katarina", "Lars", "Leyla", "Maria", "Mehmet",
    "Nadia", "Olaf", "Petra", "Rainer", "Sabine", "Sergej", "Tanja", "Thomas", "Ursula",
    "Volker", "Wiebke", "Yusuf", "Zofia", "Heike", "Klaus", "Svenja", "Tobias", "Miriam",
]  # fmt: skip
FAMILY_NAMES = [
    "Albers", "Bähr", "Bode", "Çelik", "Dreyer", "Ehlers", "Fischer", "Grote", "Hartmann",
    "Heuer", "Janßen", "Kaya", "Klages", "Kowalski", "Lüdtke", "Meyer", "Möller", "Nowak",
    "Oltmanns", "Peters", "Rohde", "Sander", "Schrader", "Schütte", "Sommer", "Tönnies",
    "Uhde", "Vogt", "Wagner", "Wehrmann", "Yılmaz", "Zimmermann", "Brandt", "Krüger",
]  # fmt: skip
PAPER_TYPES = [
    ("Beschlussdrucksache", 40),
    ("Informationsdrucksache", 20),
    ("Antrag", 18),
    ("Änderungsantrag", 6),
    ("Haushaltsantrag", 8),
    ("Anfrage", 8),
]
MOTION_TYPES = {"Antrag", "Änderungsantrag", "Haushaltsantrag", "Anfrage"}
SUBJECTS = [
    "Förderung von Migrantenselbstorganisationen",
    "Fortschreibung des Integrationsplans",
    "Sanierung der Berufsbildenden Schulen",
    "Ausbau der Radschnellwege",
    "Zuschuss an den Verein für Sprachpatenschaften",
    "Jahresabschluss der Beteiligungsgesellschaft",
    "Barrierefreiheit an Haltestellen",
    "Klimaschutzprogramm für kommunale Liegenschaften",
    "Stellenplan der Ausländerbehörde",
    "Wohnraum für Geflüchtete",
    "Kita-Sozialarbeit in Quartieren mit Förderbedarf",
    "Gebührensatzung für die Abfallentsorgung",
    "Ehrenamtliche Integrationslotsen",
    "Modellprojekt Gesundheitslotsen",
    "Digitale Bürgerdienste",
    "Erweiterung des Naherholungsgebiets",
    "Sprachkurse für Eltern",
    "Anerkennung ausländischer Berufsabschlüsse",
]
ASPECTS = [
    "",
    "hier: Mittelbereitstellung",
    "hier: Sachstandsbericht",
    "hier: Konzept",
    "2. Lesung",
]
BUDGET_AREAS = [
    ("11", "Zentrale Steuerung", [("111101", "Haushaltswirtschaft")]),
    ("50", "Soziales", [("311101", "Grundsicherung"), ("315101", "Leistungen für Asylbewerber")]),
    ("52", "Teilhabe", [("331111", "Regionsfonds"), ("331120", "Integrationsmaßnahmen")]),
    ("40", "Schulen", [("211101", "Berufsbildende Schulen")]),
    ("68", "Umwelt", [("561101", "Klimaschutz")]),
]
RESULTS = [
    ("einstimmig beschlossen", True),
    ("mehrheitlich beschlossen", True),
    ("mit Änderungen beschlossen", False),
    ("abgelehnt", False),
    ("zurückgestellt", False),
]


@dataclass(frozen=True)
class Size:
    """How much to generate; the defaults make a small city over one term."""

    papers: int = 300
    consultations: int | None = None  # None: three per paper on average
    meetings: int = 60
    persons: int = 60
    committees: int = 8
    factions: int = 5
    locations: int = 4
    years: int = 5
    deleted_share: float = 0.02
    nonpublic_share: float = 0.03
    seed: int = 1
    name: str = "Region Musterland"
    until: dt.date = dt.date(2025, 12, 31)

    def consultation_count(self) -> int:
        return self.consultations if self.consultations is not None else 3 * self.papers


@dataclass
class Generated:
    """What was written: the body and how many objects of each kind."""

    body: Body
    counts: dict[str, int] = field(default_factory=dict)


@contextmanager
def explicit_timestamps() -> Iterator[None]:
    """Let ``created``/``modified`` be set by hand while generating (auto_now is off)."""
    switched = []
    for model in apps.get_app_config("council").get_models():
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                switched.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in switched:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def generate_council(*, size: Size = Size(), index_search: bool = True) -> Generated:
    """Write one synthetic body with its council, committees, people, meetings and papers."""
    with explicit_timestamps(), transaction.atomic():
        return _Generator(size).run(index_search=index_search)


# Field types whose Python value the database drivers take as it is.
_PLAIN = {
    "AutoField",
    "BigAutoField",
    "BooleanField",
    "CharField",
    "EmailField",
    "URLField",
    "TextField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
    "ForeignKey",
    "OneToOneField",
}


class _Writer:
    """INSERTs of model instances with ids assigned here, one ``executemany`` per batch.

    Each column is adapted once by its field type (datetimes and dates through the
    backend's adapters) instead of per value through the field API. A foreign key
    still unset takes the id of the related instance, which was written before.
    Sequences are reset afterwards, so that later inserts (PostgreSQL) do not collide.
    """

    def __init__(self) -> None:
        self.next_id: dict[type[models.Model], int] = {}

    def _new_id(self, model: type[models.Model]) -> int:
        pk = self.next_id.get(model)
        if pk is None:
            pk = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        self.next_id[model] = pk + 1
        return pk

    def insert(self, model: type[models.Model], objs: list, batch_size: int = 5000) -> None:
        if not objs:
            return
        ops = connection.ops
        fields = list(model._meta.concrete_fields)
        for obj in objs:
            if obj.pk is None:
                obj.pk = self._new_id(model)
        columns = []
        for f in fields:
            kind = f.get_internal_type()
            if kind == "DateTimeField":
                adapt = ops.adapt_datetimefield_value
            elif kind == "DateField":
                adapt = ops.adapt_datefield_value
            elif kind in _PLAIN:
                adapt = None
            else:
                adapt = functools.partial(f.get_db_prep_save, connection=connection)
            columns.append((f, f.attname, adapt, f.is_relation))
        rows = []
        for obj in objs:
            row = []
            for f, attname, adapt, relation in columns:
                value = getattr(obj, attname)
                if value is None and relation and f.is_cached(obj):
                    related = f.get_cached_value(obj)
                    if related is not None:
                        value = related.pk
                        setattr(obj, attname, value)
                row.append(adapt(value) if adapt is not None and value is not None else value)
            rows.append(row)
        quote = ops.quote_name
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            quote(model._meta.db_table),
            ", ".join(quote(f.column) for f in fields),
            ", ".join(["%s"] * len(fields)),
        )
        with connection.cursor() as cursor:
            for start in range(0, len(rows), batch_size):
                cursor.executemany(sql, rows[start : start + batch_size])

    def reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.next_id))
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


class _Generator:
    def __init__(self, size: Size) -> None:
        self.size = size
        self.rnd = random.Random(size.seed)
        end = dt.datetime.combine(size.until, dt.time(18, 0), tzinfo=BERLIN)
        self.end = end
        self.start = end - dt.timedelta(days=round(365.25 * size.years))
        self.counts: dict[str, int] = {}
        self.writer = _Writer()

    # -- helpers ---------------------------------------------------------------------

    def at(self, day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BERLIN)

    def moment(self, lo: dt.datetime, hi: dt.datetime) -> dt.datetime:
        """A deterministic instant between lo and hi, on whole seconds."""
        span = max(int((hi - lo).total_seconds()), 1)
        return lo + dt.timedelta(seconds=self.rnd.randrange(span))

    def chance(self, share: float) -> bool:
        return self.rnd.random() < share

    def count(self, kind: str, n: int) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + n

    def stamp(self, created: dt.datetime, modified: dt.datetime | None = None) -> dict:
        """created/modified, never after the end of the invented timeline."""
        created = min(created, self.end)
        return {"created": created, "modified": min(max(modified or created, created), self.end)}

    # -- the run ---------------------------------------------------------------------

    def run(self, *, index_search: bool) -> Generated:
        self.body = Body.objects.create(
            name=self.size.name,
            short_name=self.size.name.split()[-1],
            website="https://www.example.org/",
            license="https://creativecommons.org/licenses/by/4.0/",
            classification="Landkreis",
            contact_email="ratsbuero@example.org",
            contact_name="Ratsbüro",
            is_example=True,
            **self.stamp(self.start, self.end),
        )
        self.count("body", 1)
        self.make_terms()
        self.make_locations()
        self.make_organizations()
        self.make_persons()
        self.make_meetings()
        self.make_budget()
        self.make_papers(index_search=index_search)
        self.make_documents()
        self.writer.reset_sequences()
        return Generated(body=self.body, counts=self.counts)

    def make_terms(self) -> None:
        terms = []
        year = self.start.year - (self.start.year - 2001) % 5
        while year <= self.end.year:
            start = dt.date(year, 11, 1)
            end = dt.date(year + 5, 10, 31)
            terms.append(
                LegislativeTerm(
                    body=self.body,
                    name=f"Wahlperiode {year}–{year + 5}",
                    start_date=start,
                    end_date=end,
                    is_example=True,
                    **self.stamp(min(self.at(start), self.end)),
                )
            )
            year += 5
        self.terms = LegislativeTerm.objects.bulk_create(terms)
        self.count("legislative_term", len(terms))

    def make_locations(self) -> None:
        rooms = ["Plenarsaal", "Sitzungsraum 1", "Sitzungsraum 2", "Raum 115", "Bürgersaal"]
        locations = [
            Location(
                body=self.body,
                description=f"Haus der Region, {rooms[i % len(rooms)]}",
                street_address=f"Musterstraße {i + 1}",
                room=rooms[i % len(rooms)],
                postal_code="30169",
                locality="Musterstadt",
                is_example=True,
                **self.stamp(self.start),
            )
            for i in range(max(self.size.locations, 1))
        ]
        self.locations = Location.objects.bulk_create(locations)
        self.count("location", len(locations))

    def make_organizations(self) -> None:
        orgs = [
            Organization(
                body=self.body,
                name="Regionsversammlung",
                short_name="RV",
                kind=Organization.Kind.COUNCIL,
                classification="Hauptorgan",
                location=self.locations[0],
                is_example=True,
                **self.stamp(self.start),
            )
        ]
        for i in range(self.size.committees):
            topic = COMMITTEE_TOPICS[i % len(COMMITTEE_TOPICS)]
            suffix = f" ({i // len(COMMITTEE_TOPICS) + 1})" if i >= len(COMMITTEE_TOPICS) else ""
            orgs.append(
                Organization(
                    body=self.body,
                    name=f"Ausschuss für {topic}{suffix}",
                    short_name=f"A{i + 1}",
                    kind=Organization.Kind.COMMITTEE,
                    classification="Fachausschuss",
                    location=self.locations[i % len(self.locations)],
                    is_example=True,
                    **self.stamp(self.start),
                )
            )
        for i in range(self.size.factions):
            name, short = FACTIONS[i % len(FACTIONS)]
            orgs.append(
                Organization(
                    body=self.body,
                    name=name if i < len(FACTIONS) else f"{name} {i}",
                    short_name=short,
                    kind=Organization.Kind.FACTION,
                    is_example=True,
                    **self.stamp(self.start),
                )
            )
        for name in DEPARTMENTS:
            orgs.append(
                Organization(
                    body=self.body,
                    name=name,
                    kind=Organization.Kind.ADMINISTRATION,
                    website="https://www.example.org/verwaltung/",
                    is_example=True,
                    **self.stamp(self.start),
                )
            )
        orgs = Organization.objects.bulk_create(orgs)
        self.council = orgs[0]
        self.committees = [o for o in orgs if o.kind == Organization.Kind.COMMITTEE]
        self.factions = [o for o in orgs if o.kind == Organization.Kind.FACTION]
        self.departments = [o for o in orgs if o.kind == Organization.Kind.ADMINISTRATION]
        # One dissolved committee, to show a deleted organisation.
        if len(self.committees) > 6:
            gone = self.committees.pop()
            Organization.objects.filter(pk=gone.pk).update(
                deleted=True, modified=self.moment(self.start, self.end)
            )
        self.count("organization", len(orgs))

    def make_persons(self) -> None:
        rnd = self.rnd
        persons = []
        for _ in range(self.size.persons):
            female = rnd.random() < 0.5
            persons.append(
                Person(
                    body=self.body,
                    given_name=rnd.choice(GIVEN_NAMES),
                    family_name=rnd.choice(FAMILY_NAMES),
                    form_of_address="Frau" if female else "Herr",
                    title="Dr." if rnd.random() < 0.1 else "",
                    status="Regionsabgeordnete" if female else "Regionsabgeordneter",
                    is_example=True,
                    **self.stamp(self.start),
                )
            )
        self.persons = persons
        memberships = []
        term_starts = [t.start_date for t in self.terms if t.start_date]
        for person in self.persons:
            faction = rnd.choice(self.factions) if self.factions else None
            since = rnd.choice(term_starts) if term_starts else None
            created = self.at(since) if since else self.start
            created = min(max(created, self.start), self.end)
            bodies = [self.council, *rnd.sample(self.committees, k=min(2, len(self.committees)))]
            if faction is not None:
                bodies.append(faction)
            for org in bodies:
                deleted = self.chance(self.size.deleted_share)
                modified = self.moment(created, self.end) if deleted else created
                role = "Mitglied"
                if org.kind == Organization.Kind.COMMITTEE and rnd.random() < 0.08:
                    role = rnd.choice(["Vorsitz", "stellvertretender Vorsitz"])
                memberships.append(
                    Membership(
                        person=person,
                        organization=org,
                        role=role,
                        voting_right=org.kind != Organization.Kind.COMMITTEE or rnd.random() < 0.9,
                        on_behalf_of=faction if org.kind != Organization.Kind.FACTION else None,
                        start_date=since,
                        end_date=since.replace(year=since.year + 5) - dt.timedelta(days=1)
                        if since and rnd.random() < 0.2
                        else None,
                        deleted=deleted,
                        is_example=True,
                        **self.stamp(created, modified),
                    )
                )
                person.modified = max(person.modified, memberships[-1].modified)
        # A person who left: deleted, with their memberships kept as they were.
        if len(persons) > 20:
            persons[-1].deleted = True
            persons[-1].modified = self.end
        self.writer.insert(Person, persons)
        self.writer.insert(Membership, memberships)
        self.count("person", len(self.persons))
        self.count("membership", len(memberships))

    def make_meetings(self) -> None:
        rnd = self.rnd
        total = max(self.size.meetings, 1)
        hosts = [self.council, *self.committees]
        span_days = (self.end.date() - self.start.date()).days
        meetings = []
        numbers: dict[int, int] = {}
        for i in range(total):
            org = hosts[i % len(hosts)]
            day = self.start.date() + dt.timedelta(days=(i * span_days) // total)
            while day.weekday() >= 5:
                day += dt.timedelta(days=1)
            begin = self.at(day, rnd.choice([10, 14, 15, 17]))
            numbers[org.pk] = numbers.get(org.pk, 0) + 1
            held = begin < self.end - dt.timedelta(days=21)
            cancelled = self.chance(0.01)
            meetings.append(
                Meeting(
                    body=self.body,
                    name=f"{numbers[org.pk]}. Sitzung – {org.name}",
                    start=begin,
                    end=begin + dt.timedelta(hours=rnd.choice([2, 3, 4])),
                    location=self.locations[i % len(self.locations)],
                    state=Meeting.State.PLANNED
                    if cancelled
                    else (Meeting.State.HELD if held else Meeting.State.INVITED),
                    cancelled=cancelled,
                    is_example=True,
                    **self.stamp(begin - dt.timedelta(days=28), begin + dt.timedelta(days=3)),
                )
            )
        self.writer.insert(Meeting, meetings)
        self.meetings = meetings
        through = Meeting.organizations.through
        self.writer.insert(
            through,
            [
                through(meeting_id=m.pk, organization_id=hosts[i % len(hosts)].pk)
                for i, m in enumerate(self.meetings)
            ],
        )
        # A deleted meeting (moved to another date): kept, marked deleted, with its items.
        gone = self.meetings[len(self.meetings) // 2] if len(self.meetings) > 30 else None
        # Per host, the meetings by start, to seat each consultation in the next one.
        self.meetings_of: dict[int, tuple[list[dt.datetime], list[Meeting]]] = {}
        for i, m in enumerate(self.meetings):
            if m is gone:
                continue
            starts, items = self.meetings_of.setdefault(hosts[i % len(hosts)].pk, ([], []))
            starts.append(m.start)
            items.append(m)
        self.next_order = {m.pk: 2 for m in self.meetings}
        # Standard items of every agenda, public and not, without a consultation.
        items = []
        files = []
        for m in self.meetings:
            for order, name, public in [
                (1, "Eröffnung der Sitzung und Feststellung der Tagesordnung", True),
                (2, "Genehmigung des Protokolls der letzten Sitzung", True),
                (900, "Mitteilungen der Verwaltung", True),
                (950, "Grundstücksangelegenheiten", False),
            ]:
                items.append(
                    AgendaItem(
                        meeting=m,
                        number=str(order) if order < 900 else "",
                        order=order,
                        name=name,
                        public=public,
                        is_example=True,
                        **self.stamp(m.created),
                    )
                )
            files.append(self.file_for(f"Einladung {m.name}", m.created, meeting=m))
            if m.state == Meeting.State.HELD:
                files.append(
                    self.file_for(f"Protokoll {m.name}", m.modified, meeting=m, kind="protokoll")
                )
        self.writer.insert(AgendaItem, items)
        self.writer.insert(File, files)
        if gone is not None:
            Meeting.objects.filter(pk=gone.pk).update(deleted=True, modified=gone.modified)
            AgendaItem.objects.filter(meeting=gone).update(deleted=True, modified=gone.modified)
        self.count("meeting", len(self.meetings))
        self.count("agenda_item", len(items))
        self.count("file", len(files))

    def make_budget(self) -> None:
        self.products: list[tuple[BudgetArea, BudgetProduct | None]] = []
        for number, name, products in BUDGET_AREAS:
            area = BudgetArea.objects.create(
                body=self.body, number=number, name=name, is_example=True, **self.stamp(self.start)
            )
            self.products.append((area, None))
            for pnumber, pname in products:
                product = BudgetProduct.objects.create(
                    area=area, number=pnumber, name=pname, is_example=True, **self.stamp(self.start)
                )
                self.products.append((area, product))

    def file_for(
        self,
        name: str,
        when: dt.datetime,
        *,
        kind: str = "vorlage",
        **parents,
    ) -> File:
        key = f"{kind}-{name}-{when.isoformat()}"
        slug = hashlib.sha1(key.encode()).hexdigest()[:10]
        return File(
            body=self.body,
            name=name[:300],
            file_name=f"{kind}-{slug}.pdf",
            mime_type="application/pdf",
            size=20_000 + self.rnd.randrange(400_000),
            sha512=hashlib.sha512(key.encode()).hexdigest(),
            date=when.astimezone(BERLIN).date(),
            content="",  # metadata only: generated files have no content
            is_example=True,
            **self.stamp(when),
            **parents,
        )

    # -- papers --------------------------------------------------------------------------

    def make_papers(self, *, index_search: bool) -> None:
        rnd = self.rnd
        n = self.size.papers
        if n <= 0:
            return
        # Exactly the requested number of consultations: one each, the rest at random.
        steps = [1] * n
        for _ in range(max(self.size.consultation_count() - n, 0)):
            steps[rnd.randrange(n)] += 1
        span = (self.end - self.start).total_seconds() - 60 * 86400
        types = [t for t, _w in PAPER_TYPES]
        weights = [w for _t, w in PAPER_TYPES]
        earlier: list[int] = []
        sequence: dict[int, int] = {}
        for lo in range(0, n, CHUNK):
            batch = _PaperBatch()
            for i in range(lo, min(lo + CHUNK, n)):
                created = self.start + dt.timedelta(seconds=int(span * i / n))
                created = created.replace(hour=9 + i % 8, minute=i % 60, second=0)
                year = created.year
                sequence[year] = sequence.get(year, 0) + 1
                paper_type = rnd.choices(types, weights)[0]
                subject = rnd.choice(SUBJECTS)
                aspect = rnd.choice(ASPECTS)
                superordinated = None
                if paper_type == "Änderungsantrag" and earlier:
                    superordinated = earlier[-1 - rnd.randrange(min(len(earlier), 50))]
                paper = Paper(
                    body=self.body,
                    reference=f"{sequence[year]:04d}/{year % 100:02d}",
                    name=f"{subject}, {aspect}" if aspect else subject,
                    paper_type=paper_type,
                    public=not self.chance(self.size.nonpublic_share),
                    deleted=self.chance(self.size.deleted_share),
                    date=created.date(),
                    submission_date=created.date() - dt.timedelta(days=rnd.randrange(1, 10))
                    if paper_type in MOTION_TYPES
                    else None,
                    proposal_heading="Beschlussvorschlag" if paper_type != "Anfrage" else "Fragen",
                    resolution_proposal=f"Die Regionsversammlung beschließt: {subject}.",
                    rationale=f"Begründung zu {subject.lower()}. "
                    "Die Verwaltung wird gebeten, die Mittel bereitzustellen.",
                    superordinated_paper_id=superordinated,
                    is_example=True,
                    **self.stamp(created),
                )
                self.paper_children(paper, steps[i], batch)
            batch.write(self.writer)
            earlier.extend(p.pk for p in batch.papers)
            for kind, objs in batch.sizes().items():
                self.count(kind, objs)
            if index_search:
                search.index_papers(
                    Paper.objects.filter(pk__in=[p.pk for p in batch.papers]).prefetch_related(
                        "originator_organizations"
                    )
                )

    def make_documents(self) -> None:
        """The stored OParl JSON of every public paper, as the API would write it on a read.

        Rendered once all papers exist, since a paper names the papers subordinated to it.
        """
        from council.oparl import documents, selectors

        out = documents.placeholder_output()
        ids = list(
            Paper.objects.filter(body=self.body, public=True, deleted=False)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        step = 100
        for lo in range(0, len(ids), step):
            chunk = ids[lo : lo + step]
            rows = list(selectors.papers().filter(pk__in=chunk).order_by("pk"))
            documents.store(rows, documents.render(rows, out))
        self.count("paper_document", len(ids))

    def paper_children(self, paper: Paper, steps: int, batch: _PaperBatch) -> None:
        """Add the paper with its Beratungsfolge, agenda items, files and budget table."""
        rnd = self.rnd
        batch.papers.append(paper)
        if paper.paper_type in MOTION_TYPES and self.factions:
            for org in rnd.sample(self.factions, k=1 if rnd.random() < 0.8 else 2):
                batch.originators.append((paper, org.pk))
        if rnd.random() < 0.05 and paper.superordinated_paper_id:
            batch.related.append((paper, paper.superordinated_paper_id))
        if paper.paper_type == "Haushaltsantrag":
            for position in range(1, rnd.choice([1, 1, 2, 3]) + 1):
                area, product = rnd.choice(self.products)
                batch.budget.append(
                    BudgetReference(
                        paper=paper,
                        position=position,
                        draft_page=rnd.choice(["", f"S.{rnd.randrange(20, 900)}"]),
                        area=area,
                        product=product,
                        is_example=True,
                        **self.stamp(paper.created),
                    )
                )
        own_files = []
        if rnd.random() < 0.9:
            own_files.append(
                self.file_for(paper.name, paper.created, paper=paper, is_main_file=True)
            )
        if rnd.random() < 0.2:
            own_files.append(
                self.file_for(f"Anlage zu {paper.reference}", paper.created, paper=paper)
            )
        batch.files.extend(own_files)
        latest = paper.created
        for c in self.consultations_for(paper, steps):
            c.deleted = c.deleted or paper.deleted
            batch.consultations.append(c)
            latest = max(latest, c.modified)
            if c.meeting is None:
                continue
            order = self.next_order[c.meeting.pk] = self.next_order[c.meeting.pk] + 1
            item = AgendaItem(
                meeting=c.meeting,
                number=str(order),
                order=order,
                name=f"{paper.reference} {paper.name}"[:500],
                public=paper.public,
                consultation=c,
                result=c.result,
                deleted=c.deleted,
                is_example=True,
                **self.stamp(c.created, c.modified),
            )
            batch.items.append(item)
            if rnd.random() < 0.03:
                batch.files.append(
                    self.file_for(
                        f"Präsentation zu {paper.reference}",
                        c.modified,
                        kind="anlage",
                        meeting=c.meeting,
                        agenda_item=item,
                    )
                )
        if paper.deleted:
            latest += dt.timedelta(days=30)
            for f in own_files:
                f.deleted = True
        paper.modified = min(latest, self.end)

    def vote(self, c: Consultation, *, seats: int) -> None:
        rnd = self.rnd
        text, as_proposed = rnd.choice(RESULTS)
        c.as_proposed = as_proposed
        c.result = text
        if text == "zurückgestellt":
            return  # no vote was taken
        if text == "einstimmig beschlossen":
            yes, no = seats, 0
        elif text == "abgelehnt":
            no = rnd.randrange(seats // 2 + 1, seats + 1)
            yes = rnd.randrange(0, seats - no + 1)
        else:
            yes = rnd.randrange(seats // 2 + 1, seats)
            no = rnd.randrange(0, seats - yes + 1)
        c.votes_yes, c.votes_no, c.votes_abstention = yes, no, seats - yes - no

    def consultations_for(self, paper: Paper, count: int) -> list[Consultation]:
        """A Beratungsfolge: committees first (the first leads), the council decides last."""
        rnd = self.rnd
        if paper.paper_type == "Informationsdrucksache" or paper.paper_type == "Anfrage":
            role_last = "Kenntnisnahme"
        else:
            role_last = "Entscheidung"
        chain = rnd.sample(self.committees, k=min(count - 1, len(self.committees)))
        while len(chain) < count - 1:
            chain.append(rnd.choice(self.committees))
        chain.append(self.council)
        when = paper.created + dt.timedelta(days=7)
        result = []
        for position, org in enumerate(chain, start=1):
            last = position == len(chain)
            starts, meetings = self.meetings_of.get(org.pk, ([], []))
            index = bisect.bisect_left(starts, when)
            meeting = meetings[index] if index < len(meetings) else None
            if meeting is not None and meeting.cancelled:
                meeting = None
            planned = (meeting.start if meeting else when).astimezone(BERLIN).date()
            voted = (
                meeting is not None
                and meeting.state == Meeting.State.HELD
                and role_last == "Entscheidung"
            )
            c = Consultation(
                paper=paper,
                position=position,
                organization=org,
                meeting=meeting,
                planned_date=planned,
                role=role_last if last else "Vorberatung",
                leading=position == 1,
                authoritative=last and role_last == "Entscheidung",
                deleted=self.chance(self.size.deleted_share / 4),
                is_example=True,
                **self.stamp(paper.created),
            )
            if voted:
                self.vote(c, seats=15 if org.kind == Organization.Kind.COMMITTEE else 80)
                c.modified = min(meeting.start + dt.timedelta(days=1), self.end)
            if meeting is not None:
                when = meeting.start + dt.timedelta(days=7)
            result.append(c)
        return result


@dataclass
class _PaperBatch:
    """One chunk of papers with everything hanging off them, written in dependency order."""

    papers: list[Paper] = field(default_factory=list)
    consultations: list[Consultation] = field(default_factory=list)
    items: list[AgendaItem] = field(default_factory=list)
    files: list[File] = field(default_factory=list)
    budget: list[BudgetReference] = field(default_factory=list)
    originators: list[tuple[Paper, int]] = field(default_factory=list)
    related: list[tuple[Paper, int]] = field(default_factory=list)

    def write(self, writer: _Writer) -> None:
        # In dependency order: each foreign key takes the id of an object written before.
        writer.insert(Paper, self.papers)
        writer.insert(Consultation, self.consultations)
        writer.insert(AgendaItem, self.items)
        writer.insert(File, self.files)
        writer.insert(BudgetReference, self.budget)
        through = Paper.originator_organizations.through
        writer.insert(
            through, [through(paper_id=p.pk, organization_id=o) for p, o in self.originators]
        )
        pairs = {(p.pk, o) for p, o in self.related} | {(o, p.pk) for p, o in self.related}
        related = Paper.related_papers.through
        writer.insert(related, [related(from_paper_id=a, to_paper_id=b) for a, b in sorted(pairs)])

    def sizes(self) -> dict[str, int]:
        return {
            "paper": len(self.papers),
            "consultation": len(self.consultations),
            "agenda_item": len(self.items),
            "file": len(self.files),
            "budget_reference": len(self.budget),
        }
