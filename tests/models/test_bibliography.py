import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from reports.models import Author, CaseReport, Citation, Journal, Keyword, ReportKeyword
from tests.factories import make_report

pytestmark = pytest.mark.django_db


def refused(**fields) -> bool:
    """True when the database refuses a case report with these fields."""
    try:
        with transaction.atomic():
            make_report(**fields)
    except IntegrityError:
        return True
    return False


def test_pmid_doi_and_pmcid_are_each_unique_when_present():
    make_report(pmid=31123647, doi="10.7759/cureus.4225", pmcid="PMC6510571")
    assert refused(pmid=31123647)
    assert refused(doi="10.7759/cureus.4225")
    assert refused(pmcid="PMC6510571")


def test_many_reports_may_have_no_identifiers():
    make_report()
    make_report()
    assert CaseReport.objects.filter(pmid=None, doi="", pmcid="").count() == 2


def test_the_database_refuses_a_doi_that_is_not_normalised():
    assert refused(doi="10.7759/Cureus.4225")
    assert refused(doi="https://doi.org/10.7759/cureus.4225")
    assert not refused(doi="10.7759/cureus.4225")


def test_the_database_refuses_a_pmcid_without_its_prefix():
    assert refused(pmcid="6510571")


def test_the_database_refuses_senseless_dates():
    assert refused(pub_year=1200)
    assert refused(pub_year=2019, pub_month=13)
    assert refused(pub_year=2019, pub_day=5)  # a day without a month
    assert refused(pub_year=2019, pub_month=3, pub_day=32)
    assert refused(title="")


def test_clean_normalises_identifiers_and_explains_bad_ones():
    report = CaseReport(title="A case", pub_year=2019, doi="https://doi.org/10.7759/CUREUS.4225", pmcid="6510571")
    report.full_clean()
    assert (report.doi, report.pmcid) == ("10.7759/cureus.4225", "PMC6510571")

    report.doi = "not a doi"
    with pytest.raises(ValidationError) as error:
        report.full_clean()
    assert "'not a doi' is not a DOI" in str(error.value.message_dict["doi"])


def test_clean_refuses_a_day_that_does_not_exist_and_a_season_with_a_month():
    report = CaseReport(title="A case", pub_year=2019, pub_month=2, pub_day=30)
    with pytest.raises(ValidationError) as error:
        report.full_clean()
    assert "2019-02-30 is not a date" in str(error.value.message_dict["pub_day"])
    report = CaseReport(title="A case", pub_year=2019, pub_month=3, pub_season="Spring")
    with pytest.raises(ValidationError) as error:
        report.full_clean()
    assert "pub_season" in error.value.message_dict


def test_a_duplicate_pmid_is_a_message_not_an_integrity_error():
    make_report(pmid=123)
    with pytest.raises(ValidationError) as error:
        CaseReport(title="Other", pub_year=2020, pmid=123).full_clean()
    assert "Another case report already has this PMID." in str(error.value)


@pytest.mark.parametrize(
    ("parts", "shown"),
    [
        ({"pub_month": 3, "pub_day": 11}, "2019 Mar 11"),
        ({"pub_month": 3}, "2019 Mar"),
        ({"pub_season": "Spring"}, "2019 Spring"),
        ({}, "2019"),
    ],
)
def test_a_partial_date_shows_what_is_known(parts, shown):
    assert make_report(pub_year=2019, **parts).publication_date == shown


def test_partial_dates_sort_newest_first_with_year_only_dates_last_in_their_year():
    year_only = make_report(title="2019", pub_year=2019)
    # Spring sorts as March; of two reports on the same date, the one added later comes first.
    spring = make_report(title="2019 Spring", pub_year=2019, pub_season="Spring")
    march = make_report(title="2019 Mar", pub_year=2019, pub_month=3)
    march_11 = make_report(title="2019 Mar 11", pub_year=2019, pub_month=3, pub_day=11)
    december = make_report(title="2018 Dec", pub_year=2018, pub_month=12)
    later = make_report(title="2020", pub_year=2020)
    order = list(CaseReport.objects.values_list("title", flat=True))
    assert order == [later.title, march_11.title, march.title, spring.title, year_only.title, december.title]


def test_deleting_a_journal_with_reports_is_refused():
    report = make_report(journal="Cureus")
    with pytest.raises(ProtectedError):
        report.journal.delete()
    assert Journal.objects.filter(title="Cureus").exists()


def test_deleting_a_keyword_in_use_is_refused_and_deleting_the_report_keeps_it():
    report = make_report(keywords=["fatigue"])
    with pytest.raises(ProtectedError):
        Keyword.objects.get(name="fatigue").delete()
    report.delete()
    assert Keyword.objects.filter(name="fatigue").exists()
    assert not ReportKeyword.objects.exists()


def test_keywords_are_unique_whatever_their_case():
    Keyword.objects.create(name="Fatigue")
    with pytest.raises(IntegrityError), transaction.atomic():
        Keyword.objects.create(name="fatigue")


def test_authors_keep_their_order_and_need_a_name():
    report = make_report()
    Author.objects.create(report=report, position=2, last_name="Li", initials="B")
    Author.objects.create(report=report, position=1, last_name="Smith", initials="A")
    assert [str(a) for a in report.authors.all()] == ["Smith A", "Li B"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Author.objects.create(report=report, position=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Author.objects.create(report=report, position=1, last_name="Again")


def test_a_report_cannot_cite_itself_and_deleting_a_cited_report_keeps_the_reference():
    citing = make_report()
    cited = make_report()
    with pytest.raises(IntegrityError), transaction.atomic():
        Citation.objects.create(report=citing, position=1, raw_text="Self.", cited_report=citing)
    citation = Citation.objects.create(report=citing, position=1, raw_text="Other.", cited_report=cited)
    cited.delete()
    citation.refresh_from_db()
    assert citation.cited_report is None


def test_identifier_links_point_to_pubmed_pmc_and_doi():
    report = make_report(pmid=31123647, pmcid="PMC6510571", doi="10.7759/cureus.4225")
    assert report.pubmed_url == "https://pubmed.ncbi.nlm.nih.gov/31123647/"
    assert report.pmc_url == "https://pmc.ncbi.nlm.nih.gov/articles/PMC6510571/"
    assert report.doi_url == "https://doi.org/10.7759/cureus.4225"
    assert make_report().pubmed_url == ""


def test_a_report_names_itself_by_title_and_year_and_has_a_page():
    report = make_report(title="A very long title " * 10, pub_year=2019)
    assert str(report).endswith("… (2019)")
    assert report.get_absolute_url() == f"/reports/{report.pk}/"
