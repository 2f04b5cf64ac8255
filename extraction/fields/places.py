"""Places whose law can govern an agreement: the US states and territories and the countries and
provinces contracts name. Shared by the NDA extractor (its jurisdiction finds them after "laws of";
its party rules do not take "Delaware corporation" for a name) and the ``known_place`` validator
(which sends any other governing law to a person)."""
from __future__ import annotations

US_STATES = [
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware",
    "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas", "Kentucky",
    "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan", "Minnesota", "Mississippi",
    "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire", "New Jersey", "New Mexico",
    "New York", "North Carolina", "North Dakota", "Ohio", "Oklahoma", "Oregon", "Pennsylvania",
    "Rhode Island", "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah", "Vermont",
    "Virginia", "Washington", "West Virginia", "Wisconsin", "Wyoming", "District of Columbia",
    "Puerto Rico",
]
COUNTRIES = [
    "England and Wales", "England", "Scotland", "Ireland", "Northern Ireland", "United Kingdom",
    "Canada", "Ontario", "British Columbia", "Quebec", "Alberta", "Australia", "New South Wales",
    "Victoria", "New Zealand", "Germany", "France", "Switzerland", "Netherlands", "The Netherlands",
    "Belgium", "Luxembourg", "Austria", "Italy", "Spain", "Portugal", "Sweden", "Norway", "Denmark",
    "Finland", "Iceland", "Poland", "Czech Republic", "Hungary", "Israel", "Japan", "China",
    "People's Republic of China", "Hong Kong", "Singapore", "India", "Korea", "Republic of Korea",
    "Taiwan", "Malaysia", "Brazil", "Mexico", "Argentina", "Chile", "South Africa", "Bermuda",
    "Cayman Islands", "British Virgin Islands", "Russian Federation", "Russia", "Cyprus", "Greece",
    "Turkey", "United Arab Emirates",
]

# Spellings of one place that should come out the same.
_SAME_PLACE = {"the netherlands": "Netherlands"}
_KNOWN = {p.casefold() for p in US_STATES + COUNTRIES}


def canonical_place(name: str) -> str:
    return _SAME_PLACE.get(name.casefold(), name)


def is_known_place(name: str) -> bool:
    return " ".join(str(name).split()).casefold() in _KNOWN
