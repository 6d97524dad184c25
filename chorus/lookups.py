"""`champ__any=[…]`: `champ = ANY(%s)`, the list bound as one array parameter (PostgreSQL).

`champ__in` with the 1,000 ids of a batch writes 1,000 placeholders: Django prepares each,
then the driver finds each in the query text (client-side binding). That is a few
milliseconds per query, and the deadline sweep runs a dozen such queries per batch of 1,000
invoices. With one array parameter, that cost goes; the plan is the same (PostgreSQL turns
`IN (…)` into `= ANY(…)` itself).

Anywhere else than PostgreSQL, or with a subquery, `__any` is `__in`. For a foreign key,
filter on the related primary key (`objet__pk__any=ids`): Django reads the local column,
without a join. Registered on every field when the `chorus` app is ready.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import Field
from django.db.models.lookups import In


@Field.register_lookup
class Any(In):
    lookup_name = "any"

    def as_postgresql(self, compiler, connection):
        if not self.rhs_is_direct_value():
            return self.as_sql(compiler, connection)
        # As `__in`: NULL never equals anything, each value once, no value no row.
        valeurs = [valeur for valeur in dict.fromkeys(self.rhs) if valeur is not None]
        if not valeurs:
            raise EmptyResultSet
        champ = self.lhs.output_field
        type_sql = champ.db_type(connection)
        if type_sql is None:
            return self.as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        tableau = [champ.get_db_prep_value(v, connection, prepared=True) for v in valeurs]
        # Cast to the column's own type (without its length): the driver would type small
        # ids smallint[], and `bigint = ANY(smallint[])` is compared element by element
        # where the same type is looked up in a hash (10 ms against 1 for 1,000 ids).
        return f"{lhs} = ANY(%s::{type_sql.split('(')[0]}[])", (*lhs_params, tableau)
