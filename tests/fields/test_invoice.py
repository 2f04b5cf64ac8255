"""The invoice extractor on invoices written here (no evaluation data is read)."""
from extraction.evidence import DocText
from extraction.fields import invoice
from extraction.fields.result import ACCEPTED

ENGLISH = """\
Northwind Supplies Ltd
12 Harbour Road, Bristol BS1 4QA
VAT Reg No: GB123456789
www.northwind-supplies.co.uk

INVOICE
Invoice Number: NW-2024-0117
Invoice Date: 12 March 2024
Due Date: 11 April 2024
Order Date: 01 March 2024

Bill To:
Contoso Trading BV
Your VAT number: NL987654321B01

Consulting services 10 h x 95.00     950.00
Subtotal                              950.00
VAT 20%                               190.00
Total due                          £1,140.00

Please pay to IBAN GB29 NWBK 6016 1331 9268 19
Northwind Supplies Ltd - registered in England, company no. 01234567
"""

# A Dutch invoice whose text layer puts the values before their labels (right-aligned columns).
DUTCH_SWAPPED = """\
FACTUUR
Zonnebloem Verlichting B.V.
Kerkstraat 10
3511 AB Utrecht
NL001234567B01BTW
NL91ABNA0417164300IBAN
J. Jansen
Dorpsweg 3
1234 AB Ergens
20240042Factuurnummer:
55501Klantnummer:
3 februari 2024Factuurdatum:
1 februari 2024Orderdatum:
Lamp 2 € 49,99 21% € 99,98
Totaal € 1.210,00
Subtotaal € 1.210,00Exclusief BTW € 1.000,00
BTW 21% € 210,00
"""

FRENCH = """\
Atelier Lumière SARL
5 rue des Lilas, 69003 Lyon
Facture n° F-2023-889 du 15/11/2023
Client : Dupont Martin
Date d'échéance : 15/12/2023
Désignation Quantité P.U. HT Montant HT
Lampe 2 40,00 € 80,00 €
Total HT : 80,00 €
TVA 20% : 16,00 €
Total TTC : 96,00 €
Atelier Lumière SARL au capital de 5 000 € - RCS Lyon 123 456 789 - N° TVA intracommunautaire : FR 40 123456789
"""

GERMAN = """\
Bergmann Werkzeuge GmbH · Hauptstraße 5 · 10115 Berlin
Rechnung
Rechnungsnummer: RE-77812
Rechnungsdatum: 02.05.2024
Lieferdatum: 30.04.2024
Kunde: Schulz KG, USt-IdNr. DE111111111
Pos. Menge Beschreibung Einzelpreis Gesamt
1 3 Schraubendreher 10,00 30,00
Nettobetrag 30,00 EUR
MwSt. 19% 5,70 EUR
Gesamtbetrag 35,70 EUR
Bergmann Werkzeuge GmbH - Amtsgericht Berlin HRB 12345 - USt-IdNr. DE123456789
"""

POLISH = """\
Faktura VAT nr FV/2024/03/15
Data wystawienia: 2024-03-15
Sprzedawca: Kowalski Handel sp. z o.o.
NIP: 5250001009
Nabywca: Jan Nowak
NIP: 1234563218
Razem netto: 100,00 PLN
VAT 23%: 23,00 PLN
Do zapłaty: 123,00 PLN
"""


def run(text):
    doc = DocText([text])
    return doc, invoice.extract(doc)


def values(fields):
    return {name: result.value for name, result in fields.items()}


def test_english_invoice_fields_and_evidence():
    doc, fields = run(ENGLISH)
    got = values(fields)
    assert got["invoice_number"] == "NW-2024-0117"
    assert got["date"] == "2024-03-12"  # the invoice date, not the due or order date
    assert got["amount"] == "1140.00"
    assert got["amount_untaxed"] == "950.00"
    assert got["currency"] == "GBP"
    assert got["vat"] == "GB123456789"  # the issuer's, not the customer's ("Your VAT number")
    assert got["iban"] == "GB29NWBK60161331926819"
    assert got["issuer"] == "Northwind Supplies Ltd"
    for name in ("amount", "amount_untaxed", "date", "invoice_number", "currency", "vat"):
        assert fields[name].status == ACCEPTED, name
    for result in fields.values():
        assert result.evidence, result.name
        for span in result.evidence:
            assert doc.quote(span).strip()


def test_dutch_values_before_their_labels():
    _, fields = run(DUTCH_SWAPPED)
    got = values(fields)
    assert got["invoice_number"] == "20240042"  # not the customer number on the next line
    assert got["date"] == "2024-02-03"  # Factuurdatum over Orderdatum
    assert got["amount"] == "1210.00"
    assert got["amount_untaxed"] == "1000.00"  # "Subtotaal" is incl. BTW here: the arithmetic decides
    assert got["vat"] == "NL001234567B01"
    assert got["currency"] == "EUR"
    assert got["issuer"] == "Zonnebloem Verlichting B.V."
    assert fields["amount"].status == ACCEPTED


def test_french_ht_ttc_and_footer_vat():
    _, fields = run(FRENCH)
    got = values(fields)
    assert got["invoice_number"] == "F-2023-889"
    assert got["date"] == "2023-11-15"  # "Facture n° ... du", not the échéance
    assert got["amount"] == "96.00"
    assert got["amount_untaxed"] == "80.00"
    assert got["vat"] == "FR40123456789"
    assert got["issuer"] == "Atelier Lumière SARL"


def test_german_customer_vat_is_not_the_issuers():
    _, fields = run(GERMAN)
    got = values(fields)
    assert got["invoice_number"] == "RE-77812"
    assert got["date"] == "2024-05-02"
    assert got["amount"] == "35.70"
    assert got["amount_untaxed"] == "30.00"
    assert got["vat"] == "DE123456789"
    assert got["issuer"] == "Bergmann Werkzeuge GmbH"


def test_polish_seller_block_and_nip():
    _, fields = run(POLISH)
    got = values(fields)
    assert got["invoice_number"] == "FV/2024/03/15"
    assert got["date"] == "2024-03-15"
    assert got["amount"] == "123.00"
    assert got["amount_untaxed"] == "100.00"
    assert got["currency"] == "PLN"
    assert got["vat"] == "5250001009"  # the Sprzedawca's NIP, not the Nabywca's
    assert got["issuer"] == "Kowalski Handel sp. z o.o."


def test_unsure_values_are_not_accepted():
    # two totals, no arithmetic tying either to a tax: the amount goes to review
    _, fields = run("Invoice\nTotal 100.00 EUR\nGrand total 120.00 EUR\nTotal 90.00 EUR\n")
    assert fields["amount"].value == "120.00"
    assert fields["amount"].status != ACCEPTED
    assert run("")[1] == {}
