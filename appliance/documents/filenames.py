"""Uploaded filenames are untrusted: keep a safe display form, never use it as a path."""
import unicodedata

MAX_DISPLAY_LENGTH = 255


def clean_display_filename(name: str | None) -> str:
    """Drop directories, control characters and NULs; keep at most 255 characters.

    ``../../etc/passwd`` becomes ``passwd``; an empty result becomes ``unnamed``.
    The extension is kept when the name has to be shortened.
    """
    name = (name or "").replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = unicodedata.normalize("NFC", name).strip().lstrip(".")
    if not name:
        return "unnamed"
    if len(name) > MAX_DISPLAY_LENGTH:
        stem, dot, ext = name.rpartition(".")
        ext = ext if dot and len(ext) <= 10 else ""
        keep = MAX_DISPLAY_LENGTH - (len(ext) + 1 if ext else 0)
        name = (stem if ext else name)[:keep] + (f".{ext}" if ext else "")
    return name
