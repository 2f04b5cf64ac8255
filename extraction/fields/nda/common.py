"""What several NDA fields share: the whitespace their patterns allow, where an agreement's opening part
ends and its signing part starts, and the key that compares values."""
from __future__ import annotations

import re

_WS = r"[\s\u00a0]+"
# The opening part (preamble) ends where the recitals or the operative text begin.
_PREAMBLE_STOP = re.compile(r"\b(?:WHEREAS|RECITALS?|BACKGROUND|W\s*I\s*T\s*N\s*E\s*S\s*S\s*E\s*T\s*H|NOW,?\s+THEREFORE)\b")
# The signing part starts at 'IN WITNESS', a letter's closing or an acceptance caption.
_SIGN_START = re.compile(
    r"\bIN\s+WITNESS\b|\b(?:very\s+truly\s+yours|sincerely(?:\s+yours)?|yours\s+(?:truly|sincerely|faithfully))\b"
    r"|\b(?:accepted|agreed|acknowledged|confirmed)(?:,?\s+(?:and|&)\s+(?:accepted|agreed|acknowledged|confirmed))?"
    r"(?:\s+(?:to|by))?(?:\s+as\s+of)?\s*[:,]?\s*$",
    re.I | re.M,
)


def _value_key(value):
    return re.sub(r"[\W_]+", "", str(value).casefold())
