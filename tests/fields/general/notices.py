"""Labelled parking notices written here: a type the appliance has never seen, for training tests."""
import json
import random

TYPE = {
    "parking_notice_t": {
        "label": "Parking notice", "description": "A penalty notice for a parked vehicle.",
        "schema": {"type": "object", "properties": {
            "issuer": {"type": "string", "description": "The company that issued the notice."},
            "offence_day": {"type": "string", "format": "date", "x-validators": ["calendar_date"],
                            "description": "The day of the offence."},
            "charge": {"type": "string", "x-validators": ["amount"], "description": "The penalty charge to pay."},
        }},
    },
}
COMPANIES = ["Harbour Parking Ltd", "Citywide Enforcement plc", "Northgate Car Parks Ltd", "Meadow Parking Services",
             "Riverside Wardens Ltd", "Oak Lane Parking Co", "Summit Park Management", "Bayview Parking Ltd"]


def notice(rng: random.Random):
    issuer = rng.choice(COMPANIES)
    day, month = rng.randint(1, 28), rng.randint(1, 12)
    fee, charge = f"{rng.randint(2, 9)}.{rng.choice(['00', '50'])}", f"{rng.choice([50, 60, 70, 80, 100])}.00"
    lines = [issuer, f"{rng.randint(1, 99)} {rng.choice(['Quay', 'Mill', 'High'])} Street", "PENALTY CHARGE NOTICE",
             f"Notice no: PCN-{rng.randint(1000, 9999)}", f"Date of offence: {day:02d}/{month:02d}/2024",
             f"Issued: {min(day + 2, 28):02d}/{month:02d}/2024", f"Parking fee paid: {fee}",
             f"Penalty charge: {charge}", f"Discount if paid in 14 days: {int(float(charge)) // 2}.00"]
    text = "\n".join(lines) + "\n"
    return text, {"issuer": issuer, "offence_day": f"{day:02d}/{month:02d}/2024", "charge": charge}


def write_labelled(folder, count, seed=1, label=None):
    """``count`` notices as text files in ``folder/docs`` and their gold lines in ``folder/gold.jsonl``.

    ``label(index, fields, text)`` may change the labels written (to train on wrong ones)."""
    rng = random.Random(seed)
    docs = folder / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    with open(folder / "gold.jsonl", "w") as gold:
        for index in range(count):
            text, fields = notice(rng)
            name = f"notice-{seed}-{index:03d}.txt"
            (docs / name).write_text(text)
            fields = label(index, fields, text) if label else fields
            gold.write(json.dumps({"file": name, "doc_type": "parking_notice_t", "fields": fields}) + "\n")
    return docs, folder / "gold.jsonl"


def write_type_file(path):
    path.write_text(json.dumps(TYPE))
    return path
