"""The synthetic data generator (bench/synth): deterministic files that read and import like PubMed's, in the
shape of the committed profile. Small and fast: the profile is committed, so no baseline file is needed."""

import gzip
import io
import math

import pytest
from lxml import etree

from bench.synth import DOI_PREFIX, EXTERNAL_ID_BASE, PMID_BASE, PROFILE
from bench.synth import generate as synth
from bench.synth import profile as learn
from reports.cases.records import ArticleRecord
from reports.importers.pubmed_xml import read_pubmed_xml
from reports.importers.service import import_file
from reports.suggestions import SuggestionInput, suggest_case

REPORTS = 200


@pytest.fixture(scope="module")
def profile() -> dict:
    return synth.load_profile(PROFILE)


@pytest.fixture(scope="module")
def generated(profile, tmp_path_factory):
    path = tmp_path_factory.mktemp("synth") / "synth-200.xml.gz"
    synth.write(reports=REPORTS, seed=7, out=path, profile=profile)
    return path


@pytest.fixture(scope="module")
def records(generated) -> list:
    with gzip.open(generated, "rb") as stream:
        return list(read_pubmed_xml(stream, source=generated.name))


def _within(share: float, expected: float, n: int) -> bool:
    """Within four standard errors of a share drawn `n` times."""
    return abs(share - expected) <= 4 * math.sqrt(expected * (1 - expected) / n) + 1e-9


def test_the_same_seed_gives_the_same_bytes_and_another_seed_another_file(profile, generated, tmp_path):
    again, other = tmp_path / "again.xml.gz", tmp_path / "other.xml.gz"
    synth.write(reports=REPORTS, seed=7, out=again, profile=profile)
    synth.write(reports=REPORTS, seed=8, out=other, profile=profile)
    assert again.read_bytes() == generated.read_bytes()
    assert other.read_bytes() != generated.read_bytes()


def test_a_smaller_file_holds_the_first_records_of_a_larger_one(profile, generated, tmp_path):
    smaller = tmp_path / "smaller.xml.gz"
    synth.write(reports=50, seed=7, out=smaller, profile=profile)
    head = gzip.decompress(smaller.read_bytes()).removesuffix(synth.FOOTER.encode())
    assert gzip.decompress(generated.read_bytes()).startswith(head)


def test_every_record_reads_without_errors_with_identifiers_no_real_record_has(records):
    assert len(records) == REPORTS
    assert all(isinstance(record, ArticleRecord) for record in records), [r for r in records if not hasattr(r, "pmid")]
    assert [record.pmid for record in records] == list(range(PMID_BASE, PMID_BASE + REPORTS))
    assert all(record.doi.startswith(f"{DOI_PREFIX}/") for record in records if record.doi)
    assert all(record.title and record.journal.title and record.date.year for record in records)


def test_the_text_is_plain_and_the_xml_has_the_baseline_structure(generated):
    root = etree.fromstring(gzip.decompress(generated.read_bytes()))
    assert root.tag == "PubmedArticleSet"
    articles = root.findall("PubmedArticle")
    assert len(articles) == REPORTS
    assert all(
        article.find("MedlineCitation/Article/Journal/JournalIssue/PubDate/Year") is not None for article in articles
    )
    texts = root.findall(".//ArticleTitle") + root.findall(".//AbstractText") + root.findall(".//Keyword")
    assert texts
    assert all(len(element) == 0 and "<" not in (element.text or "") for element in texts)


def test_the_shares_are_those_of_the_profile(profile, records):
    expected = learn.summarize(profile)["all"]
    shares = {
        "case report share": sum("Case Reports" in r.publication_types for r in records),
        "with a DOI": sum(bool(r.doi) for r in records),
        "with a PMCID": sum(bool(r.pmcid) for r in records),
        "with an abstract": sum(bool(r.abstract) for r in records),
        "with a COI statement": sum(bool(r.coi_statement) for r in records),
    }
    for name, count in shares.items():
        assert _within(count / REPORTS, expected[name], REPORTS), (name, count / REPORTS, expected[name])


def test_case_reports_describe_patients_as_often_as_the_real_ones(profile, tmp_path):
    path = tmp_path / "cases.xml.gz"
    synth.write(reports=REPORTS, seed=3, out=path, profile=profile, case_share=1.0)
    with gzip.open(path, "rb") as stream:
        cases = list(read_pubmed_xml(stream, source=path.name))
    assert all("Case Reports" in record.publication_types for record in cases)
    with_patients = sum(bool(suggest_case(SuggestionInput.from_record(record))) for record in cases) / len(cases)
    expected = learn.summarize(profile)["case reports"]["case reports with a suggested patient"]
    assert _within(with_patients, expected, len(cases)), (with_patients, expected)


def test_references_cite_earlier_generated_records_more_often_in_a_larger_collection(profile):
    # As if the real files had been a tiny collection: from the 50th record on, half of the references with a PMID
    # cite a record generated before.
    references = {**profile["references"], "collection_records": 200 * profile["references"]["internal_share"]}
    generator = synth.Generator({**profile, "references": references}, seed=5)
    xml = synth.HEADER + "".join(generator.articles(300)) + synth.FOOTER
    internal = external = 0
    for record in read_pubmed_xml(io.BytesIO(xml.encode()), source="cites.xml"):
        for reference in record.references:
            if reference.pmid is None:
                continue
            if reference.pmid < EXTERNAL_ID_BASE:
                assert PMID_BASE <= reference.pmid < record.pmid
                internal += 1
            else:
                external += 1
    assert internal
    assert external


def test_a_generated_file_imports_with_nothing_refused(generated, db):
    result = import_file(file=generated)
    assert (result.refused, result.created) == ([], REPORTS)


def test_the_command_writes_the_file_it_is_asked_for(tmp_path, monkeypatch, capsys):
    out = tmp_path / "command.xml.gz"
    monkeypatch.setattr("sys.argv", ["generate", "--reports", "5", "--seed", "2", "--out", str(out)])
    synth.main()
    with gzip.open(out, "rb") as stream:
        assert len(list(read_pubmed_xml(stream, source=out.name))) == 5
    assert "reports/s" in capsys.readouterr().err


def test_the_profile_learns_a_file_and_compares_with_another(profile, generated):
    learned = learn.collect([generated])
    assert learned["source"]["records"] == REPORTS
    assert sum(stratum["records"] for stratum in learned["strata"].values()) == REPORTS
    table = learn.compare(learned, profile, this_name="generated", other_name="real")
    assert "| all: with a DOI |" in table


def test_a_fitted_tail_gives_as_many_distinct_terms_as_the_files_had():
    exponent = learn.fit_exponent(first_rank=1000, draws=20_000, distinct=9_000)
    assert learn.expected_distinct(exponent, 1000, 20_000) == pytest.approx(9_000, rel=0.01)


def test_the_committed_profile_is_small_and_learned_from_both_baseline_files(profile):
    assert PROFILE.stat().st_size < 5_000_000
    assert profile["source"]["files"] == ["pubmed20n0014.xml.gz", "pubmed21n1298.xml.gz"]
    assert profile["source"]["records"] == 50_787
