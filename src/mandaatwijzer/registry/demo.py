"""The demo dataset: a small Flemish registry with every entity group and every mandate state.

It is built through the use cases (so it holds only what the rules allow), relative to the
clock's "today": rights granted two years ago, a mandate that expired a month ago, a
transfer proposed three days ago. Loaded on another day it tells the same story.

The people and organisations are invented. Their national register numbers and enterprise
numbers are generated with the official check digits (`national_number`,
`enterprise_number`); none was taken from a real person.

`load` refuses a registry that holds anything (it is not idempotent: loading twice would
register everybody twice); `load_if_empty` is what `mandaatwijzer serve` in demo mode calls.
Each use case is its own transaction, so a load that fails halfway leaves what it wrote: the
dataset is tested to load whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from . import requests, services
from .errors import ConflictError
from .identifiers import NationalNumber
from .model import EntityGroup, Mandate, Organisation, Party, Person, RightKind
from .ports import Clock, UnitOfWork

# --- identifiers with the official check digits -----------------------------------------


def national_number(birth: date, serial: int, *, bis: bool = False) -> str:
    """A national register number (or, with `bis`, a BIS number: month raised by 40) for a
    birth date and a day counter (odd for men, even for women).

    Check = 97 - (the first 9 digits mod 97), with a 2 put in front for births from 2000.
    """
    if not 1 <= serial <= 997:
        raise ValueError("the day counter runs from 001 to 997")
    month = birth.month + (40 if bis else 0)
    first9 = f"{birth.year % 100:02d}{month:02d}{birth.day:02d}{serial:03d}"
    base = int(("2" if birth.year >= 2000 else "") + first9)
    return f"{first9}{97 - base % 97:02d}"


def enterprise_number(first8: str) -> str:
    """An enterprise number from its first 8 digits: check = 97 - (first 8 digits mod 97)."""
    if len(first8) != 8 or not first8.isdigit() or first8[0] not in "01":
        raise ValueError("an enterprise number starts with 0 or 1 and has 8 digits before "
                         "its check")
    return f"{first8}{97 - int(first8) % 97:02d}"


# --- the people -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DemoPerson:
    key: str
    name: str
    national_number: str
    description_en: str
    description_nl: str
    has_eid: bool = True

    def description(self, lang: str = "nl") -> str:
        return self.description_nl if lang == "nl" else self.description_en


def _person(key: str, name: str, birth: date, serial: int, en: str, nl: str, *,
            bis: bool = False, has_eid: bool = True) -> DemoPerson:
    return DemoPerson(key, name, national_number(birth, serial, bis=bis), en, nl, has_eid)


PERSONS: tuple[DemoPerson, ...] = (
    _person("griet", "Griet Verhaegen", date(1975, 4, 12), 124,
            "Managing director (legal representative) of the service provider Dossierwerk "
            "Vlaanderen BV: signs for it without needing a right.",
            "Zaakvoerder (wettelijk vertegenwoordiger) van dienstverlener Dossierwerk "
            "Vlaanderen BV: tekent voor het bedrijf zonder recht."),
    _person("pieter", "Pieter Claes", date(1982, 9, 3), 213,
            "Local administrator of Dossierwerk Vlaanderen BV: adds users and grants and "
            "withdraws their rights.",
            "Lokale beheerder van Dossierwerk Vlaanderen BV: voegt gebruikers toe en kent "
            "rechten toe of trekt ze in."),
    _person("sofie", "Sofie Wouters", date(1988, 1, 25), 86,
            "Mandate manager (SSM Mandaatbeheerder) at Dossierwerk Vlaanderen BV: accepts "
            "and stops the provider's mandates.",
            "Mandaatbeheerder (SSM Mandaatbeheerder) bij Dossierwerk Vlaanderen BV: aanvaardt "
            "en stopt de mandaten van de dienstverlener."),
    _person("jonas", "Jonas Peeters", date(1993, 6, 30), 145,
            "Mandate executor (SSM Mandaatuitvoerder) at Dossierwerk Vlaanderen BV: manages "
            "the KIOSK dossiers of its clients.",
            "Mandaatuitvoerder (SSM Mandaatuitvoerder) bij Dossierwerk Vlaanderen BV: beheert "
            "de KIOSK-dossiers van de klanten."),
    _person("lotte", "Lotte Janssens", date(1990, 11, 8), 302,
            "Former mandate executor at Dossierwerk Vlaanderen BV: her right was withdrawn "
            "ten days ago.",
            "Gewezen mandaatuitvoerder bij Dossierwerk Vlaanderen BV: haar recht werd tien "
            "dagen geleden ingetrokken."),
    _person("ahmed", "Ahmed El Amrani", date(1996, 3, 17), 77,
            "New employee of Dossierwerk Vlaanderen BV: a work relation, no rights yet; two "
            "days ago he asked for ‘SSM Mandaatuitvoerder’.",
            "Nieuwe medewerker van Dossierwerk Vlaanderen BV: een werkrelatie, nog geen "
            "rechten; twee dagen geleden vroeg hij ‘SSM Mandaatuitvoerder’ aan."),
    _person("koen", "Koen De Smet", date(1969, 8, 21), 191,
            "Director (legal representative) of the service provider Subsidiehulp Kempen CV.",
            "Bestuurder (wettelijk vertegenwoordiger) van dienstverlener Subsidiehulp Kempen "
            "CV."),
    _person("elke", "Elke Maes", date(1984, 2, 14), 258,
            "Local administrator and mandate manager at Subsidiehulp Kempen CV: a proposed "
            "transfer awaits her signature.",
            "Lokale beheerder en mandaatbeheerder bij Subsidiehulp Kempen CV: een "
            "voorgestelde overdracht wacht op haar handtekening."),
    _person("bram", "Bram Willems", date(1998, 12, 2), 33,
            "Mandate executor at Subsidiehulp Kempen CV, on a contract that ends in three "
            "months.",
            "Mandaatuitvoerder bij Subsidiehulp Kempen CV, met een contract dat over drie "
            "maanden afloopt."),
    _person("hilde", "Hilde Vermeulen", date(1979, 5, 5), 190,
            "Managing director of Atelier Aanvraag BV, a young service provider (an "
            "enterprise number of the 1-series) without a mandate manager.",
            "Zaakvoerder van Atelier Aanvraag BV, een jonge dienstverlener (ondernemingsnummer "
            "uit de 1-reeks) zonder mandaatbeheerder."),
    _person("tom", "Tom Jacobs", date(1991, 7, 19), 155,
            "Local administrator and mandate executor at Atelier Aanvraag BV.",
            "Lokale beheerder en mandaatuitvoerder bij Atelier Aanvraag BV."),
    _person("an", "An Mertens", date(1986, 10, 9), 112,
            "Visual artist who applies in her own name and gave Dossierwerk Vlaanderen BV an "
            "active mandate.",
            "Beeldend kunstenaar die in eigen naam aanvraagt en Dossierwerk Vlaanderen BV een "
            "actief mandaat gaf."),
    _person("wim", "Wim Goossens", date(1972, 3, 28), 229,
            "Writer: a mandate that Subsidiehulp Kempen CV offered awaits his signature; the "
            "one he gave Katrien Dubois awaits hers.",
            "Schrijver: een mandaat dat Subsidiehulp Kempen CV voorstelde wacht op zijn "
            "handtekening; dat aan Katrien Dubois wacht op de hare."),
    _person("katrien", "Katrien Dubois", date(1980, 12, 24), 248,
            "Freelance adviser: a mandate from Wim Goossens awaits her signature.",
            "Freelance adviseur: een mandaat van Wim Goossens wacht op haar handtekening."),
    _person("stijn", "Stijn Vandenberghe", date(2001, 8, 14), 51,
            "Young musician (born 2001): stopped his mandate to Subsidiehulp Kempen CV last "
            "month.",
            "Jonge muzikant (geboren in 2001): stopte vorige maand zijn mandaat aan "
            "Subsidiehulp Kempen CV."),
    _person("lien", "Lien Baert", date(1994, 4, 1), 170,
            "Illustrator: her mandate moved from Subsidiehulp Kempen CV to Dossierwerk "
            "Vlaanderen BV by a transfer.",
            "Illustrator: haar mandaat ging via een overdracht van Subsidiehulp Kempen CV naar "
            "Dossierwerk Vlaanderen BV."),
    _person("hanne", "Hanne Vos", date(1987, 9, 11), 260,
            "Playwright: proposed moving her mandate from Dossierwerk Vlaanderen BV to "
            "Subsidiehulp Kempen CV; the transfer awaits that provider's signature.",
            "Toneelschrijver: stelde voor haar mandaat van Dossierwerk Vlaanderen BV over te "
            "dragen aan Subsidiehulp Kempen CV; de overdracht wacht op die dienstverlener."),
    _person("jef", "Jef Van Damme", date(1958, 1, 30), 99,
            "Photographer: his mandate to Subsidiehulp Kempen CV expired a month ago.",
            "Fotograaf: zijn mandaat aan Subsidiehulp Kempen CV verliep een maand geleden."),
    _person("marc", "Marc Van den Broeck", date(1965, 6, 6), 211,
            "Chair (legal representative) of Theatergezelschap De Zoldering vzw, an economic "
            "actor that gave Dossierwerk Vlaanderen BV a mandate.",
            "Voorzitter (wettelijk vertegenwoordiger) van Theatergezelschap De Zoldering vzw, "
            "een economische actor die Dossierwerk Vlaanderen BV een mandaat gaf."),
    _person("nathalie", "Nathalie Lambrechts", date(1989, 2, 2), 132,
            "Coordinator at Theatergezelschap De Zoldering vzw: holds KIOSK Aanvrager for its "
            "own dossiers.",
            "Coördinator bij Theatergezelschap De Zoldering vzw: heeft KIOSK Aanvrager voor "
            "de eigen dossiers."),
    _person("ruben", "Ruben Claeys", date(1985, 11, 20), 287,
            "Chair of Jeugdhuis De Kelder vzw: his mandate to Atelier Aanvraag BV awaits the "
            "provider's signature.",
            "Voorzitter van Jeugdhuis De Kelder vzw: zijn mandaat aan Atelier Aanvraag BV "
            "wacht op de handtekening van de dienstverlener."),
    _person("sarah", "Sarah Peeters", date(1983, 5, 15), 144,
            "Director of Muziekcentrum De Klankkast vzw: Subsidiehulp Kempen CV refused her "
            "mandate.",
            "Directeur van Muziekcentrum De Klankkast vzw: Subsidiehulp Kempen CV weigerde "
            "haar mandaat."),
    _person("dirk", "Dirk Hermans", date(1961, 10, 10), 33,
            "Mayor (legal representative) of Gemeente Heidebeek, a local government: it can "
            "give no mandate to a service provider.",
            "Burgemeester (wettelijk vertegenwoordiger) van Gemeente Heidebeek, een lokaal "
            "bestuur: dat kan geen mandaat aan een dienstverlener geven."),
    _person("liesbeth", "Liesbeth Aerts", date(1977, 7, 7), 216,
            "Local administrator of Gemeente Heidebeek.",
            "Lokale beheerder van Gemeente Heidebeek."),
    _person("eva", "Eva Smets", date(1992, 8, 8), 184,
            "Culture officer of Gemeente Heidebeek: holds KIOSK Aanvrager.",
            "Cultuurbeleidscoördinator van Gemeente Heidebeek: heeft KIOSK Aanvrager."),
    _person("veerle", "Veerle Lenaerts", date(1974, 2, 20), 146,
            "Director of the Academie voor Muziek, Woord en Dans Heidebeek, whose organising "
            "authority is the municipality.",
            "Directeur van de Academie voor Muziek, Woord en Dans Heidebeek, met de gemeente "
            "als inrichtende macht."),
    _person("joris", "Joris Michiels", date(1970, 4, 4), 121,
            "Main representative (hoofdvertegenwoordiger) of Fanfare Sint-Cecilia Heidebeek, a "
            "de facto association.",
            "Hoofdvertegenwoordiger van Fanfare Sint-Cecilia Heidebeek, een feitelijke "
            "vereniging."),
    _person("ruth", "Ruth de Vries", date(1981, 3, 3), 182,
            "Delegate of Stichting Grenslicht (Breda), a foreign organisation: a BIS number "
            "and no Belgian eID.",
            "Afgevaardigde van Stichting Grenslicht (Breda), een buitenlandse organisatie: "
            "een BIS-nummer en geen Belgische eID.", bis=True, has_eid=False),
)

#: The organisations: key, name, entity group, the first 8 digits of the enterprise number.
ORGANISATIONS: tuple[tuple[str, str, EntityGroup, str | None], ...] = (
    ("dossierwerk", "Dossierwerk Vlaanderen BV", EntityGroup.ECONOMIC_ACTOR, "07641852"),
    ("kempen", "Subsidiehulp Kempen CV", EntityGroup.ECONOMIC_ACTOR, "08123470"),
    ("atelier", "Atelier Aanvraag BV", EntityGroup.ECONOMIC_ACTOR, "10087355"),
    ("zoldering", "Theatergezelschap De Zoldering vzw", EntityGroup.ECONOMIC_ACTOR,
     "04518720"),
    ("kelder", "Jeugdhuis De Kelder vzw", EntityGroup.ECONOMIC_ACTOR, "04472391"),
    ("klankkast", "Muziekcentrum De Klankkast vzw", EntityGroup.ECONOMIC_ACTOR, "08865014"),
    ("heidebeek", "Gemeente Heidebeek", EntityGroup.LOCAL_GOVERNMENT, "02075123"),
    ("academie", "Academie voor Muziek, Woord en Dans Heidebeek",
     EntityGroup.ORGANISING_AUTHORITY, None),
    ("fanfare", "Fanfare Sint-Cecilia Heidebeek", EntityGroup.DE_FACTO_ASSOCIATION, None),
    ("grenslicht", "Stichting Grenslicht", EntityGroup.FOREIGN_ORGANISATION, None),
)

#: Legal representatives (for a de facto association: its main representative; for a
#: foreign organisation: its delegate).
REPRESENTATIVES: dict[str, tuple[str, ...]] = {
    "dossierwerk": ("griet",), "kempen": ("koen",), "atelier": ("hilde",),
    "zoldering": ("marc",), "kelder": ("ruben",), "klankkast": ("sarah",),
    "heidebeek": ("dirk",), "academie": ("veerle",), "fanfare": ("joris",),
    "grenslicht": ("ruth",),
}


# --- loading -----------------------------------------------------------------------------


def is_empty(uow: UnitOfWork) -> bool:
    with uow:
        return uow.repo.persons(0, 1).total == 0 and uow.repo.organisations(0, 1).total == 0


@dataclass
class _Builder:
    uow: UnitOfWork
    now: datetime
    people: dict[str, Person]
    orgs: dict[str, Organisation]

    def clock(self, days: int) -> Clock:
        """The moment `days` from now (negative: in the past)."""
        return Clock(self.now + timedelta(days=days))

    def day(self, days: int) -> date:
        return (self.now + timedelta(days=days)).date()

    def party(self, key: str) -> Party:
        return (self.people[key] if key in self.people else self.orgs[key]).party

    def appoint(self, days: int, org: str, actor: str, person: str) -> None:
        services.appoint_local_admin(self.uow, self.clock(days), self.people[actor].id,
                                     self.orgs[org].id, self.people[person].id)

    def employ(self, days: int, org: str, actor: str, person: str,
               end: int | None = None) -> str:
        return services.add_work_relation(
            self.uow, self.clock(days), self.people[actor].id, self.orgs[org].id,
            self.people[person].id, end=None if end is None else self.day(end)).id

    def grant(self, days: int, relation: str, actor: str, kind: RightKind,
              end: int | None = None) -> str:
        return services.grant_right(self.uow, self.clock(days), self.people[actor].id,
                                    relation, kind.value,
                                    end=None if end is None else self.day(end)).id

    def mandate(self, days: int, actor: str, giver: str, taker: str,
                end: int | None = None) -> Mandate:
        return services.create_mandate(self.uow, self.clock(days), self.people[actor].id,
                                       self.party(giver), self.party(taker),
                                       end=None if end is None else self.day(end))

    def sign(self, days: int, actor: str, mandate: Mandate) -> Mandate:
        return services.sign_mandate(self.uow, self.clock(days), self.people[actor].id,
                                     mandate.id)

    def dossier(self, applicant: str, title: str, status: str = "draft") -> None:
        services.add_dossier(self.uow, self.clock(0), self.party(applicant), title, status)


def load(uow: UnitOfWork, clock: Clock) -> list[DemoLogin]:
    """Load the demo into an empty registry, all of it or nothing (an interrupted load leaves
    the registry empty, so the next start loads it again); refuses one that holds anything."""
    with uow.all_or_nothing():
        if not is_empty(uow):
            raise ConflictError(
                "the registry is not empty; the demo loads only into an empty one")
        now = clock.now()
        start = Clock(now - timedelta(days=760))
        people = {p.key: services.register_person(uow, start, p.national_number, p.name,
                                                  has_eid=p.has_eid) for p in PERSONS}
        orgs = {key: services.register_organisation(
            uow, start, name, group.value,
            None if number is None else enterprise_number(number),
            [people[k].id for k in REPRESENTATIVES[key]]) for key, name, group, number in
            ORGANISATIONS}
        _history(_Builder(uow, now, people, orgs))
    return persons(uow)


def _history(b: _Builder) -> None:
    """Everything after the registrations, in the order it happened."""
    kiosk, manager, executor = (RightKind.KIOSK_APPLICANT, RightKind.MANDATE_MANAGER,
                                RightKind.MANDATE_EXECUTOR)
    # The providers and the applicants set up their user management.
    b.appoint(-750, "dossierwerk", "griet", "pieter")
    b.employ(-750, "dossierwerk", "pieter", "pieter")
    b.grant(-745, b.employ(-745, "dossierwerk", "pieter", "sofie"), "pieter", manager)
    b.appoint(-740, "kempen", "koen", "elke")
    b.grant(-740, b.employ(-740, "kempen", "elke", "elke"), "elke", manager)
    b.appoint(-720, "heidebeek", "dirk", "liesbeth")
    b.grant(-700, b.employ(-700, "dossierwerk", "pieter", "jonas"), "pieter", executor)
    lotte = b.grant(-600, b.employ(-600, "dossierwerk", "pieter", "lotte"), "pieter", executor)
    b.grant(-500, b.employ(-500, "zoldering", "marc", "nathalie"), "marc", kiosk)
    b.grant(-400, b.employ(-400, "heidebeek", "liesbeth", "eva"), "liesbeth", kiosk)
    # Expired: Jef's mandate ended 35 days ago.
    b.sign(-399, "elke", b.mandate(-400, "jef", "jef", "kempen", end=-35))
    b.appoint(-300, "atelier", "hilde", "tom")
    b.grant(-300, b.employ(-300, "atelier", "tom", "tom"), "tom", executor)
    # Active: given by an economic actor, and (below) by persons.
    b.sign(-299, "sofie", b.mandate(-300, "marc", "zoldering", "dossierwerk"))
    lien = b.sign(-249, "elke", b.mandate(-250, "lien", "lien", "kempen"))
    b.sign(-199, "sofie", b.mandate(-200, "an", "an", "dossierwerk"))
    hanne = b.sign(-149, "sofie", b.mandate(-150, "hanne", "hanne", "dossierwerk"))
    stijn = b.sign(-119, "elke", b.mandate(-120, "stijn", "stijn", "kempen"))
    b.grant(-90, b.employ(-90, "kempen", "elke", "bram", end=90), "elke", executor, end=90)
    # Stopped by the giver last month.
    services.stop_mandate(b.uow, b.clock(-30), b.people["stijn"].id, stijn.id)
    # Refused by the provider.
    klankkast = b.mandate(-20, "sarah", "klankkast", "kempen")
    services.refuse_mandate(b.uow, b.clock(-18), b.people["elke"].id, klankkast.id)
    # Transferred from Subsidiehulp Kempen to Dossierwerk, accepted 14 days ago.
    services.transfer_mandate(b.uow, b.clock(-15), b.people["lien"].id, lien.id,
                              b.party("dossierwerk"))
    b.sign(-14, "sofie", lien)
    # A right withdrawn, and a newcomer without rights.
    services.withdraw_right(b.uow, b.clock(-10), b.people["pieter"].id, lotte)
    b.employ(-7, "dossierwerk", "pieter", "ahmed")
    # ... who asked his local administrators for a right two days ago: on Pieter's to-do list.
    requests.request_right(b.uow, b.clock(-2), b.people["ahmed"].id, b.orgs["dossierwerk"].id,
                           RightKind.MANDATE_EXECUTOR.value)
    # Awaiting the taker: a provider without a mandate manager.
    b.mandate(-5, "ruben", "kelder", "atelier")
    # A transfer proposed 3 days ago, awaiting Subsidiehulp Kempen.
    services.transfer_mandate(b.uow, b.clock(-3), b.people["hanne"].id, hanne.id,
                              b.party("kempen"))
    # Awaiting the giver: the provider created it. Awaiting the taker: a person.
    b.mandate(-2, "elke", "wim", "kempen")
    b.mandate(-1, "wim", "wim", "katrien")

    year = b.day(0).year
    for applicant, title, status in (
            ("zoldering", f"Projectsubsidie podiumkunsten {year}", "submitted"),
            ("zoldering", f"Werkingssubsidie {year + 1}-{year + 5}", "draft"),
            ("an", f"Beurs voor beeldend kunstenaars {year}", "submitted"),
            ("lien", f"Ontwikkelingsbeurs illustratie {year}", "draft"),
            ("hanne", f"Schrijfbeurs theater {year}", "draft"),
            ("kelder", f"Werkingssubsidie jeugdwerk {year}", "draft"),
            ("heidebeek", f"Subsidie lokaal cultuurbeleid {year}", "submitted"),
            ("academie", f"Projectsubsidie deeltijds kunstonderwijs {year}", "draft"),
            ("fanfare", f"Subsidie amateurkunsten {year}", "draft"),
            ("grenslicht", f"Grensoverschrijdend cultuurproject {year}", "draft")):
        b.dossier(applicant, title, status)


def load_if_empty(uow_factory: Callable[[], UnitOfWork], clock: Clock) -> bool:
    """Load the demo when the registry is empty (demo mode); True when it was loaded."""
    uow = uow_factory()
    if not is_empty(uow):
        return False
    load(uow, clock)
    return True


@dataclass(frozen=True, slots=True)
class DemoLogin:
    """A demo person as `mandaatwijzer demo` lists them: the stored id, name and description."""

    id: str
    name: str
    description: str


def persons(uow: UnitOfWork, lang: str = "nl") -> list[DemoLogin]:
    """The demo persons stored in this registry, in the order of `PERSONS`, with their role."""
    found = []
    with uow:
        for demo in PERSONS:
            person = uow.repo.person_by_number(NationalNumber(demo.national_number))
            if person is not None:
                found.append(DemoLogin(person.id, person.name, demo.description(lang)))
    return found


__all__ = [
    "ORGANISATIONS",
    "PERSONS",
    "REPRESENTATIVES",
    "DemoLogin",
    "DemoPerson",
    "enterprise_number",
    "is_empty",
    "load",
    "load_if_empty",
    "national_number",
    "persons",
]
