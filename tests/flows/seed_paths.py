"""The eleven answer paths of shared/docs/seed-reading.md, written out independently of the flow."""

from __future__ import annotations

LB, MB = "lokale-beheerder", "mandaatbeheerder"

#: (answers in the order they are given, outcome) — the table "The answer paths (eleven)".
SEED_PATHS: list[tuple[list[tuple[str, str]], str]] = [
    ([("rol", LB), ("eid", "nee")], "geen-eid"),
    ([("rol", MB), ("eid", "nee")], "geen-eid"),
    ([("rol", LB), ("eid", "ja"), ("is-lokale-beheerder", "ja"), ("uitvoerder-recht", "ja")],
     "recht-mandaatuitvoerder"),
    ([("rol", LB), ("eid", "ja"), ("is-lokale-beheerder", "ja"), ("uitvoerder-recht", "nee"),
      ("beheer-recht", "ja")], "recht-mandaatbeheerder"),
    ([("rol", LB), ("eid", "ja"), ("is-lokale-beheerder", "ja"), ("uitvoerder-recht", "nee"),
      ("beheer-recht", "nee")], "geen-recht"),
    ([("rol", LB), ("eid", "ja"), ("is-lokale-beheerder", "nee"), ("wil-mandaat", "nee")],
     "geen-mandaat"),
    ([("rol", LB), ("eid", "ja"), ("is-lokale-beheerder", "nee"), ("wil-mandaat", "ja"),
      ("is-mandaatbeheerder", "nee")], "vraag-recht"),
    ([("rol", LB), ("eid", "ja"), ("is-lokale-beheerder", "nee"), ("wil-mandaat", "ja"),
      ("is-mandaatbeheerder", "ja")], "mandaat-afsluiten"),
    ([("rol", MB), ("eid", "ja"), ("wil-mandaat", "nee")], "geen-mandaat"),
    ([("rol", MB), ("eid", "ja"), ("wil-mandaat", "ja"), ("is-mandaatbeheerder", "nee")],
     "vraag-recht"),
    ([("rol", MB), ("eid", "ja"), ("wil-mandaat", "ja"), ("is-mandaatbeheerder", "ja")],
     "mandaat-afsluiten"),
]

#: Every Dutch text of the seed, recognition noise fixed, by the node it belongs to.
SEED_TEXTS_NL = {
    "rol": "Ik ben:",
    "eid": "Ik heb een Belgische eID.",
    "is-lokale-beheerder": "Ik ben lokale beheerder van een externe dienstverlener in het "
    "Gebruikersbeheer van de Vlaamse overheid.",
    "uitvoerder-recht": "Ik wil mandaatuitvoerder-recht toekennen aan een collega.",
    "beheer-recht": "Ik wil mandaatbeheer-recht toekennen aan een collega.",
    "wil-mandaat": "Ik wil een mandaat afsluiten met een aanvrager.",
    "is-mandaatbeheerder": "Ik ben mandaatbeheerder van een externe dienstverlener in het "
    "Gebruikersbeheer van de Vlaamse overheid.",
    "geen-eid": "Je kunt geen rechten toekennen of mandaten afsluiten in naam van een externe "
    "dienstverlener.",
    "recht-mandaatuitvoerder": "De lokale beheerder van de externe dienstverlener wil een "
    "medewerker van de externe dienstverlener het recht ‘SSM Mandaatuitvoerder’ toekennen.",
    "recht-mandaatbeheerder": "De lokale beheerder van de externe dienstverlener wil een "
    "medewerker van de externe dienstverlener het recht ‘SSM Mandaatbeheerder’ toekennen.",
    "geen-mandaat": "Je wilt geen mandaat met een aanvrager afsluiten. Start opnieuw voor andere "
    "mogelijkheden.",
    "vraag-recht": "Vraag aan je lokale beheerder om je het recht als mandaatbeheerder toe te "
    "kennen.",
    "mandaat-afsluiten": "De mandaatbeheerder sluit in naam van de externe dienstverlener het door "
    "de aanvrager toegekende mandaat af via het Self Service Mandatenbeheer (SSM) voor Vlaamse "
    "mandaten.",
}

SEED_NOTES_NL = {
    "recht-mandaatuitvoerder": "De mandaatuitvoerder kan in naam van externe dienstverlener "
    "dossiers van aanvragers beheren.",
    "recht-mandaatbeheerder": "De mandaatbeheerder kan mandaten afsluiten in naam van de externe "
    "dienstverlener.",
}

SEED_TITLE = "Externe dienstverlener"
SEED_INTRO = ("Ik wens rechten toe te kennen of mandaten te sluiten in naam van de externe "
              "dienstverlener.")
SEED_SCOPE_NOTE = ("De externe dienstverlener kan dossiers beheren voor personen met eID of voor "
                   "organisaties met ondernemingsnummer (met name voor economische actoren, dus "
                   "niet voor lokale besturen)")
SEED_ROLE_BUTTONS = {"lokale-beheerder": "LOKALE BEHEERDER", "mandaatbeheerder": "MANDAATBEHEERDER"}

HOWTO_URL = ("https://www.vlaanderen.be/cjm/nl/"
             "ik-wil-rechten-en-mandaten-voor-een-externe-dienstverlener-instellen")
GLOSSARY_URL = "https://www.vlaanderen.be/cjm/nl/mandaten-en-rechten-begrippenlijst"

#: The buttons of each outcome in the seed: label and kind.
SEED_BUTTONS = {
    "geen-eid": [("restart", "TERUG NAAR HET BEGIN")],
    "recht-mandaatuitvoerder": [("howto", "LEES HIER HOE JE DAT DOET")],
    "recht-mandaatbeheerder": [("howto", "LEES HIER HOE JE DAT DOET")],
    "geen-recht": [("restart", "TERUG NAAR HET BEGIN")],
    "geen-mandaat": [("restart", "START OPNIEUW")],
    "vraag-recht": [("restart", "TERUG NAAR HET BEGIN")],
    "mandaat-afsluiten": [("howto", "LEES HIER HOE JE DAT DOET")],
}

#: Glossary links the seed shows beside each box (the begrippenlijst addresses), by count.
SEED_GLOSSARY_LINK_COUNTS = {
    "start": 2,
    "is-lokale-beheerder": 3,
    "uitvoerder-recht": 1,
    "beheer-recht": 1,
    "is-mandaatbeheerder": 1,
}
