"""Invoice fields from labelled values in several languages (English, French, Dutch, German, Polish).

Labels, layouts and identifiers are cues, never memorised vendors: every value is a string
found in the text (next to a label in any of the languages, before or after it since PDF text
layers swap right-aligned columns, or matched by its own format: IBAN, VAT id, amounts), and
points to where it stands.

How each field is chosen:

- ``amount``: the largest amount labelled as a total to pay (TTC, incl. VAT, brutto, grand
  total, ...); confirmed when an untaxed amount plus a tax amount written in the document add up
  to it, or when it is written several times.
- ``amount_untaxed``: the amount labelled HT / excl. VAT / netto / subtotal, or the amount that
  with a tax amount at a plausible VAT rate adds up to the total (tables without labels).
- ``date``: the date next to an invoice-date label, over due, order, delivery and period dates.
- ``invoice_number``: the token next to an invoice-number label (customer, order and account
  numbers are not it).
- ``currency``: the dominant ISO code or symbol.
- ``vat``: a valid VAT id next to a VAT label, not in the customer's block ("your VAT number").
- ``issuer``: the seller's name from several cues that vote: a "sold by / seller / from" block,
  the letterhead or footer line with a legal form, the account holder, the line beside the VAT
  id or IBAN, and the name the website or e-mail domain spells. The form written most often wins.

Confidence is high only when independent cues agree and validators pass.

A module per field (``amounts``, ``currency``, ``dates``, ``number``, ``identifiers``, ``issuer``)
over the shared ``lines`` and ``customer`` (the block no seller field may come from).
"""
from __future__ import annotations

from extraction.doctypes.registry import default_registry
from extraction.evidence import DocText
from extraction.fields.result import FieldResult, decide
from extraction.fields.invoice.amounts import amounts_in, extract_money, label_money
from extraction.fields.invoice.currency import extract_currency
from extraction.fields.invoice.customer import customer_lines
from extraction.fields.invoice.dates import extract_dates
from extraction.fields.invoice.identifiers import extract_iban, extract_vat
from extraction.fields.invoice.issuer import extract_issuer
from extraction.fields.invoice.lines import line_at, split_lines
from extraction.fields.invoice.number import extract_invoice_number

# The thresholds are the type's (x-threshold in extraction/doctypes/default_types.json): one place.
THRESHOLDS = default_registry()["invoice"].thresholds_by_field()


def extract(doc: DocText, runtime=None) -> dict[str, FieldResult]:
    fields: dict[str, FieldResult] = {}
    lines = split_lines(doc)
    if not lines:
        return fields
    customer = customer_lines(lines)
    money = extract_money(doc, lines)
    label_money(money, lines)
    fields.update(amounts_in(doc, lines, money))
    currency = extract_currency(doc)
    if currency is not None:
        fields["currency"] = currency
    found_date = extract_dates(doc, lines, currency.value if currency else None)
    if found_date is not None:
        fields["date"] = found_date
    number = extract_invoice_number(doc, lines)
    if number is not None:
        fields["invoice_number"] = number
    iban, iban_values = extract_iban(doc)
    if iban is not None:
        fields["iban"] = iban
    vat = extract_vat(doc, lines, customer, iban_values)
    if vat is not None:
        fields["vat"] = vat
    anchors = []
    for result in (vat, iban):
        if result is not None and result.evidence:
            line = line_at(lines, doc.global_offset(result.evidence[0]))
            if line is not None:
                anchors.append(line.index)
    issuer = extract_issuer(doc, lines, customer, anchors)
    if issuer is not None:
        fields["issuer"] = issuer
    for name, result in fields.items():
        decide(result, THRESHOLDS[name])
    return fields
