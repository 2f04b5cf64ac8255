"""Places whose law can govern an agreement: the US states and territories and the countries and
provinces contracts name. Shared by the NDA extractor (its jurisdiction finds them after "laws of";
its party rules do not take "Delaware corporation" for a name) and the ``known_place`` validator
(which sends any other governing law to a person)."""
from __future__ import annotations

import re

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

# Places the extractor does not look for (its list is tuned to what agreements name after "laws of")
# but a reviewer may rightly type: the validator knows them too.
OTHER_PLACES = [
    "United States", "United States of America", "USA", "Guam", "US Virgin Islands", "American Samoa",
    "Northern Mariana Islands", "Manitoba", "Saskatchewan", "Nova Scotia", "New Brunswick",
    "Newfoundland and Labrador", "Prince Edward Island", "Yukon", "Northwest Territories", "Nunavut",
    "Queensland", "South Australia", "Western Australia", "Tasmania", "Northern Territory",
    "Australian Capital Territory", "Wales", "Jersey", "Guernsey", "Isle of Man", "Gibraltar", "Liechtenstein",
    "Monaco", "Malta", "Estonia", "Latvia", "Lithuania", "Slovakia", "Slovenia", "Croatia", "Romania",
    "Bulgaria", "Serbia", "Ukraine", "Egypt", "Nigeria", "Kenya", "Morocco", "Saudi Arabia", "Qatar",
    "Bahrain", "Kuwait", "Jordan", "Lebanon", "Pakistan", "Bangladesh", "Sri Lanka", "Thailand", "Vietnam",
    "Indonesia", "Philippines", "Colombia", "Peru", "Venezuela", "Uruguay", "Panama", "Costa Rica",
    "Bahamas", "Barbados", "Jamaica", "Mauritius", "Macau", "Hong Kong SAR",
]
# Spellings of one place that should come out the same.
_SAME_PLACE = {"the netherlands": "Netherlands"}
_KNOWN = {p.casefold() for p in US_STATES + COUNTRIES + OTHER_PLACES}
_PREFIX = re.compile(r"^(?:the\s+)?(?:(?:state|commonwealth|province|republic|kingdom)\s+of\s+(?:the\s+)?)?", re.I)


def canonical_place(name: str) -> str:
    name = " ".join(name.split())
    return _SAME_PLACE.get(name.casefold(), name)


def place_alternation(names: list[str]) -> str:
    """A regex alternation of ``names``, longest first, each name's words apart by any whitespace: a PDF's text
    wraps its lines inside a name ("the laws of the State of New\nJersey"), where a space alone finds "Jersey"."""
    return "|".join(r"\s+".join(re.escape(word) for word in name.split())
                    for name in sorted(names, key=len, reverse=True))


def is_known_place(name: str) -> bool:
    """Whether ``name`` is a state, province or country, as written by the extractor or a reviewer
    ("State of New York", "England & Wales" and "the Netherlands" included)."""
    text = " ".join(str(name).replace("&", " and ").split())
    return text.casefold() in _KNOWN or _PREFIX.sub("", text).casefold() in _KNOWN
