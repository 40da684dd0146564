"""The models' check constraints, evaluated in Python on anything that has the fields' names as attributes.

An importer checks a record before it writes anything, so that a refusal names the record and the field; the rules
it checks are the models' own CheckConstraints, read here, never restated. Only the lookups the constraints use are
understood; a constraint with another lookup raises, so that a new kind of rule cannot be skipped unnoticed
(tests/models/test_rules.py evaluates every constraint of the clinical models, whose records are checked).
"""

import operator
from collections.abc import Iterator

from django.db import models
from django.db.models import Q

_LOOKUPS = {
    "exact": operator.eq,
    "in": lambda value, allowed: value in allowed,
    "gt": lambda value, bound: value is not None and value > bound,
    "gte": lambda value, bound: value is not None and value >= bound,
    "lt": lambda value, bound: value is not None and value < bound,
    "lte": lambda value, bound: value is not None and value <= bound,
    "isnull": lambda value, wanted: (value is None) == wanted,
}


class UnknownLookup(ValueError):
    pass


def holds(condition: Q, thing) -> bool:
    """Whether `thing` meets the condition, reading each field as an attribute of the same name."""
    results = (
        holds(child, thing) if isinstance(child, Q) else _lookup_holds(*child, thing=thing)
        for child in condition.children
    )
    met = all(results) if condition.connector == Q.AND else any(results)
    return met != condition.negated


def _lookup_holds(path: str, expected, *, thing) -> bool:
    name, _, lookup = path.partition("__")
    test = _LOOKUPS.get(lookup or "exact")
    if test is None or "__" in lookup:
        raise UnknownLookup(f"the rule on {name!r} uses the lookup {lookup!r}, which reports.models.rules cannot check")
    return test(getattr(thing, name), expected)


def checks(model: type[models.Model]) -> list[models.CheckConstraint]:
    return [c for c in model._meta.constraints if isinstance(c, models.CheckConstraint)]


def fields_of(condition: Q) -> set[str]:
    """The fields a condition reads."""
    found = set()
    for child in condition.children:
        found |= fields_of(child) if isinstance(child, Q) else {child[0].partition("__")[0]}
    return found


def broken(model: type[models.Model], thing, *, skip: set[str] = frozenset()) -> Iterator[str]:
    """The messages of the model's check constraints that `thing` breaks, leaving out those that read only fields in
    `skip` (fields the caller checks itself, with a message naming the value)."""
    for constraint in checks(model):
        if fields_of(constraint.condition) <= skip:
            continue
        if not holds(constraint.condition, thing):
            yield str(constraint.violation_error_message)
