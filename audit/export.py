"""Exporting a period of the log as CSV or JSON Lines, with a detached Ed25519 signature.

The signature covers the exported bytes exactly. Each exported event carries
its hash and its predecessor's, so a verifier can also recompute every hash
(``chain.dict_hash``) and check the links without access to the appliance.
"""
import csv
import io
import json
import zipfile

from audit import chain, signing
from audit.models import AuditEvent

FORMATS = ("jsonl", "csv")
COLUMNS = (*chain.HASHED_FIELDS, "hash")
# Columns holding JSON; in CSV they are written as canonical JSON text.
JSON_COLUMNS = ("system", "inputs_sha256", "candidates", "evidence", "validators", "details")


def events_between(start, end):
    """Events with start <= at < end, in chain order."""
    return AuditEvent.objects.filter(at__gte=start, at__lt=end).order_by("seq")


def _rows(events):
    for event in events.iterator(chunk_size=2000):
        yield dict(chain.as_dict(event), hash=event.hash)


def render(events, fmt):
    """The export's bytes and the number of events in it."""
    if fmt not in FORMATS:
        raise ValueError(f"export format must be one of {', '.join(FORMATS)}")
    buffer, count = io.StringIO(newline=""), 0
    if fmt == "jsonl":
        for row in _rows(events):
            buffer.write(chain.canonical_bytes(row).decode("ascii") + "\n")
            count += 1
    else:
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in _rows(events):
            for column in JSON_COLUMNS:
                row[column] = chain.canonical_bytes(row[column]).decode("ascii")
            writer.writerow({key: "" if value is None else value for key, value in row.items()})
            count += 1
    return buffer.getvalue().encode("utf-8"), count


def sign(data):
    """The detached signature of an export: base64 Ed25519 over its bytes."""
    return signing.sign_bytes(data)


def verify(data, signature_b64, public_pem=None):
    """True when ``signature_b64`` signs exactly ``data``; ``public_pem`` defaults to the appliance's key."""
    public = signing.load_public_key(public_pem) if public_pem else None
    return signing.verify_bytes(data, signature_b64.strip(), public)


def check_jsonl_hashes(data):
    """For a JSON Lines export: the seq of the first event whose hash or link is wrong, else None."""
    prev = None
    for line in data.decode("utf-8").splitlines():
        row = json.loads(line)
        if chain.dict_hash(row) != row["hash"] or (prev is not None and row["seq"] == prev["seq"] + 1
                                                   and row["prev_hash"] != prev["hash"]):
            return row["seq"]
        prev = row
    return None


def bundle(data, signature_b64, fmt):
    """One zip for the browser: the export, its detached signature and the public key to check it."""
    name = f"audit-events.{fmt}"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
        archive.writestr(f"{name}.sig", signature_b64 + "\n")
        archive.writestr("audit-public-key.pem", signing.public_pem(signing.public_key()))
        archive.writestr(
            "VERIFY.txt",
            f"{name}.sig is a base64 Ed25519 signature over the exact bytes of {name}, made with the key in\n"
            "audit-public-key.pem. Check it with:  python manage.py audit_verify_export "
            f"{name} --signature {name}.sig --public-key audit-public-key.pem\n"
            "or any Ed25519 implementation. Each event's hash is the sha256 of its canonical JSON\n"
            "(sorted keys, no spaces, ASCII) without the hash key.\n",
        )
    return out.getvalue()
