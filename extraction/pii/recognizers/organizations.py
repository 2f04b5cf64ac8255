"""Organisations named with a legal form or an institution word.

spaCy's ORG label is noisy; a capitalised name ending in "Inc.", "GmbH",
"Bank", "Insurance Company" and the like is not.
"""
from __future__ import annotations

from .base import RegexRecognizer, rule

_FORMS = (
    r"inc|incorporated|corp|corporation|co|company|ltd|limited|llc|llp|lp|plc|gmbh|ag|kg|sa|sas|"
    r"sarl|srl|spa|s\.p\.a|bv|b\.v|nv|n\.v|ab|as|a/s|oy|oyj|sp\. z o\.o|kft|s\.r\.o|group|holdings|"
    r"bank|insurance|assurance|foundation|trust|association|institute|university|college|school|"
    r"hospital|clinic|agency|airlines|hotels?|services|partners|enterprises|industries|"
    r"solutions|technologies|systems|labs|counseling|center|centre|initiative|society"
)
_CAP = r"(?:[A-Z][\w'&.-]*|&|of|and|the|for|de|du|la)"


def organization():
    return RegexRecognizer("ORGANIZATION", [
        rule(rf"\b[A-Z][\w'&.-]*(?:[ ](?:{_CAP})){{0,5}}[ ,]+(?:{_FORMS})\b\.?", 0.65, flags=0),
        rule(rf"\b[A-Z][\w'&.-]*(?:[ ](?:{_CAP})){{0,5}}[ ,]+(?i:{_FORMS})\b\.?", 0.65, flags=0),
    ])
