"""Vocabulary terms and journals an import refers to by name: found in the database, or created, once each."""

from django.db.models import Q
from django.db.models.functions import Lower

from reports import history
from reports.importers.records import JournalRecord
from reports.models import Journal


class Vocabulary:
    """Name -> id for one kind of term, filled from the database as names come, created when missing."""

    def __init__(self, model, extra_fields: tuple[str, ...] = ()):
        self.model = model
        self.extra_fields = extra_fields
        self.ids: dict[str, int] = {}

    def resolve(self, terms: dict[str, dict]) -> dict[str, int]:
        """terms: name -> extra field values. Returns casefolded name -> id, creating what is missing and filling
        extra fields (MeSH UI, registry number) that are empty in the database."""
        wanted = {name.lower(): (name, extra) for name, extra in terms.items()}
        missing = [key for key in wanted if key not in self.ids]
        if missing:
            for row in (
                self.model.objects.annotate(key=Lower("name"))
                .filter(key__in=[wanted[key][0].lower() for key in missing])
                .values("id", "name", *self.extra_fields)
            ):
                self.ids[row["name"].lower()] = row["id"]
                extra = wanted.get(row["name"].lower(), (None, {}))[1]
                fill = {k: v for k, v in extra.items() if v and not row[k]}
                if fill and not self._taken(fill):
                    history.update_where(self.model.objects.filter(pk=row["id"]), **fill)
            new = [
                self.model(name=wanted[key][0], **self._free(wanted[key][1])) for key in missing if key not in self.ids
            ]
            for obj in history.create(self.model, new):
                self.ids[obj.name.lower()] = obj.pk
        return {key: self.ids[key] for key in wanted}

    def _taken(self, values: dict) -> bool:
        return "ui" in values and self.model.objects.filter(ui=values["ui"]).exists()

    def _free(self, values: dict) -> dict:
        """Drop a MeSH UI that another term holds already (names differ between MeSH versions)."""
        if values.get("ui") and self._taken({"ui": values["ui"]}):
            return {k: v for k, v in values.items() if k != "ui"}
        return values


class Journals:
    """Finds the journal a record names (by NLM ID, ISSN, title or abbreviation) or creates it."""

    def __init__(self):
        self.cache: dict[tuple[str, str], Journal] = {}

    def resolve(self, record: JournalRecord) -> Journal | None:
        title = record.title or record.iso_abbreviation
        if not title:
            return None
        keys = [
            ("nlm", record.nlm_unique_id),
            ("issn", record.issn),
            ("name", record.title.lower()),
            ("name", record.iso_abbreviation.lower()),
        ]
        keys = [key for key in keys if key[1]]
        journal = next((self.cache[key] for key in keys if key in self.cache), None)
        if journal is None:
            journal = self._find(record)
        if journal is None:
            journal = Journal.objects.create(
                title=title,
                iso_abbreviation=record.iso_abbreviation,
                issn=record.issn,
                nlm_unique_id=record.nlm_unique_id,
            )
        else:
            self._fill(journal, record)
        for key in keys:
            self.cache[key] = journal
        return journal

    def _find(self, record: JournalRecord) -> Journal | None:
        if record.nlm_unique_id and (found := Journal.objects.filter(nlm_unique_id=record.nlm_unique_id).first()):
            return found
        if record.issn and (found := Journal.objects.filter(issn=record.issn).first()):
            return found
        names = [name for name in (record.title, record.iso_abbreviation) if name]
        query = Q()
        for name in names:
            query |= Q(title__iexact=name) | Q(iso_abbreviation__iexact=name)
        candidates = list(Journal.objects.filter(query).order_by("pk")[:5])
        # A journal known by another ISSN or NLM ID is another journal of the same name.
        return next(
            (
                journal
                for journal in candidates
                if not (record.issn and journal.issn and journal.issn != record.issn)
                and not (
                    record.nlm_unique_id and journal.nlm_unique_id and journal.nlm_unique_id != record.nlm_unique_id
                )
            ),
            None,
        )

    def _fill(self, journal: Journal, record: JournalRecord) -> None:
        changes = {}
        if record.title and journal.title != record.title and journal.title == journal.iso_abbreviation:
            changes["title"] = record.title  # the full title arrives after the abbreviation
        for name in ("iso_abbreviation", "issn", "nlm_unique_id"):
            value = getattr(record, name)
            if value and not getattr(journal, name):
                if name in ("issn", "nlm_unique_id") and Journal.objects.filter(**{name: value}).exists():
                    continue
                changes[name] = value
        if changes:
            for name, value in changes.items():
                setattr(journal, name, value)
            journal.save(update_fields=list(changes))
