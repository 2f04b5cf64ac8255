"""Zero-shot ranking: a field's candidates scored from its schema alone.

The score is the encoder's similarity between the field's name and description and the
candidate's context, plus generic priors weighted by hand per kind of value (the weights were
chosen on renamed receipts; see bench/general_bench.py for what they reach). Nothing here knows a
type or a field by name. Confidence is capped below the default threshold: a zero-shot value goes
to a person until a specialist is trained (specialists.py) or calibration says otherwise.
"""
from __future__ import annotations

import numpy as np

from extraction.fields.general.features import CandidateTable
from extraction.fields.general.kinds import Kind

# A zero-shot value is never confident enough to pass the default threshold (0.9) on its own.
CONFIDENCE_CAP = 0.8
# Softmax temperature over scores: how sharply the best candidate's margin becomes confidence.
TEMPERATURE = 0.1

PRIOR_WEIGHTS = {"repeats": 0.05, "label_before": 0.05}
KIND_WEIGHTS = {
    # The amount a document is about is stated more than once (total, amount due), is among its largest,
    # and agrees with the other figures (the items add up to it; paid less change is it), where a round
    # sum handed over, larger still, does not. Chosen on renamed receipts 151-350, where the amount paid
    # went 0.52 -> 0.75; on receipts 351-425, 0.733 -> 0.840.
    # The figure after an adjustment (rounding to the coin, a fee) over the one before it: chosen on renamed receipts
    # 26-150, the amount paid 0.847 -> 0.879 (weight 0.2; 0.1 gave 0.871); on receipts 151-400, 0.756 -> 0.792.
    # The amount charged is a subtotal plus its tax, fee or service charge printed beside it ("taxed"), and no part of a
    # larger sum ("subsumed": a subtotal, or one section's total before a grand total). Chosen on renamed receipts
    # under three descriptions: the amount right 162 -> 191, 168 -> 189 of 224 (receipts 26-250), 224 -> 241 of 275
    # (151-425), 142 -> 152 and 147 -> 152 of 175 (251-425). A subsumed weight of 0.2 lost 18 and 9 there on one
    # bakery's delivery notes (its 6% section's total, tax included, over the grand total); "taxed" alone or with a
    # share of 0.15, or any two amounts instead of two printed together: worse.
    Kind.AMOUNT: {"repeats": 0.2, "largest": 0.1, "magnitude": 0.1, "first_of_value": -0.05, "arithmetic": 0.5,
                  "adjusted": 0.2, "taxed": 0.3, "subsumed": -0.4},
    # A free-text field the schema describes is most often in the document's first lines, on a line of its own,
    # written in words (not a line of codes and figures), and without the bracketed code a name may carry.
    # A value over several lines is whole: it neither starts nor ends on a line that runs on; a label is no value.
    # An organisation named with its legal form is a name: not the value of a field that asks for something else
    # (an address), where it would otherwise win as a few words from the top lines ("MARKETING SDN BHD").
    Kind.TEXT: {"top": 0.5, "source=line": 0.1, "source=line_head": 0.12, "label_before": 0.0, "letters": 0.3,
                "open_start": -0.2, "open_end": -0.2, "holds_label": -0.2, "holds_code": -0.2, "source=legal_name": -0.3},
}
# A free-text field that asks for the names of people or organisations (kinds.asks_for_names): a name is written
# capitalised in a few words, is not a place, and is often among the names the PII stage found (only a little:
# on receipts that stage also finds organisations in item lines). Chosen on renamed NDAs 51-110 (parties
# 0.179 -> 0.299) and receipts 151-250 (the shop's name 0.45 -> 0.50; under another description 0.54 -> 0.57);
# PII names weighed 0.15 took the parties to 0.342 but the shop's name down to 0.41.
# A legal name's 0 undoes the -0.3 free text gives it (KIND_WEIGHTS): +0.05 took the receipts' shop name 0.72 -> 0.67.
# A name is written whole: a candidate that starts or ends inside a run of capitalised words ("AEON CO." of "AEON CO.
# (M) BHD", a PII span or a legal form's shorter reading) weighs 0.2 down. Chosen on renamed receipts 26-250 (the
# shop's name right 113 -> 139 of 225 under a plain description, 175 -> 193 of 275 on receipts 151-425 under another)
# and NDAs 51-180 (parties 74 -> 79 and 68 -> 75 of 248 under two descriptions); 0.1 and 0.3 did no better.
# A candidate that holds a name the PII stage found, and is more than that span (a legal name around a "person", the
# shop's line around it), is the name written whole: 0.2 up. On the same NDAs the parties went 79 -> 94 and 75 -> 91
# of 248 (the lists shorter, 1.7 -> 1.4 names, and 0.35 -> 0.50 of their names right); receipts' shop names +2, +11
# and -2 under three descriptions (0.1: NDAs +10 fewer; 0.3: NDAs +10 more, receipts -6).
NAME_WEIGHTS = {"source=pii:PERSON": 0.05, "source=pii:ORGANIZATION": 0.05, "source=pii:LOCATION": -0.3,
                "source=pii:STREET_ADDRESS": -0.3, "capitalised": 0.2, "long": -0.3, "source=legal_name": 0.0,
                "cuts_a_name": -0.2, "holds_a_name": 0.2}
# A free-text field that asks for a postal address (kinds.asks_for_address): an address is written in figures and
# words, often over several lines, and holds a place the PII stage found. Chosen on renamed receipts 26-125 under
# three descriptions of the shop's address (right 26 -> 33, 5 -> 36 and 27 -> 33 of 100).
# An address holds no company named with its legal form (the shop's name line above it, "UNIHAKKA INTERNATIONAL SDN
# BHD" over a date): 0.2 down took the shop's address 83 -> 87, 84 -> 87 and 150 -> 161 right on renamed receipts
# 26-250, 26-250 and 151-425 under three descriptions (0.1: 87, 86, 158; 0.3: 88, 87, 162).
# A labelled line ("SITE: 2395", "TELEPHONE: ...") is no line of an address: a block holding one weighs 0.4 down, not
# free text's 0.2: the address right 87 -> 88, 87 -> 96, 161 -> 164, 123 -> 127 and 116 -> 116 on the five slices of
# the amount weights above (0.5: the same but one).
# An address opens on a figure (its number: "9, JALAN ...", "LOT 3"), not on the shop's name line above it: a block
# whose first line holds one, 0.2 up. Zero-shot's address on renamed receipts 201-275 0.547 -> 0.627 (where the
# cause was found), 351-425 under four descriptions 0.920 -> 0.920, 0.933 -> 0.947, 0.827 -> 0.867, 0.893 -> 0.920,
# 100 spread over 51-425 0.580 -> 0.620 (0.4: 0.627 on the first; 0.2 with 0.1 for a last line holding a figure too,
# "IOI MALL" under an address: 0.613). Specialists, which read zero-shot's answer, within two receipts of before.
ADDRESS_WEIGHTS = {"figures_and_words": 0.2, "several_lines": 0.1, "holds_place": 0.1, "holds_legal_name": -0.2,
                   "holds_label": -0.4, "opens_with_figures": 0.2}
# An amount asked for before tax (kinds.asks_for_amount_before_tax) is the subtotal that its tax is added to: the
# amount weights for the sums, the other way round.
BEFORE_TAX_WEIGHTS = {"taxed": -0.3, "subsumed": 0.4}
# Free text: how far the candidate's lines read like the field (features.line_relevance). Chosen with the boundary
# weights above on renamed receipts 1-150: the shop's address went from never right to 0.20 (0.295 on receipts
# 151-350); 0.8 or 1.2 did worse on both sets.
RELEVANCE_WEIGHT = 1.0
# A candidate that fails the field's validators (a VAT number in no known format, an IBAN whose checksum fails)
# is rarely the value; one that passes gains this much.
VALID_WEIGHT = 0.3


def score(table: CandidateTable) -> np.ndarray:
    # A later table's weight replaces an earlier one of the same name, it does not add to it: an address's
    # "holds_label" -0.4 is the whole weight, not -0.4 on top of free text's -0.2.
    weights = {**PRIOR_WEIGHTS, **KIND_WEIGHTS.get(table.kind, {}), **(NAME_WEIGHTS if table.names else {}),
               **(ADDRESS_WEIGHTS if table.address else {}), **(BEFORE_TAX_WEIGHTS if table.before_tax else {})}
    prior = np.array([sum(w * row.get(name, 0.0) for name, w in weights.items()) for row in table.rows], dtype=np.float32)
    scores = table.context_similarity + prior
    if table.line_relevance is not None:
        scores = scores + RELEVANCE_WEIGHT * table.line_relevance
    if table.valid is not None:
        scores = scores + VALID_WEIGHT * table.valid
    return scores


def confidences(scores: np.ndarray) -> np.ndarray:
    """Each candidate's softmax probability among all, capped (zero-shot stays doubtful)."""
    shifted = np.exp((scores - scores.max()) / TEMPERATURE)
    return np.minimum(CONFIDENCE_CAP, (shifted / shifted.sum()).astype(np.float64))
