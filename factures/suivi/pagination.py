"""Pagination that never counts a whole large table.

A supplier with 20,000 invoices, or a recipient with millions, pays for at most `plafond`
+ 1 rows counted (a LIMIT inside the COUNT), whatever the search; the page then says "more
than 10,000" and only the first `plafond` rows in the chosen order can be browsed (a
narrower search, or the CSV export, gives the rest).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

PAR_PAGE = 20
PLAFOND = 10_000


class PaginateurPlafonne(Paginator):
    def __init__(self, object_list, per_page=PAR_PAGE, *, plafond: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.plafond = PLAFOND if plafond is None else plafond

    @cached_property
    def _nombre_reel(self) -> int:
        # Without ORDER BY: PostgreSQL stops at the first matching index entries.
        return self.object_list.order_by()[: self.plafond + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._nombre_reel, self.plafond)

    @property
    def depasse_le_plafond(self) -> bool:
        return self._nombre_reel > self.plafond


def page_de(queryset, numero, *, par_page: int = PAR_PAGE, plafond: int | None = None):
    """The requested page (the last one if too far, the first if not a number), with the
    elided page range the DSFR pagination shows."""
    page = PaginateurPlafonne(queryset, par_page, plafond=plafond).get_page(numero)
    page.pages_list = page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    return page
