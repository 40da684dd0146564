"""The one entry point for free-text search over case reports."""

from django.db.models import Q, QuerySet


def search_reports(queryset: QuerySet, text: str) -> QuerySet:
    """Reports whose title or abstract contains every word of `text` (case-insensitive)."""
    for word in text.split():
        queryset = queryset.filter(Q(title__icontains=word) | Q(abstract__icontains=word))
    return queryset
