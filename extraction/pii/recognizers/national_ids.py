"""National identity numbers per country, enabled by configuration.

Each entry: a candidate regex and a python-stdnum validator. Purely numeric
ids collide with phone and account numbers, so they also need a label nearby.
"""
from __future__ import annotations

import importlib

from .base import RegexRecognizer, Rule, rule

_NUM_CONTEXT = (r"\b(?:id|identity|identification|national|personal|citizen|social|insurance|"
                r"tax|ssn|nhs|pesel|bsn|cpr|personnummer|hetu|nir|dni|nie|nif|codice|fiscale|"
                r"rijksregister|fødselsnummer|fodselsnummer|pps|sozialversicherung|ahv|avs|"
                r"steuer|idnr|number|no\.?)\b")

# country -> [(stdnum module, candidate regex, needs a label)]
NATIONAL_IDS: dict[str, list[tuple[str, str, bool]]] = {
    "US": [("us.itin", r"\b9\d{2}-?\d{2}-?\d{4}\b", True)],
    "GB": [("gb.nhs", r"\b\d{3}[ -]?\d{3}[ -]?\d{4}\b", True)],
    "DE": [("de.idnr", r"\b\d{2} ?\d{3} ?\d{3} ?\d{3}\b", True)],
    "FR": [("fr.nir", r"\b[12] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}\b", False)],
    "ES": [("es.dni", r"\b\d{8}-?[A-Z]\b", False), ("es.nie", r"\b[XYZ]-?\d{7}-?[A-Z]\b", False)],
    "IT": [("it.codicefiscale", r"\b[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z]\b", False)],
    "NL": [("nl.bsn", r"\b\d{4}\.?\d{2}\.?\d{3}\b", True)],
    "BE": [("be.nn", r"\b\d{2}\.?\d{2}\.?\d{2}[-. ]?\d{3}[-. ]?\d{2}\b", True)],
    "PL": [("pl.pesel", r"\b\d{11}\b", True)],
    "SE": [("se.personnummer", r"\b(?:\d{2})?\d{6}[-+]\d{4}\b", False)],
    "FI": [("fi.hetu", r"\b\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]\b", False)],
    "DK": [("dk.cpr", r"\b\d{6}-?\d{4}\b", True)],
    "NO": [("no.fodselsnummer", r"\b\d{6} ?\d{5}\b", True)],
    "PT": [("pt.cc", r"\b\d{8} ?\d ?[A-Z]{2}\d\b", False)],
    "IE": [("ie.pps", r"\b\d{7}[A-W][ABWTXZ]?\b", False)],
    "AT": [("at.vnr", r"\b\d{4} ?\d{6}\b", True)],
    "CH": [("ch.ssn", r"\b756\.?\d{4}\.?\d{4}\.?\d{2}\b", False)],
}


def _validator(module_name: str):
    module = importlib.import_module(f"stdnum.{module_name}")
    return lambda value: module.is_valid(value)


def national_id(countries: tuple[str, ...]) -> RegexRecognizer:
    rules: list[Rule] = []
    for country in countries:
        for module_name, pattern, needs_label in NATIONAL_IDS.get(country, []):
            rules.append(rule(pattern, 0.3 if needs_label else 0.75, flags=0,
                              validate=_validator(module_name), context=_NUM_CONTEXT,
                              context_boost=0.5 if needs_label else 0.15,
                              needs_context=needs_label))
    return RegexRecognizer("NATIONAL_ID", rules)
