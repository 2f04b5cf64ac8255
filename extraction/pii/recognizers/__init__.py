"""The recognizers enabled by a PiiConfig, built once per analyzer."""
from __future__ import annotations

from ..config import PiiConfig
from . import address, contact, finance, identifiers, national_ids, organizations, temporal
from .names import NameRecognizer
from .ner import NerRecognizer
from .phone import PhoneRecognizer
from .places import PlaceRecognizer

_FACTORIES = {
    "EMAIL_ADDRESS": contact.email,
    "URL": contact.url,
    "IP_ADDRESS": contact.ip_address,
    "IBAN_CODE": finance.iban,
    "CREDIT_CARD": finance.credit_card,
    "EU_VAT": finance.eu_vat_number,
    "US_SSN": identifiers.us_ssn,
    "US_DRIVER_LICENSE": identifiers.us_driver_license,
    "ID_NUMBER": identifiers.id_number,
    "DATE_TIME": temporal.dates,
    "DATE_OF_BIRTH": temporal.dates_of_birth,
    "AGE": temporal.ages,
    "PHONE_NUMBER": PhoneRecognizer,
    "STREET_ADDRESS": address.AddressRecognizer,
    "ZIP_CODE": address.zip_code,
    "PERSON": NameRecognizer,
    "LOCATION": PlaceRecognizer,
    "ORGANIZATION": organizations.organization,
}


def build_recognizers(config: PiiConfig) -> list:
    recognizers = [factory() for entity, factory in _FACTORIES.items() if entity in config.entities]
    if "NATIONAL_ID" in config.entities and config.national_ids:
        recognizers.append(national_ids.national_id(config.national_ids))
    recognizers.append(NerRecognizer(config.entities))
    return recognizers
