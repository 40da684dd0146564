"""Vocabulary terms and journals an import refers to by name: found in the database, or created, once each."""

from collections.abc import Iterable

from django.db.models import Q
from django.db.models.functions import Lower

from reports import history
from reports.cases.records import JournalRecord
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
            new_keys = [key for key in missing if key not in self.ids]
            taken = self._taken_uis({wanted[key][1].get("ui") for key in new_keys} - {None, ""})
            new = []
            for key in new_keys:
                name, extra = wanted[key]
                if extra.get("ui") in taken:
                    # A MeSH UI another term holds already (names differ between MeSH versions) is left off.
                    extra = {k: v for k, v in extra.items() if k != "ui"}
                elif extra.get("ui"):
                    taken.add(extra["ui"])  # the first new term of the batch with this UI keeps it
                new.append(self.model(name=name, **extra))
            for obj in history.create(self.model, new):
                self.ids[obj.name.lower()] = obj.pk
        return {key: self.ids[key] for key in wanted}

    def _taken(self, values: dict) -> bool:
        return "ui" in values and self.model.objects.filter(ui=values["ui"]).exists()

    def _taken_uis(self, uis: set[str]) -> set[str]:
        """The UIs among these that terms in the database hold: one query for a batch's new terms."""
        if not uis or "ui" not in self.extra_fields:
            return set()
        return set(self.model.objects.filter(ui__in=uis).values_list("ui", flat=True))


class Journals:
    """Finds the journal a record names (by NLM ID, ISSN, title or abbreviation) or creates it."""

    def __init__(self):
        self.cache: dict[tuple[str, str], Journal] = {}
        # Journals read by preload(), and the keys it looked for: a record whose keys were all looked for is
        # matched against these without asking the database again.
        self.known: dict[tuple[str, str], dict[int, Journal]] = {}  # key -> journals with it, by id
        self.looked_up: set[tuple[str, str]] = set()

    def _remember(self, journal: Journal) -> None:
        for key in (
            ("nlm", journal.nlm_unique_id),
            ("issn", journal.issn),
            ("name", journal.title.lower()),
            ("name", journal.iso_abbreviation.lower()),
        ):
            if key[1]:
                self.known.setdefault(key, {})[journal.pk] = journal

    @staticmethod
    def _keys(record: JournalRecord) -> list[tuple[str, str]]:
        keys = [
            ("nlm", record.nlm_unique_id),
            ("issn", record.issn),
            ("name", record.title.lower()),
            ("name", record.iso_abbreviation.lower()),
        ]
        return [key for key in keys if key[1]]

    def preload(self, records: Iterable[JournalRecord]) -> None:
        """Read, in one query, the journals a batch's records may be: by NLM ID, ISSN, title or abbreviation."""
        wanted = {key for record in records for key in self._keys(record)} - self.looked_up - set(self.cache)
        if not wanted:
            return
        values = {kind: [value for k, value in wanted if k == kind] for kind in ("nlm", "issn", "name")}
        found = (
            Journal.objects.annotate(lower_title=Lower("title"), lower_abbreviation=Lower("iso_abbreviation"))
            .filter(
                Q(nlm_unique_id__in=values["nlm"])
                | Q(issn__in=values["issn"])
                | Q(lower_title__in=values["name"])
                | Q(lower_abbreviation__in=values["name"])
            )
            .order_by("pk")
        )
        for journal in found:
            self._remember(journal)
        self.looked_up |= wanted

    def resolve(self, record: JournalRecord) -> Journal | None:
        title = record.title or record.iso_abbreviation
        if not title:
            return None
        keys = self._keys(record)
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
            self._remember(journal)
        else:
            self._fill(journal, record)
        for key in keys:
            self.cache[key] = journal
        return journal

    def _find(self, record: JournalRecord) -> Journal | None:
        if set(self._keys(record)) <= self.looked_up:
            return self._find_known(record)
        if record.nlm_unique_id and (found := Journal.objects.filter(nlm_unique_id=record.nlm_unique_id).first()):
            return found
        if record.issn and (found := Journal.objects.filter(issn=record.issn).first()):
            return found
        names = [name for name in (record.title, record.iso_abbreviation) if name]
        query = Q()
        for name in names:
            query |= Q(title__iexact=name) | Q(iso_abbreviation__iexact=name)
        return self._first_fitting(record, list(Journal.objects.filter(query).order_by("pk")[:5]))

    def _find_known(self, record: JournalRecord) -> Journal | None:
        """_find, among the journals preload() read (and those created since): the same order of precedence."""
        for name, kind in (("nlm_unique_id", "nlm"), ("issn", "issn")):
            value = getattr(record, name)
            # A journal's details may have been filled since it was remembered: each candidate is checked again.
            candidates = sorted(self.known.get((kind, value), {}).items()) if value else []
            if found := next((j for _, j in candidates if getattr(j, name) == value), None):
                return found
        names = {name.lower() for name in (record.title, record.iso_abbreviation) if name}
        candidates = {pk: j for name in names for pk, j in self.known.get(("name", name), {}).items()}
        fitting = [
            j for _, j in sorted(candidates.items()) if j.title.lower() in names or j.iso_abbreviation.lower() in names
        ]
        return self._first_fitting(record, fitting[:5])

    @staticmethod
    def _first_fitting(record: JournalRecord, candidates: list[Journal]) -> Journal | None:
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
            self._remember(journal)
