"""The classifier with the real encoder (built into default_models_dir() by the SLM tests' fixture)."""
import pytest

from extraction.classify import DOC_TYPES, classify
from extraction.classify import model

DOCS = {
    "invoice": """INVOICE  No. 2024-118
Date: 12 April 2024      Due: 12 May 2024
From: Lindgren Timber AB, Sågverksvägen 3, Umeå — VAT SE556677889901
Bill to: Oakridge Furniture Ltd, 8 Mill Lane, Leeds
Pine boards 22x145, 40 m3 @ 310.00 EUR ........ 12,400.00 EUR
Delivery ........................................... 650.00 EUR
Net total 13,050.00 EUR   VAT 0% (intra-EU supply)   Total due 13,050.00 EUR
Bank: SE45 5000 0000 0583 9825 7466""",
    "receipt": """GIANT HYPERMARKET
LOT 2, JALAN BESAR, 43000 KAJANG
DATE 03/05/2018 19:22  CASHIER 07
SUGAR 1KG            2.85
RICE 5KG            17.90
DETERGENT           12.50
TOTAL RM            33.25
CASH                50.00
CHANGE              16.75
THANK YOU, PLEASE COME AGAIN""",
    "nda": """MUTUAL CONFIDENTIALITY AGREEMENT
This Agreement is made on 2 May 2023 between Orbit Sensors Ltd and Kestrel Drones GmbH.
The parties wish to exchange confidential technical information about lidar modules. Each Receiving Party
shall keep the Disclosing Party's Confidential Information secret, use it only to evaluate a supply
relationship and disclose it only to employees who need to know it. These obligations last three years.""",
    "email": """Message-ID: <99812.1075@mail.example>
Date: Wed, 3 Jan 2001 09:14:00 -0800 (PST)
From: jane.doe@example.com
To: ops-team@example.com
Subject: Re: server move on Friday

The move is confirmed for Friday 6 pm. Please log off before you leave.
Jane""",
    "resume": """PRIYA NAIR
Chennai | priya.nair@example.com
SUMMARY: QA engineer with 5 years of experience in test automation.
EXPERIENCE
Senior QA Engineer, Zentech Solutions (2021-present): Selenium and Cypress suites, CI pipelines.
QA Engineer, Brightsoft (2019-2021): manual and API testing.
EDUCATION: B.Tech Information Technology, Anna University, 2019
SKILLS: Python, Selenium, Cypress, Postman, Jenkins, SQL""",
    "medical_record": """CHIEF COMPLAINT: Headache.
HISTORY OF PRESENT ILLNESS: A 35-year-old woman with three days of throbbing left-sided headache with
photophobia and nausea. No fever or neck stiffness.
PHYSICAL EXAMINATION: Neurologic examination is nonfocal. Fundi normal.
ASSESSMENT: Migraine without aura.
PLAN: Sumatriptan 50 mg as needed, hydration, follow up in two weeks.""",
    "payslip": """PAYSLIP — June 2024
Employer: Harbour Freight Services Ltd    Employee: Tom Baker    Employee no. 3321
Pay period: 01/06/2024 - 30/06/2024
Basic pay £2,900.00   Overtime £210.00   Gross pay £3,110.00
Income tax £372.00   National Insurance £160.20   Pension £155.50
Net pay £2,422.30""",
}


@pytest.fixture(scope="module")
def runtime(pool):
    model.reset()
    return pool


@pytest.mark.parametrize("doc_type", sorted(DOCS))
def test_written_documents_get_their_type(runtime, doc_type):
    c = classify(DOCS[doc_type], runtime=runtime)
    assert c.doc_type == doc_type, (c.doc_type, c.confidence)
    assert 0.5 <= c.confidence <= 1.0
    assert c.method == "encoder"
    assert sum(u.prompt_tokens for u in c.usage) > 0


@pytest.mark.parametrize("text", [
    "qwx zzv plorf 8812 kkk ## ~~ blar fnord gnix vrok tlumm zzz 0x1f 77a9 mmmm",
    "The heron stood still in the shallow water of the lake while the sun went down behind the hills.",
])
def test_unrelated_text_is_other_or_unsure(runtime, text):
    c = classify(text, runtime=runtime)
    assert 0.0 <= c.confidence <= 1.0
    assert c.doc_type == "other" or c.confidence < 0.6, (c.doc_type, c.confidence)


def test_reviewer_corrections_teach_a_new_kind(runtime):
    doc = """BILL OF LADING No. MSKU-88120
Shipper: Hanse Machinery GmbH, Bremen
Consignee: Delta Equipment Ltd, Lagos
Vessel: MAERSK ESSEN   Port of loading: Bremerhaven   Port of discharge: Apapa
Container: MSKU 1234567, 40' HC, seal 889912   Gross weight 18,400 kg
Description of goods: 2 crated CNC lathes   Freight prepaid"""
    before = classify(doc, runtime=runtime)
    corrections = [
        ("""BILL OF LADING No. HLCU-22019
Shipper: Nordic Paper AB, Gothenburg
Consignee: Atlas Print Co., Casablanca
Vessel: HAMBURG EXPRESS  Port of loading: Gothenburg  Port of discharge: Casablanca
Container: HLXU 7654321, 20' GP  Gross weight 21,000 kg
Description of goods: 18 reels of kraft paper  Freight collect""", "bill_of_lading"),
        ("""BILL OF LADING B/L No. 55120-OC
Shipper: Valencia Tiles SA   Consignee: Gulf Builders LLC, Dubai
Port of loading: Valencia   Port of discharge: Jebel Ali   Vessel: MSC ANNA
Containers: 3 x 20' GP, 66 pallets ceramic tiles, gross weight 62,700 kg
Shipped on board 14 March 2024""", "bill_of_lading"),
    ]
    after = classify(doc, runtime=runtime, extra_examples=corrections)
    assert before.doc_type != "bill_of_lading"
    assert after.doc_type == "bill_of_lading", after.scores
    assert 0.0 <= after.confidence <= 1.0


def test_scores_cover_every_type(runtime):
    c = classify(DOCS["invoice"], runtime=runtime)
    assert set(c.scores) == set(DOC_TYPES)
    assert abs(sum(c.scores.values()) - 1.0) < 1e-6
