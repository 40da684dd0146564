import pytest
from django.db import connection

from reports.models import CaseReport, Journal, Patient
from tests.factories import make_patient, make_report

pytestmark = pytest.mark.django_db


def ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_any_of_selects_the_reports_with_those_ids_like_in():
    reports = [make_report(title=f"Report {n}") for n in range(4)]
    wanted = [reports[0].pk, reports[2].pk, 10**12]  # an id no report has is simply not found
    assert ids(CaseReport.objects.filter(pk__any_of=wanted)) == {reports[0].pk, reports[2].pk}
    assert ids(CaseReport.objects.filter(pk__any_of=wanted)) == ids(CaseReport.objects.filter(pk__in=wanted))


def test_any_of_follows_a_foreign_key_and_a_reverse_relation():
    first, second = make_report(journal="Cureus"), make_report(journal="BMJ Case Reports")
    patient = make_patient(report=first)
    make_patient(report=second)
    assert ids(Patient.objects.filter(report__any_of=[first.pk])) == {patient.pk}
    assert [j.title for j in Journal.objects.filter(reports__any_of=[second.pk])] == ["BMJ Case Reports"]


def test_any_of_an_empty_list_matches_nothing_without_asking_the_database(django_assert_num_queries):
    make_report()
    with django_assert_num_queries(0):
        assert list(CaseReport.objects.filter(pk__any_of=[])) == []


def test_any_of_refuses_what_is_not_an_id():
    with pytest.raises(ValueError, match="invalid literal"):
        list(CaseReport.objects.filter(pk__any_of=["not an id"]))


def test_on_postgresql_the_ids_are_one_parameter_however_many_there_are():
    wanted = list(range(1, 1001))
    _, params = CaseReport.objects.filter(pk__any_of=wanted).query.sql_with_params()
    if connection.vendor == "postgresql":
        assert params == (wanted,)  # one array: nothing to compile or parse per id
    else:
        assert list(params) == wanted  # SQLite has no arrays: an IN list, as __in sends
