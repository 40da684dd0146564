"""reports.suggestions.refresh: stored reports read again by the rules, a chunk at a time."""

import pytest

from reports.models import MeshDescriptor, MeshHeading, Patient
from reports.suggestions.refresh import for_suggestions, suggest_reports
from tests.factories import make_report

pytestmark = pytest.mark.django_db


def test_a_chunk_whose_reports_hold_more_index_terms_than_sqlite_nests_is_read():
    # Over a whole baseline a chunk of 500 reports holds some 1,700 MeSH descriptors; naming them all by id in one
    # query nested deeper than SQLite allows (1,000). Three reports with 400 headings each hold 1,200.
    descriptors = MeshDescriptor.objects.bulk_create(
        MeshDescriptor(name=f"Descriptor {n}", ui=f"D9{n:05}") for n in range(1_200)
    )
    reports = [
        make_report(
            publication_types=["Case Reports"],
            abstract="A 47-year-old woman was treated with methotrexate and improved.",
        )
        for _ in range(3)
    ]
    MeshHeading.objects.bulk_create(
        MeshHeading(report=report, descriptor=descriptor, position=n)
        for number, report in enumerate(reports)
        for n, descriptor in enumerate(descriptors[number * 400 : (number + 1) * 400], start=1)
    )
    result = suggest_reports(reports=for_suggestions().filter(pk__in=[r.pk for r in reports]))
    assert (result.examined, result.suggested) == (3, 3)
    assert Patient.objects.filter(report__in=reports).count() == 3


def test_the_index_terms_are_read_in_one_query_per_kind(django_assert_num_queries):
    report = make_report(keywords=["gout"], publication_types=["Case Reports"])
    with django_assert_num_queries(5):  # the reports, then keywords, headings, substances, publication types
        [found] = list(for_suggestions().filter(pk=report.pk))
        assert [link.keyword.name for link in found.report_keywords.all()] == ["gout"]
