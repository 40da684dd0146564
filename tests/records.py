"""Builders for plain records, as a reader would produce them, for writer tests."""

from itertools import count

from reports.cases.records import (
    ArticleRecord,
    AuthorRecord,
    JournalRecord,
    MeshRecord,
    PublicationDate,
    ReferenceRecord,
)

_numbers = count(1)


def article(**fields) -> ArticleRecord:
    fields.setdefault("title", f"A case of something {next(_numbers)}")
    fields.setdefault("date", PublicationDate(year=2020, month=5, text="2020 May"))
    fields.setdefault("number", 1)
    fields.setdefault(
        "journal",
        JournalRecord(
            title="Journal of medical case reports",
            iso_abbreviation="J Med Case Rep",
            issn="1752-1947",
            nlm_unique_id="101293382",
        ),
    )
    fields.setdefault("authors", [AuthorRecord(last_name="Smith", fore_name="Ann", initials="A")])
    return ArticleRecord(**fields)


def reference(text: str = "Smith A. A cited case. J Med Case Rep. 2010;1:1-2.", **fields) -> ReferenceRecord:
    return ReferenceRecord(raw_text=text, **fields)


def heading(name: str, *, major: bool = False, qualifiers=()) -> MeshRecord:
    return MeshRecord(descriptor=name, is_major=major, qualifiers=[{"name": q, "major": False} for q in qualifiers])
