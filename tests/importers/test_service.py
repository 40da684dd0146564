"""import_file end to end: real files from PubMed, through format detection, into the database."""

import dataclasses
import gzip
import io
import json
import logging
import shutil
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.importers.readers import READERS
from reports.importers.service import import_file
from reports.models import Author, CaseReport, Citation, Journal, Patient
from tests.importers.fuzzing import (
    EVERY_REAL_FILE,
    RandomBytes,
    assert_imports_whole_or_refuses_cleanly,
    damaged,
    real_files,
)

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "data"
PUBMED = DATA / "pubmed"
SEED_NBIB = DATA / "medline" / "seed_31123647.nbib"
ORACLE = json.loads((PUBMED / "oracle.json").read_text(encoding="utf-8"))
REAL_FILES = sorted(name for name, facts in ORACLE.items() if facts.get("format"))


def test_the_medline_record_of_the_seed_article_updates_the_seed_report(seed_report):
    result = import_file(file=SEED_NBIB)
    assert (result.format, result.created, result.updated, result.refused) == ("medline", 0, 1, [])
    report = CaseReport.objects.get()
    assert (report.pk, report.pmid, report.pmcid, report.doi) == (
        seed_report.pk,
        31123647,
        "PMC6510571",
        "10.7759/cureus.4225",
    )
    assert Author.objects.get().affiliation.startswith("Rheumatology, University of Texas Southwestern")
    assert report.journal.issn == "2168-8184"
    assert Patient.objects.get().age_value == 47
    assert Citation.objects.filter(report=report).count() == 5  # MEDLINE has no references: the page's stay
    again = import_file(file=SEED_NBIB)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_the_seed_page_imports_as_the_fixture_has_it():
    result = import_file(file=Path("fixtures/source/000_8d3d7cb61a81a9c9.txt"))
    assert (result.format, result.created) == ("pubmed_page", 1)
    report = CaseReport.objects.get()
    assert (report.doi, report.elocation_id, report.journal.title) == ("10.7759/cureus.4225", "e4225", "Cureus")
    assert Citation.objects.get(position=5).pmid == 17222320


@pytest.mark.parametrize("name", REAL_FILES)
def test_every_real_pubmed_file_imports_once_and_then_changes_nothing(name):
    facts = ORACLE[name]
    first = import_file(file=PUBMED / name)
    assert first.refused == []
    assert first.created + first.updated + first.unchanged == facts["n_records"]
    assert CaseReport.objects.count() == len({r.get("PMID") for r in facts["records"]})
    again = import_file(file=PUBMED / name)
    assert (again.created, again.updated, again.unchanged) == (0, 0, facts["n_records"])


@pytest.mark.parametrize(
    ("name", "looks_like"), [("biopython/pubmed3.html", "HTML"), ("biopython/efetch_pmc.xml", "PMC")]
)
def test_files_that_are_not_pubmed_exports_are_refused_with_what_they_look_like(name, looks_like):
    result = import_file(file=PUBMED / name)
    assert not result.ok
    assert looks_like in result.refused[0].message
    assert CaseReport.objects.count() == 0


def test_a_gzipped_xml_file_imports_like_the_plain_one(tmp_path):
    packed = tmp_path / "pubmed.xml.gz"
    with open(PUBMED / "metapub" / "25364329.xml", "rb") as plain, gzip.open(packed, "wb") as out:
        shutil.copyfileobj(plain, out)
    result = import_file(file=packed)
    assert (result.format, result.created) == ("pubmed_xml", 1)
    assert CaseReport.objects.get().citations.count() == 41


def test_a_missing_file_is_refused_not_raised(tmp_path):
    result = import_file(file=tmp_path / "nowhere.xml")
    assert not result.ok
    assert "nowhere.xml" in result.summary()


def test_the_format_can_be_forced_and_a_wrong_guess_is_explained():
    result = import_file(file=SEED_NBIB, format="pubmed_csv")
    assert not result.ok
    assert Journal.objects.count() == 0


def expected(facts: dict) -> dict:
    """What oracle.json says a record must become, whatever the file's format."""
    kind = facts["kind"]
    if kind == "MEDLINE":
        return {
            "title": facts["TI"],
            "year": int(facts["year"]),
            "doi": (facts["DOI"] or "").lower(),
            "pmcid": facts["PMC"] or "",
            "journal": facts["JT"],
            "first_author": facts["first_FAU"].split(",")[0],
            "authors": facts["n_FAU"],
            "publication_types": facts["PT"],
            "mesh": facts["n_MH"],
            "keywords": facts["n_OT"],
            "coi": facts["COIS"] or "",
        }
    if kind == "PubMedCSV":
        return {
            "title": facts["title"],
            "year": int(facts["year"]),
            "doi": (facts["doi"] or "").lower(),
            "pmcid": facts["pmcid"] or "",
            "journal": facts["journal"],
            "first_author": facts["first_author"].rsplit(" ", 1)[0],
            "authors": facts["n_authors"],
        }
    return {
        "title": facts["title_text"],
        "year": int(facts["year"]),
        "doi": (facts["doi"] or "").lower(),
        "pmcid": facts["pmcid"] or "",
        "journal": facts["journal"],
        "first_author": facts["first_author"][0] if facts["first_author"] else None,
        "authors": facts["n_authors"],
        "publication_types": facts["publication_types"],
        "mesh": facts["n_mesh"],
        "keywords": facts["n_keywords"],
        "references": facts["n_references"] or facts["n_commentscorrections_cites"],
        "coi": facts["coi_statement"] or "",
    }


def stored(report: CaseReport, keys) -> dict:
    authors = list(report.authors.all())
    values = {
        "title": report.title,
        "year": report.pub_year,
        "doi": report.doi,
        "pmcid": report.pmcid,
        "journal": report.journal.title,  # PubMed CSV names the journal by abbreviation only
        "first_author": (authors[0].last_name or authors[0].collective_name) if authors else None,
        "authors": len(authors),
        "publication_types": [link.publication_type.name for link in report.report_publication_types.all()],
        "mesh": report.mesh_headings.count(),
        "keywords": report.report_keywords.count(),
        "references": report.citations.count(),
        "coi": report.coi_statement,
    }
    return {key: values[key] for key in keys}


@pytest.mark.parametrize("name", REAL_FILES)
def test_every_imported_report_holds_what_the_oracle_read_from_its_file(name):
    assert import_file(file=PUBMED / name).ok
    for facts in ORACLE[name]["records"]:
        want = expected(facts)
        report = CaseReport.objects.select_related("journal").get(pmid=int(facts["PMID"]))
        got = stored(report, want)
        if "coi" in want:  # paragraphs may be wrapped differently; the words must be the same
            want["coi"], got["coi"] = " ".join(want["coi"].split()), " ".join(got["coi"].split())
        assert got == want, facts["PMID"]


def test_every_real_file_comes_back_the_same_through_a_json_export(tmp_path):
    from django.core.management import call_command

    from reports.models import Condition, Intervention

    for name in REAL_FILES:
        assert import_file(file=PUBMED / name).ok
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    call_command("export_reports", "--output", str(first), stderr=io.StringIO())
    CaseReport.objects.all().delete()
    Condition.objects.all().delete()
    Intervention.objects.all().delete()
    result = import_file(file=first)
    assert (result.ok, result.created) == (True, len({r["PMID"] for n in REAL_FILES for r in ORACLE[n]["records"]}))
    call_command("export_reports", "--output", str(second), stderr=io.StringIO())

    def comparable(path):
        data = json.loads(path.read_text(encoding="utf-8"))
        data.pop("exported_at")
        for report in data["reports"]:
            report.pop("created_at")
            report.pop("updated_at")
        data["reports"].sort(key=lambda report: report["pmid"])
        return data

    assert comparable(second) == comparable(first)


def test_nul_and_control_characters_never_reach_the_database(tmp_path):
    path = tmp_path / "dirty.nbib"
    path.write_bytes(
        b"PMID- 123\nTI  - A case\x00 of\x07 dirt\x1b.\nDP  - 2020\nAB  - Text\x00 with NUL.\nFAU - Do\x00e, J\x01ane\n"
    )
    # With NUL bytes a file looks binary, so it is refused unless its format is given.
    assert "binary" in import_file(file=path).refused[0].message
    assert import_file(file=path, format="medline").ok
    report = CaseReport.objects.get()
    assert (report.title, report.abstract, report.authors.get().fore_name) == (
        "A case of dirt.",
        "Text with NUL.",
        "Jane",
    )


# A file is all or nothing, whatever is wrong with it (tests/importers/fuzzing.py has the property): any real file,
# damaged, read as what it looks like or as any format at all, into a database that holds every real file.

EVERY_REAL_BYTES = real_files(*EVERY_REAL_FILE)


@pytest.fixture
def every_real_file_in_the_database():
    refused = [path.name for path in EVERY_REAL_FILE if not import_file(file=path).ok]
    assert refused == ["efetch_pmc.xml", "pubmed3.html"]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damaged(EVERY_REAL_BYTES), st.sampled_from([None, *READERS]), st.booleans())
def test_any_damaged_file_read_as_any_format_is_imported_whole_or_refused_leaving_the_database_as_it_was(
    every_real_file_in_the_database, data, format, skip_refused
):
    assert_imports_whole_or_refuses_cleanly(data, name="any.file", format=format, skip_refused=skip_refused)


def medline_records(count: int) -> bytes:
    return b"".join(b"PMID- %d\nTI  - Case %d.\nDP  - 2020 Jan\n\n" % (n, n) for n in range(1, count + 1))


def pubmed_xml(count: int) -> bytes:
    article = (
        b'<PubmedArticle><MedlineCitation><PMID Version="1">%d</PMID><Article><Journal><JournalIssue><PubDate>'
        b"<Year>2020</Year></PubDate></JournalIssue><Title>J</Title></Journal><ArticleTitle>Case %d.</ArticleTitle>"
        b"</Article></MedlineCitation></PubmedArticle>\n"
    )
    return b"<PubmedArticleSet>\n" + b"".join(article % (n, n) for n in range(1, count + 1)) + b"</PubmedArticleSet>"


def test_a_refused_last_record_keeps_out_the_records_written_before_it_in_earlier_chunks():
    # The writer works in chunks of 500 records; the first chunk is in the database when the last record is read.
    data = medline_records(600) + b"PMID- 601\nDP  - 2020 Jan\n"
    result = import_file(file=io.BytesIO(data), name="long.nbib")
    assert (result.written, result.records, CaseReport.objects.count()) == (False, 601, 0)
    assert str(result.refused[0]) == "record 601 (PMID 601), TI: the record has no title: expected a 'TI  - ' line"


def test_a_file_cut_short_after_its_first_chunk_writes_nothing():
    data = pubmed_xml(600)
    result = import_file(file=io.BytesIO(data[: data.index(b"<PMID Version") + len(data) * 9 // 10]), name="cut.xml")
    assert (result.written, CaseReport.objects.count()) == (False, 0)
    assert result.summary().startswith("cut.xml: refused, nothing written")
    assert "looks truncated" in result.refused[-1].message


# Garbage of any size: refused at its start, in little memory, whatever format it is said to be. bench/garbage_memory.py
# does the same with a gigabyte and reports the process's peak memory and the time per format.

GARBAGE_SIZE = 64 * 1024 * 1024
# The readers look at a file in pieces of 64 KiB; a refusal of garbage needs a few of them, not the whole file.
MEMORY_LIMIT = 4 * 1024 * 1024


@pytest.mark.parametrize("format", [None, *READERS])
def test_a_large_stream_of_random_bytes_is_refused_having_read_and_kept_little_of_it(format):
    garbage = RandomBytes(GARBAGE_SIZE)
    tracemalloc.start()
    try:
        result = import_file(file=garbage, name="garbage.bin", format=format)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not result.written
    assert result.summary().startswith("garbage.bin: refused, nothing written")
    assert peak < MEMORY_LIMIT, f"{peak / 1024 / 1024:.1f} MB"
    assert garbage.read_so_far < MEMORY_LIMIT, f"{garbage.read_so_far / 1024 / 1024:.1f} MB read"


def test_each_import_writes_one_line_to_the_log_with_its_counts_and_outcome(caplog, tmp_path):
    caplog.set_level(logging.INFO, logger="reports.importers.service")
    import_file(file=SEED_NBIB, dry_run=True)
    import_file(file=SEED_NBIB)
    broken = tmp_path / "broken.nbib"
    broken.write_text("not a MEDLINE file at all", encoding="utf-8")
    import_file(file=broken, format="medline")
    lines = [(record.levelname, record.getMessage()) for record in caplog.records]
    assert len(lines) == 3, lines
    assert lines[0][0] == "INFO"
    assert lines[0][1].startswith(
        "import of seed_31123647.nbib (medline): dry run; 1 records: 1 created, 0 updated, 0 unchanged, 0 refused"
    )
    assert lines[1][0] == "INFO"
    assert lines[1][1].startswith(
        "import of seed_31123647.nbib (medline): imported; 1 records: 1 created, 0 updated, 0 unchanged, 0 refused"
    )
    assert "import run none" not in lines[1][1]
    assert lines[2][0] == "WARNING"
    assert lines[2][1].startswith("import of broken.nbib (medline): refused;")


def test_a_reader_that_fails_in_a_way_it_does_not_say_refuses_the_file_with_the_reason(monkeypatch):
    real = READERS["pubmed_xml"].read

    def breaks(stream, *, source):
        yield from real(stream, source=source)
        raise MemoryError("no more room")

    monkeypatch.setitem(READERS, "pubmed_xml", dataclasses.replace(READERS["pubmed_xml"], read=breaks))
    result = import_file(file=PUBMED / "biopython" / "pubmed4.xml")

    assert [problem.message for problem in result.refused] == ["the file could not be read: MemoryError: no more room"]
    assert not result.written
    assert not CaseReport.objects.exists()
