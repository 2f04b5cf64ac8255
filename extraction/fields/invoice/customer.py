"""The customer's block (bill to, ship to): its lines are not the seller's, so other fields skip them."""
from __future__ import annotations

import re

from extraction.fields.invoice.issuer import SELLER_LABEL
from extraction.fields.invoice.lines import Line


CUSTOMER_LABEL = re.compile(
    r"bill(?:ed)?\s*to|ship(?:ped)?\s*to|sold\s*to|invoice\s*to|deliver(?:y|ed)?\s*(?:to|address)|billing\s*address|"
    r"shipping\s*address|customer|client\b|buyer|\battn\b|nabywca|odbiorca|factuuradres|afleveradres|"
    r"factur[ée]\s*[àa]|adresse\s*de\s*(?:facturation|livraison)|rechnungsempf[äa]nger|lieferadresse|kunde\b|"
    r"käufer|\bklant\b|\bt\.?\s?a\.?\s?v\b|z\.?\s?hd\.?|[àa]\s*l['’]attention|\bto\s*:|\bguest\b",
    re.I)
# "your VAT number", "Uw BTW nummer": the customer's, on that line only
POSSESSIVE = re.compile(r"\buw\b|\byour\b|\bvotre\b|\bihre?\b|\btwój\b|\bnabywc", re.I)


ATTENTION = re.compile(r"\battn\b|\bt\.?\s?a\.?\s?v\b|z\.?\s?hd\.?|[àa]\s*l['’]attention|\battention\b", re.I)


def customer_lines(lines: list[Line]) -> set[int]:
    """Lines of blocks introduced by a customer label (the label's line and up to 4 after)."""
    out: set[int] = set()
    for line in lines:
        if CUSTOMER_LABEL.search(line.text) and not SELLER_LABEL.search(line.text):
            if ATTENTION.search(line.text) and line.index > 0:
                out.add(line.index - 1)  # "Strategic Corp" / "T.a.v. bosd": the name above is the addressee's
            for j in range(line.index, min(len(lines), line.index + 5)):
                if j > line.index and (SELLER_LABEL.search(lines[j].text)):
                    break
                out.add(j)
    return out
