"""The writer: records from any reader become case reports, merged with what casebase holds, one file at a time.

Rules (docs/importing.md says the same for curators):
- A record is the report that has its PMID, else its DOI, else its PMCID, else the same title, year and first author
  (matching.py).
- Bibliographic fields from the file fill empty ones and replace different ones; every replaced value is reported
  as a conflict. An empty value never overwrites a stored one, and a less precise date never replaces a more
  precise one (merge.py holds these rules, as functions of the stored and incoming values).
- Curated clinical data (patients and everything under them) is never changed or deleted. casebase JSON brings
  patients for a report that has none yet.
- Citations resolve both ways: a reference to a report in casebase links to it, and existing references that
  point to a report arriving now are linked to it (citations.py).
- A file is all or nothing: when any record is refused, nothing from the file is written. A dry run reports what
  would happen and writes nothing. Importing the same file twice changes nothing the second time.
"""

import itertools
import time
from collections.abc import Callable, Iterable, Iterator

from django.apps import apps
from django.db import connection, transaction
from django.db.models import Prefetch

import reports.search.index as search_index
from reports import audit, bulk
from reports.cases.records import ArticleRecord, PatientRecord, TermRecord
from reports.cases.store import replace_suggestions, reviewed, stored_cases, write_cases
from reports.cases.vocabulary import Journals, Vocabulary
from reports.importers import merge
from reports.importers.checks import field_limits, record_problems, term_problems
from reports.importers.citations import link_incoming, resolve_outgoing
from reports.importers.errors import RecordError
from reports.importers.mapping import (
    author_fields,
    case_report_fields,
    citation_fields,
    mesh_heading_fields,
    unique_headings,
)
from reports.importers.matching import IDENTIFIER_FIELDS, Matches, held_by_another, identity_keys, match_records
from reports.importers.results import ImportResult, Problem
from reports.models import (
    Author,
    CaseReport,
    Citation,
    Condition,
    ImportRun,
    Intervention,
    Keyword,
    MeshDescriptor,
    MeshHeading,
    PublicationType,
    ReportKeyword,
    ReportPublicationType,
    ReportSubstance,
    Substance,
)
from reports.suggestions import suggest_for

CHUNK_SIZE = 500

# Report fields the file's values fill or replace (merge.merge_field); the date parts are merged as a whole.
SCALAR_FIELDS = (
    "title",
    "vernacular_title",
    "abstract",
    "epub_date",
    "volume",
    "issue",
    "pages",
    "elocation_id",
    "language",
    "coi_statement",
)
# The columns an update of authors or citations in place may change (the history records them).
AUTHOR_FIELDS = ["last_name", "fore_name", "initials", "collective_name", "affiliation", "orcid"]
CITATION_FIELDS = [
    "raw_text",
    "title",
    "authors",
    "journal",
    "year",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "pmcid",
    "url",
    "in_pubmed",
    "in_pmc",
    "cited_report",
]


class _Rollback(Exception):
    """Leaves the file's transaction without writing anything."""


def import_records(
    *,
    records: Iterable[ArticleRecord | TermRecord | RecordError],
    source: str,
    source_format: str,
    dry_run: bool = False,
    skip_refused: bool = False,
    progress: Callable[[int], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
    suggest: bool = True,
    user=None,
    via: str = "other",
) -> ImportResult:
    """Write one file's records in one transaction; see the module's docstring for the rules.

    With `skip_refused`, the records that can be imported are, and the refused ones are listed; without it (the
    default) one refused record keeps the whole file out. A file that cannot be read to its end is never written.
    With `suggest` (the default), new and changed case reports without a curated case are given the patients,
    conditions and treatments their abstract states, marked as suggested (reports.suggestions).

    A file that writes is recorded as an ImportRun (with `user` and `via`: "command", "admin" or "other"), and the
    history of every record it writes names that import.
    """
    result = ImportResult(source=source, format=source_format, dry_run=dry_run, skip_refused=skip_refused)
    started = time.perf_counter()
    try:
        with transaction.atomic(), search_index.deferred(connection):
            run = ImportRun.objects.create(source=source[:255], format=source_format, via=via, user=user)
            with audit.acting(reason=run.reason, user=user):
                writer = _Writer(result=result, source=source, source_format=source_format, suggest=suggest)
                statistics = bulk.Statistics(tables=_tables())
                for chunk in _chunks(records, chunk_size):
                    writer.write(chunk)
                    statistics.written(result.created)
                    if progress:
                        progress(len(chunk))
            if dry_run or (result.refused and not skip_refused):
                raise _Rollback
            run.seconds = time.perf_counter() - started
            for name in ("records", "created", "updated", "unchanged", "suggested"):
                setattr(run, name, getattr(result, name))
            run.refused = len(result.refused)
            run.save()
            result.import_run = run.pk
        result.written = True
    except _Rollback:
        pass
    except RecordError as error:
        # The file itself turned out unreadable part-way through: nothing from it stays.
        result.skip_refused = False
        result.refused.append(Problem(error.record, error.pmid, error.field, error.message))
    result.seconds = time.perf_counter() - started
    return result


def _tables() -> list[str]:
    """casebase's tables, history and search documents included: those an import writes."""
    tables = [model._meta.db_table for model in apps.get_app_config("reports").get_models()]
    return [*tables, "reports_searchindex"] if connection.vendor == "postgresql" else tables


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


class _Writer:
    def __init__(self, *, result: ImportResult, source: str, source_format: str, suggest: bool = True):
        self.result = result
        self.suggest = suggest
        self.source = source
        self.source_format = source_format
        self.journals = Journals()
        self.keywords = Vocabulary(Keyword)
        self.publication_types = Vocabulary(PublicationType)
        self.descriptors = Vocabulary(MeshDescriptor, ("ui",))
        self.substances = Vocabulary(Substance, ("ui", "registry_number"))
        self.conditions = Vocabulary(Condition)
        self.interventions = Vocabulary(Intervention)
        self.terms = {Condition: self.conditions, Intervention: self.interventions}
        self.limits = field_limits()

    # One chunk -----------------------------------------------------------------------------------------------

    def write(self, items: list) -> None:
        records: list[ArticleRecord] = []
        for item in items:
            if isinstance(item, RecordError):
                self.result.records += 1
                self.result.refused.append(Problem(item.record, item.pmid, item.field, item.message))
            elif isinstance(item, TermRecord):
                problems = term_problems(item, self.limits)
                if problems:
                    self.result.refused.extend(problems)
                else:
                    self._write_term(item)
            else:
                self.result.records += 1
                problems = record_problems(item, self.limits)
                if problems:
                    self.result.refused.extend(problems)
                else:
                    records.append(item)
        # Records that name the same article twice in one chunk are written in separate batches, so that the
        # second finds the first.
        batch: list[ArticleRecord] = []
        keys: set = set()
        for record in records:
            record_keys = set(identity_keys(record))
            if record_keys & keys:
                self._write_batch(batch)
                batch, keys = [], set()
            batch.append(record)
            keys |= record_keys
        self._write_batch(batch)

    def _write_batch(self, records: list[ArticleRecord]) -> None:
        if not records:
            return
        self.journals.preload(record.journal for record in records)
        matches = match_records(records=records)
        new = [record for record in records if matches.report_of(record) is None]
        found = {pk for pk in matches.reports.values() if pk}
        existing = {
            report.pk: report
            # Joins rather than "a__b" prefetches: Django prefetches a foreign key as one "id = x OR id = y ..."
            # clause, which SQLite refuses past 1,000 terms.
            for report in CaseReport.objects.filter(pk__in=found).prefetch_related(
                "authors",
                Prefetch("report_keywords", queryset=ReportKeyword.objects.select_related("keyword")),
                Prefetch(
                    "report_publication_types",
                    queryset=ReportPublicationType.objects.select_related("publication_type"),
                ),
                Prefetch("mesh_headings", queryset=MeshHeading.objects.select_related("descriptor")),
                Prefetch("report_substances", queryset=ReportSubstance.objects.select_related("substance")),
                "citations",
                "patients",
            )
        }
        touched: list[CaseReport] = []
        to_suggest: list[tuple[CaseReport, ArticleRecord]] = []
        for record in records:
            pk = matches.report_of(record)
            if pk is not None:
                report, changed = self._update(existing[pk], record)
                if changed:
                    self.result.updated += 1
                    touched.append(report)
                    if not record.patients:
                        to_suggest.append((report, record))
                else:
                    self.result.unchanged += 1
        changed = {report.pk for report, _ in to_suggest}
        created = self._create(new, matches=matches)
        touched.extend(created)
        to_suggest += [(report, record) for report, record in zip(created, new, strict=True) if not record.patients]
        self._suggest(to_suggest, replaceable=changed)
        self.result.citations_linked += link_incoming(reports=touched)
        # The row triggers are off during an import (search_index.deferred): one refresh per batch instead.
        search_index.refresh(connection, [report.pk for report in touched])

    # Creating ------------------------------------------------------------------------------------------------

    def _create(self, records: list[ArticleRecord], *, matches: Matches) -> list[CaseReport]:
        if not records:
            return []
        reports = []
        for record in records:
            fields = case_report_fields(record)
            fields = {k: ("" if v is None and k not in _NULLABLE else v) for k, v in fields.items()}
            journal = self.journals.resolve(record.journal)
            report = CaseReport(
                **fields,
                journal=journal,
                # casebase JSON keeps where the report first came from; other files are the source themselves.
                source_format=record.source_format or self.source_format,
                source_name=record.source_name if record.source_format else self.source,
            )
            # An identifier another report holds (a DOI shared by two PubMed records) stays with that report.
            # Records of one batch never share one (see write()).
            for name in IDENTIFIER_FIELDS:
                value = getattr(report, name)
                if value and matches.is_held(name, value):
                    self._conflict(record, name, f"{value} belongs to another report; not copied")
                    setattr(report, name, None if name == "pmid" else "")
            reports.append(report)
        reports = audit.create(CaseReport, reports)
        self.result.created += len(reports)
        self._write_children(list(zip(reports, records, strict=True)))
        self._write_patients([(report, record.patients) for report, record in zip(reports, records, strict=True)])
        return reports

    def _write_children(self, pairs: list[tuple[CaseReport, ArticleRecord]], *, only: set[str] | None = None) -> None:
        """Authors, index terms and citations of reports that have none of them (new, or just cleared)."""

        def wanted(name):
            return only is None or name in only

        # Rows name their report by id (report_id=...), not by object: setting a relation by object asks the database
        # router about it, once per row, which is a tenth of an import's time.
        if wanted("authors"):
            audit.create(
                Author,
                [
                    Author(report_id=report.pk, **author_fields(author, position=n))
                    for report, record in pairs
                    for n, author in enumerate(record.authors, start=1)
                ],
            )
        for name, vocabulary, link_model, link_field, values in (
            ("keywords", self.keywords, ReportKeyword, "keyword", lambda r: {k: {} for k in r.keywords}),
            (
                "publication_types",
                self.publication_types,
                ReportPublicationType,
                "publication_type",
                lambda r: {p: {} for p in r.publication_types},
            ),
            (
                "substances",
                self.substances,
                ReportSubstance,
                "substance",
                lambda r: {s.name: {"ui": s.ui, "registry_number": s.registry_number} for s in r.substances},
            ),
        ):
            if not wanted(name):
                continue
            terms: dict[str, dict] = {}
            for _, record in pairs:
                for term, extra in values(record).items():
                    terms.setdefault(term, extra)
            ids = vocabulary.resolve(terms)
            links = []
            for report, record in pairs:
                seen = set()
                for position, term in enumerate(values(record), start=1):
                    key = ids[term.lower()]
                    if key not in seen:
                        seen.add(key)
                        links.append(link_model(report_id=report.pk, position=position, **{f"{link_field}_id": key}))
            audit.create(link_model, links)
        if wanted("mesh_headings"):
            ids = self.descriptors.resolve(
                {heading.descriptor: {"ui": heading.ui} for _, record in pairs for heading in record.mesh_headings}
            )
            headings = [
                MeshHeading(
                    report_id=report.pk,
                    descriptor_id=ids[heading.descriptor.lower()],
                    **mesh_heading_fields(heading, position=position),
                )
                for report, record in pairs
                for position, heading in enumerate(unique_headings(record.mesh_headings), start=1)
            ]
            audit.create(MeshHeading, headings)
        if wanted("citations"):
            citations, hints = [], []
            for report, record in pairs:
                for n, reference in enumerate(record.references, start=1):
                    citations.append(Citation(report_id=report.pk, **citation_fields(reference, position=n)))
                    hints.append(reference.links_to)
            self.result.citations_linked += resolve_outgoing(citations=citations, hints=hints)
            audit.create(Citation, citations)

    def _suggest(self, pairs: list[tuple[CaseReport, ArticleRecord]], *, replaceable: set[int]) -> None:
        """Suggested cases for new or changed reports, unless a curator has entered or confirmed their case. The
        changed reports (`replaceable`) may hold suggestions already: a case that is all suggestion is replaced by
        what the changed record suggests."""
        if not self.suggest or not pairs:
            return
        suggestions = [(report.pk, suggest_for(record)) for report, record in pairs]
        done = replace_suggestions(suggestions=suggestions, replaceable=replaceable, terms=self.terms)
        self.result.suggested += len(done.written)

    def _write_patients(self, cases: list[tuple[CaseReport, list[PatientRecord]]]) -> None:
        write_cases([(report.pk, patients) for report, patients in cases], terms=self.terms)

    def _write_term(self, term: TermRecord) -> None:
        """A vocabulary term from casebase JSON: created when missing; its details fill empty ones."""
        model, vocabulary = {
            "condition": (Condition, self.conditions),
            "intervention": (Intervention, self.interventions),
            "publication_type": (PublicationType, self.publication_types),
            "mesh_descriptor": (MeshDescriptor, self.descriptors),
            "substance": (Substance, self.substances),
        }[term.vocabulary]
        if model in (Condition, Intervention):
            values = {"synonyms": "\n".join(term.synonyms), "mesh_ui": term.ui}
            if model is Intervention and term.kind:
                values["kind"] = term.kind
        else:
            values = {"ui": term.ui}
            if model is Substance:
                values["registry_number"] = term.registry_number
        # A UI that another term holds (a renamed MeSH term) is left off rather than clash.
        if values.get("ui") and model.objects.filter(ui=values["ui"]).exclude(name__iexact=term.name).exists():
            values["ui"] = ""
        existing = model.objects.filter(name__iexact=term.name).first()
        if existing is None:
            existing = model.objects.create(name=term.name, **values)
        else:
            changes = {k: v for k, v in values.items() if v and not getattr(existing, k)}
            if changes:
                audit.update_where(model.objects.filter(pk=existing.pk), **changes)
        vocabulary.ids[existing.name.lower()] = existing.pk

    # Updating ------------------------------------------------------------------------------------------------

    def _update(self, report: CaseReport, record: ArticleRecord) -> tuple[CaseReport, bool]:
        fields = case_report_fields(record)
        version = merge.merge_version(stored=report.pmid_version, incoming=record.pmid_version)
        if version.conflict:
            self._conflict(record, "pmid", version.conflict)
            return report, False
        changed: list[str] = []

        def take(name: str, merged: merge.Merged) -> None:
            if merged.conflict:
                self._conflict(record, name, merged.conflict)
            if merged.changed:
                setattr(report, name, merged.value)
                changed.append(name)

        take("pmid_version", version)
        for name in SCALAR_FIELDS:
            take(name, merge.merge_field(stored=getattr(report, name), incoming=fields[name]))
        for name in IDENTIFIER_FIELDS:
            take(
                name,
                merge.merge_identifier(
                    stored=getattr(report, name),
                    incoming=fields[name],
                    held_by_another=lambda name=name: held_by_another(
                        name=name, value=fields[name], report_id=report.pk
                    ),
                ),
            )
        date = merge.merge_date(
            stored={name: getattr(report, name) for name in merge.DATE_FIELDS},
            incoming={name: fields[name] for name in merge.DATE_FIELDS},
            stored_date=report.publication_date,
        )
        if date.conflict:
            self._conflict(record, "date", date.conflict)
        for name, value in date.value.items():
            setattr(report, name, value)
            changed.append(name)
        take(
            "journal",
            # The stored journal is read (a query) only to name it in a conflict.
            merge.merge_journal(
                stored_id=report.journal_id,
                incoming=self.journals.resolve(record.journal),
                stored=lambda: report.journal,
            ),
        )
        if changed:
            report.save(update_fields=[*changed, "updated_at"])
        lists_changed = self._merge_lists(report, record)
        if record.patients:
            lists_changed |= self._merge_patients(report, record)
        if lists_changed and not changed:
            report.save(update_fields=["updated_at"])
        return report, bool(changed or lists_changed)

    def _merge_lists(self, report: CaseReport, record: ArticleRecord) -> bool:
        """Authors, index terms and citations: updated in place, or deleted and written again from the file."""
        clear: set[str] = set()

        def take(name: str, merged: merge.ListMerge) -> None:
            if merged.conflict:
                self._conflict(record, name, merged.conflict)
            if merged.replace:
                clear.add(name)

        authors = list(report.authors.all())
        merged = merge.merge_authors(stored=authors, incoming=record.authors, abridged=record.authors_abridged)
        take("authors", merged)
        updated = _apply(authors, merged)
        if updated:
            audit.update(Author, updated, AUTHOR_FIELDS)
        changed = bool(updated)
        for name, stored, incoming in (
            ("keywords", [link.keyword.name for link in report.report_keywords.all()], record.keywords),
            (
                "publication_types",
                [link.publication_type.name for link in report.report_publication_types.all()],
                record.publication_types,
            ),
            (
                "substances",
                [link.substance.name for link in report.report_substances.all()],
                [s.name for s in record.substances],
            ),
        ):
            take(name, merge.merge_names(stored=stored, incoming=incoming, silent=name == "publication_types"))
        take("mesh_headings", merge.merge_headings(stored=report.mesh_headings.all(), incoming=record.mesh_headings))
        citations = list(report.citations.all())
        merged = merge.merge_citations(stored=citations, incoming=record.references)
        take("citations", merged)
        if updated := _apply(citations, merged):
            self.result.citations_linked += resolve_outgoing(
                citations=[c for c in updated if c.cited_report_id is None]
            )
            audit.update(Citation, updated, CITATION_FIELDS)
            changed = True

        if clear:
            related = {
                "authors": report.authors,
                "keywords": report.report_keywords,
                "publication_types": report.report_publication_types,
                "substances": report.report_substances,
                "mesh_headings": report.mesh_headings,
                "citations": report.citations,
            }
            for name in clear:
                related[name].all().delete()
            self._write_children([(report, record)], only=clear)
            changed = True
        return changed

    def _merge_patients(self, report: CaseReport, record: ArticleRecord) -> bool:
        """The file's patients for a report that has none, or only suggested ones; True when they were written."""
        # exists() reads the prefetched patients; the stored case and the curators' marks cost queries, asked for
        # only when they decide.
        stored = stored_cases(report_ids=[report.pk]).get(report.pk, []) if report.patients.exists() else []
        merged = merge.merge_patients(
            stored=stored, incoming=record.patients, reviewed=lambda: bool(reviewed(report_ids=[report.pk]))
        )
        if merged.conflict:
            self._conflict(record, "patients", merged.conflict)
        if not merged.changed:
            return False
        if stored:
            report.patients.all().delete()
        self._write_patients([(report, record.patients)])
        return True

    # Reporting -----------------------------------------------------------------------------------------------

    def _conflict(self, record: ArticleRecord, name: str, message: str) -> None:
        self.result.conflicts.append(Problem(record.number, record.pmid, name, message))


_NULLABLE = {"pmid", "pmid_version", "epub_date", "pub_month", "pub_day"}


def _apply(rows: list, merged: merge.ListMerge) -> list:
    """Set a list merge's new values on the stored rows; returns the rows it changed, in order."""
    for index, values in merged.updates.items():
        for name, value in values.items():
            setattr(rows[index], name, value)
    return [rows[index] for index in merged.updates]
