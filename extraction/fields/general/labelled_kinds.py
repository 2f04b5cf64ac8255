"""The kind of value a field holds, as its labelled examples show it: what training trusts over the description.

A field whose schema says only "a string" has its kind read from its name and description (kinds.py), and a
short or unusual description is misread: "issued: Issue date." as free text, "bound parties: Parties." as a
place. A misread kind cannot be learned away, since the kind decides the candidates: no line of text is ever
exactly a date. The labels say it plainly, so training looks at which kind's candidates reach them. The
schema's own word (``format``, validators) is never overruled.
"""
from __future__ import annotations

from extraction.doctypes.registry import TypeSpec
from extraction.fields.general import Encoder, kind_of_field
from extraction.fields.general.candidates import propose
from extraction.fields.general.kinds import Kind, declared_kind
from extraction.fields.general.matching import matches_label

# How many labelled documents are looked at (candidates only, no model: 10-80 ms a document, NDAs the longest).
SAMPLE = 50
# Another kind replaces the described one only when its candidates reach at least this share of the labels, and
# this much more of them than the described kind's. Free text is the exception: its candidates are every line,
# phrase and name, so they reach a date or a place standing alone after its label as well, and a typed kind that
# reaches (nearly) as many labels is the more exact reading. On the evaluation set's receipts and NDAs (40 of each)
# and its 12 invoices, the right kind's candidates reach 0.55-1.00 of the labels (the invoices' VAT numbers 0.20: too
# few to change anything); free text's reach a receipt's date 0.28 of the time, its total 0.47, an NDA's governing law
# 0.95 (places: 1.00), an invoice number 0.45 (identifiers: 0.55). No wrong typed kind reaches more than 0.09.
ENOUGH = 0.5
CLEARLY_MORE = 0.15
AS_MANY = 0.05


def kind_recalls(documents, field_name: str, proposals: dict | None = None) -> dict[Kind, float]:
    """For each kind, the share of ``documents`` (each with ``.doc`` and ``.labels``) labelled for the field
    where a candidate of that kind equals the label. ``proposals``: candidates already found, shared across fields."""
    labelled = [d for d in documents if d.labels.get(field_name) not in (None, "", [])][:SAMPLE]
    if not labelled:
        return {}
    proposals = {} if proposals is None else proposals
    reached = dict.fromkeys(Kind, 0)
    for item in labelled:
        label = item.labels[field_name]
        for kind in Kind:
            if (id(item), kind) not in proposals:
                proposals[(id(item), kind)] = [p.value for p in propose(item.doc, kind)]
            reached[kind] += any(matches_label(kind, label, value) for value in proposals[(id(item), kind)])
    return {kind: count / len(labelled) for kind, count in reached.items()}


def labelled_kind(described: Kind, recalls: dict[Kind, float]) -> Kind:
    """The described kind, unless another kind's candidates clearly reach more of the labels (or, for a field
    described as free text, a typed kind reaches as many); among those, the one reaching most, typed before free text."""
    if not recalls:
        return described
    reached = recalls.get(described, 0.0)

    def better(kind: Kind) -> bool:
        if recalls[kind] < ENOUGH or kind is described:
            return False
        if described is Kind.TEXT:
            return recalls[kind] >= reached - AS_MANY
        return recalls[kind] >= reached + CLEARLY_MORE

    candidates = [kind for kind in recalls if better(kind)]
    return max(candidates, key=lambda k: (recalls[k], k is not Kind.TEXT)) if candidates else described

def learned_kinds(spec: TypeSpec, documents, encode: Encoder) -> dict[str, Kind]:
    """The kind of each field whose schema states none, as its labelled ``documents`` show it."""
    properties = spec.schema.get("properties", {})
    proposals: dict = {}
    return {f.name: labelled_kind(kind_of_field(spec, f, encode), kind_recalls(documents, f.name, proposals))
            for f in spec.fields if declared_kind(properties.get(f.name, {})) is None}
