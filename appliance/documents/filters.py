"""Filtering of document lists, shared by the web list and the API."""
from datetime import UTC

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from appliance.documents.models import Document


def filter_documents(queryset, params):
    """Apply ``status``, ``media_type``, ``source``, ``q`` (filename) and date bounds from ``params``."""
    status = params.get("status")
    if status in Document.Status.values:
        queryset = queryset.filter(status=status)
    source = params.get("source")
    if source in Document.Source.values:
        queryset = queryset.filter(source=source)
    media_type = _text(params.get("media_type"))
    if media_type:
        queryset = queryset.filter(media_type=media_type)
    query = _text(params.get("q")).strip()
    if query:
        queryset = queryset.filter(original_filename__icontains=query)
    for name, lookup in (("created_after", "created_at__gte"), ("created_before", "created_at__lt")):
        value = date_bound(params.get(name))
        if value is not None:
            queryset = queryset.filter(**{lookup: value})
    return queryset


def _text(raw) -> str:
    """A text parameter without NUL characters, which PostgreSQL cannot compare (the API refuses
    them with a 400 before this; the web list drops them, as it ignores other junk)."""
    return (raw or "").replace("\x00", "")


def date_bound(raw):
    """An ISO 8601 date-time from a query string, in UTC; None when absent or unusable.

    Converted to UTC because an offset that ISO 8601 allows (up to ±23:59) can be beyond
    what PostgreSQL accepts (±15:59). A well-formed but impossible date (February 30) or
    one that leaves the calendar in UTC is unusable, like an unparseable one.
    """
    try:
        value = parse_datetime(raw or "")
        if value is None:
            return None
        return value.astimezone(UTC) if timezone.is_aware(value) else timezone.make_aware(value)
    except (ValueError, OverflowError):
        return None
