"""Pages of results that cost the same however many reports match.

Counting every match of a common word among millions of reports takes longer than everything else on the page,
and nobody reads past the first few hundred pages: the count stops at a limit (settings.REPORTS_COUNT_LIMIT),
and the page says "more than 10,000" then. Below the limit the count is exact.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """A Paginator whose count stops at `limit`: `capped` says when more reports match."""

    def __init__(self, *args, limit: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit = limit if limit is not None else settings.REPORTS_COUNT_LIMIT
        self.capped = False
        self.unranked = False  # set by the list when a search matched too many reports to rank them all

    @cached_property
    def count(self) -> int:
        # SELECT count(*) FROM (SELECT id ... LIMIT limit + 1): the database stops looking at limit + 1 matches.
        found = self.object_list.order_by().values("pk")[: self.limit + 1].count()
        self.capped = found > self.limit
        return min(found, self.limit)
