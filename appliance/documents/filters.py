"""Filtering of document lists, shared by the web list and the API."""
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
    media_type = params.get("media_type")
    if media_type:
        queryset = queryset.filter(media_type=media_type)
    query = (params.get("q") or "").strip()
    if query:
        queryset = queryset.filter(original_filename__icontains=query)
    for name, lookup in (("created_after", "created_at__gte"), ("created_before", "created_at__lt")):
        value = parse_datetime(params.get(name) or "")
        if value is not None:
            queryset = queryset.filter(**{lookup: value})
    return queryset
