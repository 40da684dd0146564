"""The merge rules: what a stored report keeps and takes from an incoming record, value by value, list by list.

Each rule is a function of the stored value and the incoming one (and, for the few facts that cost a query, a
function the rule asks only when it needs the answer); none writes. The writer (upsert.py) applies what they
return and reports their conflicts.

- A value from the file fills an empty one and replaces a different one; replacing a stored value is a conflict.
  An empty value never overwrites a stored one.
- A less precise date never replaces a more precise one of the same year.
- A list (authors, index terms, citations) is kept when the file has none, updated in place when it is the same
  list, and otherwise replaced by the file's, which is a conflict when something was stored.
- A curated case is never changed; a case that is all suggestion gives way to the file's.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from reports.cases.records import AuthorRecord, MeshRecord, PatientRecord, ReferenceRecord
from reports.importers.mapping import author_fields, citation_fields, unique_headings
from reports.models import Author, Citation, MeshHeading

DATE_FIELDS = ("pub_year", "pub_month", "pub_day", "pub_season", "pub_date_text")
_EMPTY = ("", None)


@dataclass(frozen=True)
class Merged:
    """The value that stands after a merge, whether it is the incoming one, and what a curator is told."""

    value: object
    changed: bool = False
    conflict: str = ""  # a stored value replaced, or an incoming one refused; empty when neither


@dataclass(frozen=True)
class ListMerge:
    """What becomes of a stored list: kept, updated in place, or replaced by the file's."""

    replace: bool = False  # the stored rows go, the file's are written
    updates: dict[int, dict[str, object]] = field(default_factory=dict)  # index in the stored list -> new values
    conflict: str = ""

    @property
    def changed(self) -> bool:
        return self.replace or bool(self.updates)


def merge_field(*, stored: object, incoming: object) -> Merged:
    """A bibliographic value (title, abstract, volume ...): filled when empty, replaced when different."""
    if incoming in _EMPTY or incoming == stored:
        return Merged(stored)
    conflict = "" if stored in _EMPTY else f"'{_short(stored)}' replaced by '{_short(incoming)}'"
    return Merged(incoming, changed=True, conflict=conflict)


def merge_identifier(*, stored: object, incoming: object, held_by_another: Callable[[], bool]) -> Merged:
    """A PMID, DOI or PMCID, as merge_field, except that one another report holds stays with that report.
    `held_by_another` is asked only for an identifier the report would take."""
    if incoming in _EMPTY or incoming == stored:
        return Merged(stored)
    if held_by_another():
        return Merged(stored, conflict=f"{incoming} belongs to another report; not copied")
    conflict = "" if stored in _EMPTY else f"{stored} replaced by {incoming}"
    return Merged(incoming, changed=True, conflict=conflict)


def merge_version(*, stored: int | None, incoming: int | None) -> Merged:
    """The PMID's version. A conflict here means the record is an older version of the article than the stored
    one, and nothing of it is taken."""
    if incoming and stored and incoming < stored:
        return Merged(stored, conflict=f"version {incoming} is older than the stored version {stored}; not taken")
    if incoming and incoming != stored:
        return Merged(incoming, changed=True)
    return Merged(stored)


def merge_journal(*, stored_id: int | None, incoming: object, stored: Callable[[], object]) -> Merged:
    """The journal the file names (a Journal, or None when it names none) in place of the stored one (by id).
    `stored` gives the stored journal, for the conflict's words; it is asked only when one is replaced."""
    if incoming is None or incoming.pk == stored_id:
        return Merged(stored_id)
    conflict = f"'{stored()}' replaced by '{incoming}'" if stored_id else ""
    return Merged(incoming, changed=True, conflict=conflict)


def merge_date(*, stored: dict, incoming: dict, stored_date: str) -> Merged:
    """The publication date's parts (DATE_FIELDS -> value), merged as a whole: the value is the parts that
    change. `stored_date` is the stored date as casebase shows it (CaseReport.publication_date)."""
    old = {name: stored[name] for name in DATE_FIELDS}
    new = {
        k: ("" if incoming[k] is None and k in ("pub_season", "pub_date_text") else incoming[k]) for k in DATE_FIELDS
    }
    if all(new[k] == old[k] for k in DATE_FIELDS if k != "pub_date_text") and (
        not new["pub_date_text"] or new["pub_date_text"] == old["pub_date_text"]
    ):
        return Merged({})
    if _precision(new) < _precision(old) and new["pub_year"] == old["pub_year"]:
        return Merged({})  # "2019" does not replace "2019 Mar 11"
    contradicts = new["pub_year"] != old["pub_year"] or any(
        new[k] and old[k] and new[k] != old[k] for k in ("pub_month", "pub_day", "pub_season")
    )
    conflict = f"'{stored_date}' replaced by '{new['pub_date_text']}'" if contradicts else ""
    parts = {
        name: new[name]
        for name in DATE_FIELDS
        if not (name == "pub_date_text" and not new[name]) and old[name] != new[name]
    }
    return Merged(parts, changed=bool(parts), conflict=conflict)


def merge_authors(*, stored: Sequence[Author], incoming: Sequence[AuthorRecord], abridged: bool) -> ListMerge:
    """The same authors in the same order get their details filled and updated, one by one; a different list
    replaces the stored one. An abridged list (PubMed's "et al.") never replaces a stored one."""
    if not incoming or (abridged and stored):
        return ListMerge()
    if not stored:
        return ListMerge(replace=True)
    if len(stored) != len(incoming) or not all(_same_author(a, b) for a, b in zip(stored, incoming, strict=True)):
        return ListMerge(replace=True, conflict=_replaced(len(stored), len(incoming)))
    updates = {}
    for index, (author, record) in enumerate(zip(stored, incoming, strict=True)):
        values = author_fields(record, position=author.position)
        changes = {name: value for name, value in values.items() if value and getattr(author, name) != value}
        if changes:
            updates[index] = changes
    return ListMerge(updates=updates)


def merge_citations(*, stored: Sequence[Citation], incoming: Sequence[ReferenceRecord]) -> ListMerge:
    """As many references as stored: filled and updated position by position. Another number replaces them."""
    if not incoming:
        return ListMerge()
    if len(stored) != len(incoming):
        return ListMerge(replace=True, conflict=_replaced(len(stored), len(incoming)) if stored else "")
    updates = {}
    for index, (citation, reference) in enumerate(zip(stored, incoming, strict=True)):
        values = citation_fields(reference, position=citation.position)
        changes = {
            name: value
            for name, value in values.items()
            if value not in ("", None, False) and getattr(citation, name) != value
        }
        if changes:
            updates[index] = changes
    return ListMerge(updates=updates)


def merge_names(*, stored: Sequence[str], incoming: Sequence[str], silent: bool = False) -> ListMerge:
    """Keywords, publication types or substances by name, compared without case: the file's list replaces a
    different one. `silent`: replacing them is no conflict (publication types, which PubMed revises)."""
    if not incoming or _names(incoming) == _names(stored):
        return ListMerge()
    conflict = "" if silent or not stored else f"'{'; '.join(stored)}' replaced by '{'; '.join(incoming)}'"
    return ListMerge(replace=True, conflict=conflict)


def merge_headings(*, stored: Sequence[MeshHeading], incoming: Sequence[MeshRecord]) -> ListMerge:
    """MeSH headings (descriptor, major topic, qualifiers): the file's replace different ones, without a conflict
    (the NLM re-indexes)."""
    old = [(h.descriptor.name.lower(), h.is_major, _qualifiers(h.qualifiers)) for h in stored]
    new = [(h.descriptor.lower(), h.is_major, _qualifiers(h.qualifiers)) for h in unique_headings(incoming)]
    return ListMerge(replace=bool(new) and new != old)


def merge_patients(
    *, stored: list[PatientRecord], incoming: list[PatientRecord], reviewed: Callable[[], bool]
) -> Merged:
    """The file's case (casebase JSON's patients) for a report that has `stored` (empty: none): written when
    there is none or it is all suggestion, kept when a curator has reviewed it. The value is the case that stands;
    `changed` means the file's is written in place of what is stored. `reviewed` is asked only when the two
    differ."""
    if not stored:
        return Merged(incoming, changed=True)
    if stored == incoming:
        return Merged(stored)
    if not reviewed():
        return Merged(incoming, changed=True)
    return Merged(
        stored,
        conflict=f"the report's {len(stored)} curated patients were kept; the file's {len(incoming)} were not imported",
    )


def _replaced(stored: int, incoming: int) -> str:
    return f"the {stored} stored were replaced by the file's {incoming}"


def _precision(parts: dict) -> int:
    return sum(1 for name in ("pub_month", "pub_day", "pub_season") if parts.get(name))


def _names(values: Sequence[str]) -> list[str]:
    """Names as the writer keeps them: compared without case, each once, in order."""
    return list(dict.fromkeys(value.lower() for value in values))


def _same_author(author: Author, record: AuthorRecord) -> bool:
    return (author.last_name or author.collective_name).lower() == (record.last_name or record.collective_name).lower()


def _qualifiers(qualifiers: list[dict]) -> tuple:
    return tuple((str(q.get("name", "")).lower(), bool(q.get("major"))) for q in qualifiers or [])


def _short(value: object, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
