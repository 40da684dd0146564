"""The reader of MEDLINE text, PubMed's .nbib format (reports/importers/medline.py).

Real files: biopython's pubmed_result{1,2,3}.txt (tests/data/pubmed/biopython/, with facts per record in
tests/data/pubmed/oracle.json) and the seed article's .nbib (tests/data/medline/seed_31123647.nbib, see the README
beside it). Small cases are written inline in the same layout.
"""

import dataclasses
import io
import json
import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.cases.records import (
    ArticleRecord,
    AuthorRecord,
    JournalRecord,
    MeshRecord,
    PublicationDate,
    SubstanceRecord,
)
from reports.importers.errors import RecordError
from reports.importers.medline import read_medline
from reports.importers.service import import_file
from reports.text import clean, clean_line
from tests.importers.fuzzing import HOSTILE_PIECES, assert_imports_whole_or_refuses_cleanly, damaged

ROOT = Path(__file__).resolve().parents[2]
PUBMED = ROOT / "tests" / "data" / "pubmed"
BIOPYTHON = PUBMED / "biopython"
SEED = ROOT / "tests" / "data" / "medline" / "seed_31123647.nbib"
SEED_PAGE = ROOT / "fixtures" / "source" / "000_8d3d7cb61a81a9c9.txt"
ORACLE = json.loads((PUBMED / "oracle.json").read_text(encoding="utf-8"))
MEDLINE_FILES = ["pubmed_result1.txt", "pubmed_result2.txt", "pubmed_result3.txt"]
ORACLE_RECORDS = [
    pytest.param(name, index, facts, id=f"{name}-{facts['PMID']}")
    for name in MEDLINE_FILES
    for index, facts in enumerate(ORACLE[f"biopython/{name}"]["records"])
]
_LABEL = re.compile(r"^([A-Z][A-Z /&,'-]*[A-Z]): ")

SEED_ABSTRACT = (
    "Sjogren's Syndrome is a chronic autoimmune disorder that causes the inflammation of the lacrimal and salivary "
    "glands, resulting in dryness of the eyes and mouth. In addition, fatigue and musculoskeletal pain, often "
    "described as aching, is very common. Treatment directed toward alleviating the fatigue and pain associated "
    "with Sjogren's is currently very limited. This report describes a case of a 47-year-old female with suspected "
    "Sjogren's based on long-standing dry eyes, dry mouth, joint pain, fatigue, elevated measures of inflammation, "
    "and a positive rheumatoid factor. She failed standard therapy but improved clinically with low-dose naltrexone "
    "therapy."
)


def read_bytes(data: bytes, source: str = "test.nbib") -> list[ArticleRecord | RecordError]:
    return list(read_medline(io.BytesIO(data), source=source))


def read_text(text: str, source: str = "test.nbib") -> list[ArticleRecord | RecordError]:
    return read_bytes(text.encode("utf-8"), source=source)


def read_file(path: Path) -> list[ArticleRecord | RecordError]:
    with path.open("rb") as stream:
        return list(read_medline(stream, source=path.name))


def only(text: str) -> ArticleRecord:
    (record,) = read_text(text)
    assert isinstance(record, ArticleRecord), record
    return record


def file_error(data: bytes, source: str = "test.nbib") -> RecordError:
    with pytest.raises(RecordError) as caught:
        read_bytes(data, source=source)
    return caught.value


def medline(*lines: str, pmid: str = "11111111") -> str:
    """A small record: PMID, TI and DP first (the lines a record needs), then the given lines."""
    return "\n".join([f"PMID- {pmid}", "TI  - A case of something.", "DP  - 2020 Jan", *lines]) + "\n"


# The biopython files, record by record, against the facts in oracle.json.


@pytest.mark.parametrize("name", MEDLINE_FILES)
def test_each_biopython_file_gives_as_many_records_as_the_oracle_counts(name):
    records = read_file(BIOPYTHON / name)
    assert [type(record) for record in records] == [ArticleRecord] * ORACLE[f"biopython/{name}"]["n_records"]
    assert [record.number for record in records] == list(range(1, len(records) + 1))


@pytest.mark.parametrize(("name", "index", "facts"), ORACLE_RECORDS)
def test_each_biopython_record_matches_the_oracle_field_by_field(name, index, facts):
    record = read_file(BIOPYTHON / name)[index]
    first = record.authors[0]
    assert record.pmid == int(facts["PMID"])
    assert record.title == facts["TI"]
    assert f"{first.last_name}, {first.fore_name}" == facts["first_FAU"]
    assert f"{first.last_name} {first.initials}" == facts["first_AU"]
    assert len(record.authors) == facts["n_AU"] == facts["n_FAU"]
    assert record.journal.iso_abbreviation == facts["TA"]
    assert record.journal.title == facts["JT"]
    assert record.date.text == facts["DP"]
    assert record.date.year == int(facts["year"])
    assert record.doi == (facts["DOI"] or "").lower()
    assert record.publication_types == facts["PT"]
    assert len(record.mesh_headings) == facts["n_MH"]
    assert len(record.keywords) == facts["n_OT"]
    assert record.coi_statement == (facts["COIS"] or "")
    assert record.pmcid == (facts["PMC"] or "")
    labels = [match[1] for paragraph in record.abstract.split("\n\n") if (match := _LABEL.match(paragraph))]
    assert labels == facts["abstract_labels"]
    assert record.volume == (facts["VI"] or "")
    assert record.issue == (facts["IP"] or "")
    assert record.pages == (facts["PG"] or "")
    assert bool(record.abstract) is facts["has_AB"]


def test_a_structured_abstract_is_split_into_labelled_paragraphs():
    record = read_file(BIOPYTHON / "pubmed_result3.txt")[0]
    paragraphs = record.abstract.split("\n\n")
    assert [paragraph[:40] for paragraph in paragraphs] == [
        "PURPOSE: High-intensity focused ultrasou",
        "METHODS: Two transducers, six scanning p",
        "RESULTS: Based on the results of the fas",
        "CONCLUSIONS: Unlike traditional scanning",
    ]
    # "RESULTS: " ends its line in the file; the text goes on on the next line after one space.
    assert paragraphs[1].endswith("to simulate the heating procedure.")
    assert paragraphs[3].endswith("to ensure the success and safety of ablation treatment.")


def test_text_before_the_first_label_is_a_paragraph_of_its_own():
    record = read_file(BIOPYTHON / "pubmed_result2.txt")[3]
    paragraphs = record.abstract.split("\n\n")
    assert len(paragraphs) == 2
    assert paragraphs[0].startswith("The biopython project provides a set of bioinformatics tools")
    assert paragraphs[0].endswith("to detect obvious errors.")
    assert paragraphs[1] == (
        "AVAILABILITY: The Biopython distribution (including source code and documentation) is freely available "
        "(under the Biopython license) from http://www.biopython.org"
    )


def test_an_abstract_is_not_split_at_ratios_or_at_capitalised_words_inside_a_sentence():
    abstract = (
        "Patients were randomised 1:2 to LDN or placebo. The ratio was 3:1 in the DNA arm: it held. "
        "Follow up of HIV: no change."
    )
    record = only(medline(f"AB  - {abstract}"))
    assert record.abstract == abstract


def test_a_label_of_several_words_with_a_slash_starts_a_paragraph():
    record = only(medline("AB  - BACKGROUND/AIMS: Why. MATERIALS AND METHODS: How. CASE PRESENTATION: Who."))
    assert record.abstract == "BACKGROUND/AIMS: Why.\n\nMATERIALS AND METHODS: How.\n\nCASE PRESENTATION: Who."


def test_the_copyright_line_is_not_part_of_the_abstract():
    record = only(medline("AB  - A short abstract.", "CI  - Copyright (c) 2020 Elsevier Inc. All rights reserved."))
    assert record.abstract == "A short abstract."


def test_the_abstract_of_an_unstructured_record_is_one_paragraph():
    record = read_file(BIOPYTHON / "pubmed_result1.txt")[0]
    assert record.abstract.startswith("Bioinformatics research is often difficult to do with commercial software. ")
    assert record.abstract.endswith("from the point of view of the beginning biologist programmer.")
    assert "\n" not in record.abstract


# Continuation lines and repeated tags.


def test_a_title_continued_on_the_next_line_is_joined_with_one_space():
    record = read_file(BIOPYTHON / "pubmed_result2.txt")[1]
    assert record.title == "GenomeDiagram: a python package for the visualization of large-scale genomic data."


def test_a_trailing_space_before_a_continuation_line_does_not_double_the_space():
    record = read_file(BIOPYTHON / "pubmed_result2.txt")[0]
    assert "The ASTRAL compendium provides non redundant subsets" in record.abstract
    assert "  " not in record.abstract


def test_a_mesh_heading_continued_on_the_next_line_is_joined_with_one_space():
    record = read_file(BIOPYTHON / "pubmed_result3.txt")[0]
    assert record.mesh_headings[1] == MeshRecord(
        descriptor="High-Intensity Focused Ultrasound Ablation",
        qualifiers=[
            {"name": "adverse effects", "major": False},
            {"name": "instrumentation", "major": False},
            {"name": "methods", "major": True},
        ],
    )


def test_mesh_headings_keep_major_marks_on_the_descriptor_and_on_each_qualifier():
    record = read_file(BIOPYTHON / "pubmed_result2.txt")[3]
    assert record.mesh_headings[:4] == [
        MeshRecord(descriptor="Computer Simulation"),
        MeshRecord(descriptor="Database Management Systems", qualifiers=[{"name": "standards", "major": True}]),
        MeshRecord(descriptor="Databases, Protein", is_major=True),
        MeshRecord(
            descriptor="Information Storage and Retrieval",
            qualifiers=[{"name": "methods", "major": True}, {"name": "standards", "major": True}],
        ),
    ]


def test_a_major_heading_with_a_minor_qualifier_and_a_minor_heading_with_a_major_one():
    record = only(medline("MH  - *Sjogren's Syndrome/drug therapy", "MH  - Arthritis/*drug therapy/etiology"))
    assert record.mesh_headings == [
        MeshRecord(
            descriptor="Sjogren's Syndrome", is_major=True, qualifiers=[{"name": "drug therapy", "major": False}]
        ),
        MeshRecord(
            descriptor="Arthritis",
            qualifiers=[{"name": "drug therapy", "major": True}, {"name": "etiology", "major": False}],
        ),
    ]


def test_repeated_tags_accumulate_in_file_order():
    record = read_file(BIOPYTHON / "pubmed_result2.txt")[2]
    assert record.publication_types == [
        "Comparative Study",
        "Evaluation Studies",
        "Journal Article",
        "Validation Studies",
    ]
    assert [author.last_name for author in record.authors] == ["de Hoon", "Imoto", "Nolan", "Miyano"]
    assert [author.initials for author in record.authors] == ["MJ", "S", "J", "S"]


def test_several_languages_are_joined_with_a_semicolon():
    assert only(medline("LA  - eng", "LA  - fre")).language == "eng; fre"


def test_keywords_keep_their_order_and_lose_repeats():
    record = only(medline("OTO - NOTNLM", "OT  - fatigue", "OT  - Sjogren syndrome", "OT  - Fatigue", "OT  - fatigue"))
    assert record.keywords == ["fatigue", "Sjogren syndrome"]


def test_a_substance_gives_its_name_and_registry_number():
    record = only(
        medline("RN  - 5S6W795CQM (Naltrexone)", "RN  - 0 (Antibodies)", "RN  - EC 3.4.21.- (Trypsin (bovine))")
    )
    assert record.substances == [
        SubstanceRecord(name="Naltrexone", registry_number="5S6W795CQM"),
        SubstanceRecord(name="Antibodies", registry_number="0"),
        SubstanceRecord(name="Trypsin (bovine)", registry_number="EC 3.4.21.-"),
    ]


def test_a_substance_without_a_registry_number_in_a_biopython_record():
    record = read_file(BIOPYTHON / "pubmed_result2.txt")[3]
    assert record.substances == [SubstanceRecord(name="Macromolecular Substances", registry_number="0")]


def test_the_vernacular_title_is_read_from_tt():
    record = only(medline("TT  - Un cas de quelque chose."))
    assert record.vernacular_title == "Un cas de quelque chose."


def test_several_coi_statements_become_paragraphs():
    record = only(medline("COIS- None declared by the first author.", "COIS- None declared by the second."))
    assert record.coi_statement == "None declared by the first author.\n\nNone declared by the second."


# Authors.


def test_several_affiliations_of_one_author_are_joined_and_belong_to_the_author_above_them():
    record = only(
        medline(
            "FAU - Zashin, Scott",
            "AU  - Zashin S",
            "AD  - Rheumatology, University of Texas Southwestern Medical School, Dallas,",
            "      USA.",
            "AD  - Zashin Clinic, Dallas, USA.",
            "AUID- ORCID: 0000-0002-1825-009x",
            "FAU - de la Cruz, Juan",
            "AU  - de la Cruz J",
        )
    )
    assert record.authors == [
        AuthorRecord(
            last_name="Zashin",
            fore_name="Scott",
            initials="S",
            affiliation="Rheumatology, University of Texas Southwestern Medical School, Dallas, USA.; "
            "Zashin Clinic, Dallas, USA.",
            orcid="0000-0002-1825-009X",
        ),
        AuthorRecord(last_name="de la Cruz", fore_name="Juan", initials="J"),
    ]


def test_an_affiliation_printed_before_the_authors_belongs_to_the_first_author():
    record = read_file(BIOPYTHON / "pubmed_result2.txt")[1]
    assert record.authors[0].affiliation == (
        "Plant Pathogen Programme, Scottish Crop Research Institute, Invergowrie, Dundee DD2 5DA, Scotland, UK. "
        "lpritc@scri.ac.uk"
    )
    assert [author.affiliation for author in record.authors[1:]] == ["", "", ""]


def test_a_group_author_keeps_its_place_in_the_list():
    record = only(
        medline(
            "FAU - Smith, Ann",
            "AU  - Smith A",
            "CN  - LDN Study Group",
            "AD  - Somewhere, USA.",
            "FAU - Li, Bo",
            "AU  - Li B",
        )
    )
    assert record.authors == [
        AuthorRecord(last_name="Smith", fore_name="Ann", initials="A"),
        AuthorRecord(collective_name="LDN Study Group", affiliation="Somewhere, USA."),
        AuthorRecord(last_name="Li", fore_name="Bo", initials="B"),
    ]


def test_short_names_without_full_names_are_authors_of_their_own():
    record = only(medline("AU  - Smith JA", "AU  - de Hoon MJ", "AU  - Plato"))
    assert record.authors == [
        AuthorRecord(last_name="Smith", initials="JA"),
        AuthorRecord(last_name="de Hoon", initials="MJ"),
        AuthorRecord(last_name="Plato"),
    ]
    assert record.authors_abridged is True


def test_authors_with_full_names_are_not_abridged():
    assert [record.authors_abridged for record in read_file(BIOPYTHON / "pubmed_result2.txt")] == [False] * 4


def test_a_suffix_after_the_initials_is_not_taken_for_them():
    record = only(medline("FAU - Smith, John A Jr", "AU  - Smith JA Jr"))
    assert record.authors == [AuthorRecord(last_name="Smith", fore_name="John A Jr", initials="JA")]


# Journal, identifiers and dates.


@pytest.mark.parametrize(
    ("lines", "issn"),
    [
        (["IS  - 1096-0384 (Electronic)", "IS  - 0003-9861 (Print)", "IS  - 0003-9861 (Linking)"], "0003-9861"),
        (["IS  - 1096-0384 (Electronic)", "IS  - 0003-9861 (Print)"], "0003-9861"),
        (["IS  - 1471-2105 (Electronic)"], "1471-2105"),
        (["IS  - 1234-567x (Print)"], "1234-567X"),
        (["IS  - not an issn"], ""),
    ],
)
def test_the_journal_issn_is_the_linking_one_else_print_else_electronic(lines, issn):
    assert only(medline(*lines)).journal.issn == issn


def test_the_journal_is_read_from_ta_jt_and_jid():
    record = read_file(BIOPYTHON / "pubmed_result3.txt")[0]
    assert record.journal == JournalRecord(
        title="Medical physics", iso_abbreviation="Med Phys", issn="0094-2405", nlm_unique_id="0425746"
    )


def test_an_lid_pii_is_the_e_locator_and_wins_over_an_aid_pii():
    record = only(medline("LID - e4225 [pii]", "LID - 10.7759/Cureus.4225 [doi]", "AID - S1234 [pii]"))
    assert (record.doi, record.elocation_id) == ("10.7759/cureus.4225", "e4225")


def test_an_aid_pii_is_the_e_locator_only_when_there_is_no_lid():
    with_lid = only(medline("LID - 10.1118/1.4748329 [doi]", "AID - S0094-2405 [pii]"))
    without_lid = read_file(BIOPYTHON / "pubmed_result2.txt")[0]
    assert (with_lid.doi, with_lid.elocation_id) == ("10.1118/1.4748329", "")
    assert (without_lid.doi, without_lid.elocation_id) == ("10.1186/1471-2105-7-10", "1471-2105-7-10")


def test_a_record_without_doi_has_an_empty_doi():
    record = read_file(BIOPYTHON / "pubmed_result1.txt")[0]
    assert (record.pmid, record.doi, record.elocation_id, record.pmcid) == (12230038, "", "", "")


def test_a_record_without_lid_or_aid_lines_has_no_doi():
    record = read_file(BIOPYTHON / "pubmed_result2.txt")[3]
    assert (record.pmid, record.doi, record.elocation_id) == (14630660, "", "")


@pytest.mark.parametrize(("dep", "epub_date"), [("20190311", "2019-03-11"), ("20190230", ""), ("2019 Mar 11", "")])
def test_the_electronic_publication_date_is_read_from_dep(dep, epub_date):
    assert only(medline(f"DEP - {dep}")).epub_date == epub_date


def test_a_seasonal_date_keeps_its_season_and_its_text():
    record = read_text("PMID- 1\nTI  - A title.\nDP  - 1998 Winter\n")[0]
    assert record.date == PublicationDate(year=1998, season="Winter", text="1998 Winter")


# The seed article's .nbib.


def test_the_seed_nbib_starts_with_a_bom_and_ends_its_lines_with_crlf():
    data = SEED.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfPMID- 31123647\r\n")
    assert data.count(b"\r\n") == data.count(b"\n") == 52


def test_the_seed_nbib_is_read_exactly():
    assert read_file(SEED) == [
        ArticleRecord(
            title="Sjogren's Syndrome: Clinical Benefits of Low-dose Naltrexone Therapy",
            date=PublicationDate(year=2019, month=3, day=11, text="2019 Mar 11"),
            number=1,
            abstract=SEED_ABSTRACT,
            journal=JournalRecord(
                title="Cureus", iso_abbreviation="Cureus", issn="2168-8184", nlm_unique_id="101596737"
            ),
            epub_date="2019-03-11",
            volume="11",
            issue="3",
            pages="",
            elocation_id="e4225",
            doi="10.7759/cureus.4225",
            pmid=31123647,
            pmcid="PMC6510571",
            language="eng",
            coi_statement="I prescribe low dose naltrexone to patients in my medical practice",
            authors=[
                AuthorRecord(
                    last_name="Zashin",
                    fore_name="Scott",
                    initials="S",
                    affiliation="Rheumatology, University of Texas Southwestern Medical School, Dallas, USA.",
                )
            ],
            keywords=["autoimmune diseases", "fatigue", "joint pain", "low dose naltrexone", "sjogren syndrome"],
            publication_types=["Case Reports"],
        )
    ]


def test_the_seed_abstract_is_the_one_on_its_pubmed_page():
    page = SEED_PAGE.read_text(encoding="utf-8").split("\n")
    assert page[page.index("Abstract") + 2] == SEED_ABSTRACT


@pytest.mark.parametrize(
    "convert",
    [
        pytest.param(lambda data: data.removeprefix(b"\xef\xbb\xbf"), id="no BOM"),
        pytest.param(lambda data: data.replace(b"\r\n", b"\n"), id="LF"),
        pytest.param(lambda data: data.replace(b"\r\n", b"\r"), id="CR"),
        pytest.param(lambda data: data.removeprefix(b"\xef\xbb\xbf").replace(b"\r\n", b"\n"), id="LF, no BOM"),
    ],
)
def test_the_seed_reads_the_same_whatever_its_line_endings_and_bom(convert):
    assert read_bytes(convert(SEED.read_bytes()), source=SEED.name) == read_file(SEED)


def test_two_downloads_joined_into_one_file_give_both_records():
    seed = SEED.read_bytes()
    records = read_bytes(seed + b"\r\n" + seed.replace(b"31123647", b"31123648", 1))
    assert [(record.number, record.pmid) for record in records] == [(1, 31123647), (2, 31123648)]


# Records that cannot be read: an error for the record, and reading goes on.


def test_a_record_without_title_is_an_error_and_the_next_record_still_comes_out():
    text = (BIOPYTHON / "pubmed_result2.txt").read_text(encoding="utf-8")
    text = text.replace("TI  - GenomeDiagram: a python package for the visualization of large-scale genomic\n", "")
    text = text.replace("      data.\nPG  - 616-7", "PG  - 616-7")
    records = read_text(text, source="pubmed_result2.txt")
    assert [type(record) for record in records] == [ArticleRecord, RecordError, ArticleRecord, ArticleRecord]
    error = records[1]
    assert (error.record, error.pmid, error.field) == (2, 16377612, "TI")
    assert str(error) == (
        "pubmed_result2.txt, record 2 (PMID 16377612), field 'TI': the record has no title: expected a 'TI  - ' line"
    )
    assert (records[2].number, records[2].pmid, records[2].title) == (3, 14871861, "Open source clustering software.")


@pytest.mark.parametrize(
    ("date_line", "message"),
    [
        ("", "the record has no date of publication: expected a 'DP  - ' line like 'DP  - 2019 Mar 11'"),
        ("DP  - in press", "the date of publication 'in press' does not start with a year"),
    ],
)
def test_a_record_without_a_usable_year_is_an_error_for_dp(date_line, message):
    records = read_text(f"PMID- 5\nTI  - A title.\n{date_line}\n\nPMID- 6\nTI  - Another.\nDP  - 2001\n")
    assert [
        (type(record), record.number if isinstance(record, ArticleRecord) else record.record) for record in records
    ] == [
        (RecordError, 1),
        (ArticleRecord, 2),
    ]
    assert (records[0].pmid, records[0].field, records[0].message) == (5, "DP", message)


def test_a_line_that_is_neither_tag_nor_continuation_spoils_only_its_record():
    records = read_text("PMID- 7\nTI  - A title.\nthis line is stray\nDP  - 2001\n\nPMID- 8\nTI  - Fine.\nDP  - 2002\n")
    assert isinstance(records[0], RecordError)
    assert (records[0].record, records[0].pmid) == (1, 7)
    assert records[0].message == (
        "line 3 is neither a tag line ('XX  - value') nor a continuation line (starting with six spaces): "
        "'this line is stray'"
    )
    assert (records[1].pmid, records[1].title) == (8, "Fine.")


def test_a_record_after_a_blank_line_without_its_pmid_line_is_an_error_for_pmid():
    records = read_text(
        "PMID- 7\nTI  - A title.\nDP  - 2001\n\nTI  - Orphan.\nDP  - 2002\n\nPMID- 9\nTI  - B.\nDP  - 2003\n"
    )
    assert [type(record) for record in records] == [ArticleRecord, RecordError, ArticleRecord]
    assert (records[1].record, records[1].pmid, records[1].field) == (2, None, "PMID")
    assert records[1].message == "the record that starts on line 5 with 'TI - Orphan.' has no 'PMID- ' line before it"
    assert records[2].number == 3


def test_control_characters_and_nul_are_removed_from_values():
    record = only("PMID- 3\nTI  - A\x00 title\x07 with\tcontrol characters.\nDP  - 2001\nAB  - Text\x0b here.\n")
    assert (record.title, record.abstract) == ("A title with control characters.", "Text here.")


# Files that are not MEDLINE text: one error for the file, before any record.


def test_random_bytes_are_refused_as_not_utf8():
    data = random.Random(20190311).randbytes(4096)
    error = file_error(data, source="noise.bin")
    assert error.record is None
    assert str(error).startswith("noise.bin: byte 0x")
    assert "is not UTF-8: expected MEDLINE text as PubMed saves it (a .nbib file)" in error.message
    assert error.message.endswith("with each record starting at a 'PMID- ' line")


def test_a_byte_that_is_not_utf8_is_named_by_its_offset_and_line():
    data = SEED.read_bytes().replace(b"Sjogren's Syndrome is", b"Sj\xf6gren's Syndrome is")
    error = file_error(data, source=SEED.name)
    offset = data.index(b"\xf6")
    assert error.message.startswith(f"byte 0xf6 at offset {offset} (line 13) is not UTF-8")


def test_an_empty_file_is_refused():
    error = file_error(b"", source="empty.nbib")
    assert str(error) == (
        "empty.nbib: the file is empty: expected MEDLINE text as PubMed saves it (a .nbib file), with each record "
        "starting at a 'PMID- ' line"
    )


def test_a_file_of_blank_lines_and_a_bom_is_empty():
    assert file_error(b"\xef\xbb\xbf\r\n  \r\n\r\n").message.startswith("the file is empty: expected MEDLINE text")


def test_an_html_file_is_refused():
    error = file_error((BIOPYTHON / "pubmed3.html").read_bytes(), source="pubmed3.html")
    assert error.message == (
        "line 1 is markup ('<html><head><title>PmFetch response</title></head><body>'), as in an HTML or XML file; "
        "expected MEDLINE text as PubMed saves it (a .nbib file), with each record starting at a 'PMID- ' line"
    )


def test_a_file_starting_with_a_continuation_line_is_refused():
    text = "      Open Source BioPerl, BioPython and Biojava projects\nPMID- 1\nTI  - A.\nDP  - 2001\n"
    assert file_error(text.encode()).message == (
        "line 1 is a continuation line (it starts with six spaces) with no tag line before it; expected MEDLINE "
        "text as PubMed saves it (a .nbib file), with each record starting at a 'PMID- ' line"
    )


def test_a_tag_before_the_first_pmid_line_is_refused_with_its_line_number():
    error = file_error(b"\n\nTI  - A title.\nPMID- 1\nDP  - 2001\n")
    assert error.message.startswith("line 3 has the tag 'TI' before any 'PMID- ' line; expected MEDLINE text")


def test_prose_before_the_first_record_is_refused():
    error = file_error(b"Search results\nPMID- 1\nTI  - A.\nDP  - 2001\n")
    assert error.message.startswith("line 1 is not a MEDLINE line: 'Search results'; expected MEDLINE text")


# Fuzzing: nothing but RecordError may come out of any input.

REAL_FILES = [(BIOPYTHON / name).read_bytes() for name in MEDLINE_FILES] + [SEED.read_bytes()]
PIECES = [
    b"\n", b"\r", b"\r\n", b"\n\n", b"      ", b"PMID- ", b"TI  - ", b"DP  - ", b"MH  - ", b"AU  - ", b"FAU - ",
    b"AD  - ", b"CN  - ", b"LID - ", b"AID - ", b"RN  - ", b"IS  - ", b"AB  - ", b"DEP - ", b"- ", b"*", b"/",
    b"[doi]", b"[pii]", b"(", b")", b":", b"RESULTS: ", b",", b"\xef\xbb\xbf", b"\x00", b"\xff", b"\xc3", b"9999",
    b"0", b"\t", b"\x0b", "\u2028".encode(),
]  # fmt: skip


@st.composite
def mutated_real_files(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(REAL_FILES)))
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        start = draw(st.integers(min_value=0, max_value=len(data)))
        end = draw(st.integers(min_value=start, max_value=min(len(data), start + 200)))
        action = draw(st.sampled_from(["delete", "insert", "replace", "duplicate", "truncate"]))
        if action == "delete":
            del data[start:end]
        elif action == "insert":
            data[start:start] = draw(st.sampled_from(PIECES) | st.binary(max_size=12))
        elif action == "replace":
            data[start:end] = draw(st.sampled_from(PIECES) | st.binary(max_size=12))
        elif action == "duplicate":
            data[end:end] = data[start:end]
        else:
            del data[end:]
    return bytes(data)


medline_like_text = st.lists(
    st.one_of(
        st.sampled_from(["", "      ", "PMID- 1", "DP  - 2001", "TI  - T"]),
        st.builds(
            lambda tag, value: f"{tag}- {value}",
            st.sampled_from(["PMID", "TI  ", "DP  ", "AB  ", "FAU ", "AU  ", "AD  ", "CN  ", "MH  ", "LID ", "AID "]),
            st.text(max_size=30),
        ),
        st.builds(lambda value: f"      {value}", st.text(max_size=30)),
        st.text(max_size=30),
    ),
    max_size=30,
).map(lambda lines: "\n".join(["PMID- 1", "TI  - T", "DP  - 2001", *lines]).encode("utf-8", "surrogatepass"))


def assert_reads_or_refuses_cleanly(data: bytes) -> None:
    refused = None
    try:
        items = read_bytes(data, source="fuzz.nbib")
    except RecordError as error:
        refused, items = error, []
    if refused is not None:
        assert str(refused).startswith("fuzz.nbib: ")
        assert refused.record is None
        return
    assert items
    for number, item in enumerate(items, start=1):
        if isinstance(item, RecordError):
            assert (item.source, item.record) == ("fuzz.nbib", number)
            assert item.message
            continue
        assert isinstance(item, ArticleRecord)
        assert item.number == number
        assert item.title
        assert item.date.year >= 1000
        assert_clean(item)


def assert_clean(value) -> None:
    """Every string in a record is as clean() would leave it."""
    if isinstance(value, str):
        assert value == clean(value)
    elif isinstance(value, list):
        for element in value:
            assert_clean(element)
    elif isinstance(value, dict):
        for element in value.values():
            assert_clean(element)
    elif dataclasses.is_dataclass(value):
        for item in dataclasses.fields(value):
            assert_clean(getattr(value, item.name))


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.text())
def test_random_text_gives_records_or_record_errors_and_nothing_else(text):
    assert_reads_or_refuses_cleanly(text.encode("utf-8", "surrogatepass"))


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.binary())
def test_random_bytes_give_records_or_record_errors_and_nothing_else(data):
    assert_reads_or_refuses_cleanly(data)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(medline_like_text)
def test_random_lines_that_look_like_medline_give_records_or_record_errors_and_nothing_else(data):
    assert_reads_or_refuses_cleanly(data)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(mutated_real_files())
def test_random_mutations_of_the_real_files_give_records_or_record_errors_and_nothing_else(data):
    assert_reads_or_refuses_cleanly(data)


def test_every_string_of_the_real_records_is_clean_and_titles_are_single_lines():
    records = [record for name in MEDLINE_FILES for record in read_file(BIOPYTHON / name)] + read_file(SEED)
    assert [record.title == clean_line(record.title) for record in records] == [True] * 7
    for record in records:
        assert_clean(record)


# Through import_file into the database: damaged and made-up MEDLINE files are imported whole or refused, and a
# refused one leaves every row as it was (tests/importers/fuzzing.py has the property).

MEDLINE_PATHS = [BIOPYTHON / name for name in MEDLINE_FILES] + [SEED]
# Every tag line of the real files, as (tag, value): made-up records are built from real lines and hostile values.
REAL_LINES = sorted(
    {
        (match["tag"], match["value"])
        for data in REAL_FILES
        for match in re.finditer(r"^(?P<tag>[A-Z]{2,4}) *- (?P<value>.*)$", data.decode("utf-8-sig"), re.MULTILINE)
    }
)
REAL_TAGS = sorted({tag for tag, _ in REAL_LINES})


@pytest.fixture
def medline_in_the_database(db):
    """The real files imported first, so that damaged copies of them merge into reports that are there."""
    for path in MEDLINE_PATHS:
        assert import_file(file=path).ok


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damaged(REAL_FILES, pieces=PIECES), st.sampled_from(["medline", None]), st.booleans())
def test_a_damaged_medline_file_is_imported_whole_or_refused_leaving_the_database_as_it_was(
    medline_in_the_database, data, format, skip_refused
):
    assert_imports_whole_or_refuses_cleanly(data, name="fuzz.nbib", format=format, skip_refused=skip_refused)


value_text = (
    st.sampled_from([value for _, value in REAL_LINES])
    | st.sampled_from(HOSTILE_PIECES).map(lambda piece: piece.decode("utf-8", "replace"))
    | st.text(max_size=40)
)
pmids = st.sampled_from(["31123647", "1", "0", "2147483648", "99999999999999999999", "-5", "", "12a"])
medline_record = st.builds(
    lambda pmid, title, date, lines: "\n".join(
        [f"PMID- {pmid}", *title, *date, *(f"{tag:<4}- {value}" for tag, value in lines)]
    ),
    pmids | st.text(max_size=12),
    st.lists(value_text.map(lambda title: f"TI  - {title}"), max_size=1),
    st.lists(
        st.sampled_from(["2019 Mar 11", "1850", "2020 Spring", "9999", "2001 Feb 30"]) | value_text, max_size=1
    ).map(lambda dates: [f"DP  - {date}" for date in dates]),
    st.lists(st.tuples(st.sampled_from(REAL_TAGS), value_text), max_size=25),
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(medline_record, min_size=1, max_size=4), st.sampled_from(["\n", "\r\n", "\r"]), st.booleans())
def test_records_of_real_tags_with_hostile_values_are_imported_whole_or_refused(
    medline_in_the_database, records, line_end, skip_refused
):
    data = "\n\n".join(records).replace("\n", line_end).encode("utf-8", "surrogatepass")
    assert_imports_whole_or_refuses_cleanly(data, name="made-up.nbib", format="medline", skip_refused=skip_refused)
