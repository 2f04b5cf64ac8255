"""Which extractor handles which document type."""
from __future__ import annotations

from extraction.doctypes.registry import TypeSpec
from extraction.evidence import DocText
from extraction.fields import generic
from extraction.fields.result import FieldResult


def _dedicated():
    from extraction.fields import invoice, nda, receipt

    return {"invoice": invoice.extract, "receipt": receipt.extract, "nda": nda.extract}


def extract_fields(doc: DocText, spec: TypeSpec, runtime=None) -> dict[str, FieldResult]:
    extractor = _dedicated().get(spec.name)
    if extractor is not None:
        return extractor(doc, runtime=runtime)
    return generic.extract(doc, spec, runtime=runtime)
