"""Vocabulary terms and journals an import refers to by name: found in the database, or created, once each; and
MeSH loaded into the vocabulary of conditions and interventions."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Lower

from reports import audit
from reports.cases.records import JournalRecord
from reports.mesh import Descriptor, Thesaurus
from reports.models import Condition, Intervention, Journal


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
                    audit.update_where(self.model.objects.filter(pk=row["id"]), **fill)
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
            for obj in audit.create(self.model, new):
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


@dataclass
class Loaded:
    """What load_mesh did to one vocabulary."""

    created: int = 0
    updated: int = 0  # a term that was there already given its MeSH UI, tree numbers or more synonyms
    unchanged: int = 0
    # Descriptors left out because a term of the same name holds another MeSH UI: "name (UI held, UI wanted)".
    conflicts: list[str] | None = None


def load_mesh(*, thesaurus: Thesaurus) -> dict[type[models.Model], Loaded]:
    """Every MeSH disease (C, F03) as a condition, every drug (D) and procedure (E02, E04) as an intervention.

    A term already there is found by its MeSH UI, else by its name or one of its synonyms being the descriptor's
    name or an entry term; it keeps its name, kind and synonyms and gains the MeSH UI, the tree numbers and the
    entry terms it lacks. Run again, it changes nothing.
    """
    descriptors = list(thesaurus.by_ui.values())
    wanted = {
        Condition: [d for d in descriptors if d.is_disease],
        Intervention: [d for d in descriptors if d.is_drug or d.is_procedure],
    }
    with transaction.atomic():
        return {model: _load(model, found) for model, found in wanted.items()}


def _load(model, descriptors: list[Descriptor]) -> Loaded:
    done = Loaded(conflicts=[])
    terms = list(model.objects.order_by("pk"))
    by_ui = {term.mesh_ui: term for term in terms if term.mesh_ui}
    by_name: dict[str, object] = {}
    for term in terms:
        for name in (*term.synonym_list, term.name):  # the name wins over another term's synonym
            by_name[name.lower()] = term
    changed, new = [], []
    for descriptor in descriptors:
        names = [descriptor.name.lower(), *descriptor.entry_terms]
        term = by_ui.get(descriptor.ui) or next(
            (by_name[name] for name in names if name in by_name and not by_name[name].mesh_ui), None
        )
        if term is None:
            if (holder := by_name.get(descriptor.name.lower())) is not None:
                done.conflicts.append(f"{descriptor.name} ({holder.mesh_ui} held, {descriptor.ui} wanted)")
                continue
            term = model(name=descriptor.name, **_mesh_values(model, descriptor, synonyms=[]))
            if model is Intervention:
                term.kind = Intervention.Kind.DRUG if descriptor.is_drug else Intervention.Kind.PROCEDURE
            new.append(term)
            by_ui[descriptor.ui] = term
            by_name[descriptor.name.lower()] = term
            continue
        values = _mesh_values(model, descriptor, synonyms=[term.name, *term.synonym_list])
        if all(getattr(term, name) == value for name, value in values.items()):
            done.unchanged += 1
            continue
        for name, value in values.items():
            setattr(term, name, value)
        by_ui[descriptor.ui] = term
        changed.append(term)
    audit.create(model, new)
    audit.update(model, changed, fields=["mesh_ui", "tree_numbers", "synonyms"])
    done.created, done.updated = len(new), len(changed)
    return done


def _mesh_values(model, descriptor: Descriptor, *, synonyms: list[str]) -> dict[str, str]:
    """A term's MeSH UI, tree numbers and synonyms: its own synonyms, then the entry terms it lacks."""
    limit = model._meta.get_field("name").max_length
    known = {name.lower() for name in synonyms} | {descriptor.name.lower()}
    extra = [term for term in descriptor.entry_terms if term not in known and len(term) <= limit]
    own = synonyms[1:] if synonyms else []
    return {
        "mesh_ui": descriptor.ui,
        "tree_numbers": " ".join(descriptor.tree_numbers),
        "synonyms": "\n".join([*own, *extra]),
    }
