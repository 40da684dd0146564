"""`field__any_of=[ids]`: a list of ids read earlier, sent as one array parameter on PostgreSQL.

The list page reads its 1,000 newest matches once and names them in every facet query (reports/search/facets.py). With
`__in`, Django prepares and compiles one placeholder per id for each of those queries, and PostgreSQL parses them
all again: on a page of eight such queries that took longer than the queries themselves. `= ANY(%s)` with the list
as one array costs the same to build whatever its length, and PostgreSQL plans it like the IN list (an index scan
over the values). SQLite has no arrays: there it is the same IN list as `__in`.
"""

from django.core.exceptions import EmptyResultSet
from django.db import models


class AnyOf(models.Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        # Ids only (what the callers read with values_list("pk")): one int() each instead of a field's preparation.
        return [int(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet  # as `__in=[]`: matches nothing, without asking the database
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, self.rhs)
        placeholders = ", ".join(["%s"] * len(self.rhs))
        return f"{lhs} IN ({placeholders})", (*lhs_params, *self.rhs)


# Ids are BigAutoField primary keys, reached directly or through a ForeignKey.
models.BigAutoField.register_lookup(AnyOf)
models.ForeignKey.register_lookup(AnyOf)
