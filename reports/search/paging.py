"""Pages of results that cost the same however many reports match.

Counting every match of a common word among millions of reports takes longer than everything else on the page,
and nobody reads past the first few hundred pages: the count stops at a limit (settings.REPORTS_COUNT_LIMIT),
and the page says "more than 10,000" then. Below the limit the count is exact.

The list reads its matches once, as ids in order (Matches): the count, the page and the facets' newest matches
all come from that one read. Asked separately, each of them joined every match again (three times the cost of a
condition filter at a million reports). reports/search/listing.py decides what is read, and in which order.
"""

from collections.abc import Sequence

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property


class Matches(Sequence):
    """The ids of `queryset`'s matches in its order, at most `limit` + 1 of them (read in one query). A slice gives
    those reports as `rows` reads them (with what the page shows), in the same order.

    When the caller has counted them already (`counted`: a search with more matches than it ranks), only as many
    ids are read as the page asks for, and at least `at_least` (the facets' sample), still in one query: walking
    10,001 of the newest matches of a common word costs more than the page and the sample together."""

    def __init__(
        self, queryset: QuerySet, *, rows: QuerySet, limit: int, counted: int | None = None, at_least: int = 0
    ):
        self.queryset, self.rows = queryset, rows
        query = queryset.query
        # Without order_by(), a queryset is in its model's Meta.ordering (the list's first page has no filters).
        self.order = tuple(query.order_by or (queryset.model._meta.ordering if query.default_ordering else ()))
        self.counted, self.at_least = counted, at_least
        self.read = limit + 1 if counted is None else 0  # how many ids were asked for
        self.ids = self._read(self.read) if counted is None else []

    def _read(self, count: int) -> list[int]:
        return list(self.queryset.values_list("pk", flat=True)[:count])

    def _first(self, stop: int) -> list[int]:
        # Read (again) only when more are needed than were asked for and the last read found all it asked for.
        if self.counted is not None and stop > self.read and len(self.ids) == self.read:
            self.read = max(stop, self.at_least)
            self.ids = self._read(self.read)
        return self.ids[:stop]

    def __len__(self) -> int:
        return self.counted if self.counted is not None else len(self.ids)

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("Matches are read a page at a time: give a slice.")
        ids = self._first(len(self) if index.stop is None else index.stop)[index]
        found = {row.pk: row for row in self.rows.filter(pk__any_of=ids)}
        return [found[pk] for pk in ids if pk in found]  # a report deleted since the ids were read is left out

    def first(self, count: int, *, order: tuple) -> list[int] | None:
        """The first `count` ids in `order`: the first read when the matches are in that order; when all of them
        were read (no more than the limit), those among them, by id; else None (the caller reads them)."""
        if self.order == tuple(order):
            return self._first(count)
        if self.counted is None and len(self.ids) < self.read:
            among = self.queryset.model._default_manager.filter(pk__any_of=self.ids)
            return list(among.order_by(*order).values_list("pk", flat=True)[:count])
        return None


class CappedPaginator(Paginator):
    """A Paginator whose count stops at `limit`: `capped` says when more reports match."""

    def __init__(self, *args, limit: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit = limit if limit is not None else settings.REPORTS_COUNT_LIMIT
        self.capped = False

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, Matches):
            found = len(self.object_list)  # read at most limit + 1
        else:
            # SELECT count(*) FROM (SELECT id ... LIMIT limit + 1): the database stops looking at limit + 1 matches.
            found = self.object_list.order_by().values("pk")[: self.limit + 1].count()
        self.capped = found > self.limit
        return min(found, self.limit)
