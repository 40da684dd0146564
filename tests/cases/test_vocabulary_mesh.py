"""cases.vocabulary.load_mesh and manage.py load_mesh: MeSH's diseases, drugs and procedures in the vocabulary."""

import pytest
from django.core.management import CommandError, call_command

from reports.cases.vocabulary import load_mesh
from reports.mesh import thesaurus
from reports.models import Condition, Intervention
from tests.test_mesh import write_table

pytestmark = pytest.mark.django_db

ROWS = [
    ("D001327", "Autoimmune Diseases", "C20.111", "autoimmune disease"),
    ("D012859", "Sjogren's Syndrome", "C05.799.114.774|C20.111.199.774", "sicca syndrome|sjogren syndrome"),
    ("D009271", "Naltrexone", "D03.605.497.750.550", "celupan"),
    ("D010956", "Plasmapheresis", "E02.120.770|E04.292.869", ""),
    ("D003937", "Diagnosis, Differential", "E01.171", ""),
    ("D001829", "Body Constitution", "G07.100", ""),
]


@pytest.fixture
def mesh(tmp_path):
    return thesaurus(write_table(tmp_path / "mesh.tsv.gz", ROWS))


def test_diseases_become_conditions_and_drugs_and_procedures_interventions(mesh):
    loaded = load_mesh(thesaurus=mesh)
    assert (loaded[Condition].created, loaded[Intervention].created) == (2, 2)
    assert sorted(Condition.objects.values_list("name", "mesh_ui")) == [
        ("Autoimmune Diseases", "D001327"),
        ("Sjogren's Syndrome", "D012859"),
    ]
    assert sorted(Intervention.objects.values_list("name", "kind")) == [
        ("Naltrexone", "drug"),
        ("Plasmapheresis", "procedure"),
    ]
    sjogren = Condition.objects.get(mesh_ui="D012859")
    assert sjogren.tree_number_list == ["C05.799.114.774", "C20.111.199.774"]
    assert sjogren.synonym_list == ["sicca syndrome", "sjogren syndrome"]
    assert Condition.changes.count() == 2  # each created term has its history


def test_a_term_there_already_keeps_its_name_and_synonyms_and_gains_the_mesh_details(mesh):
    Condition.objects.create(name="Sjogren syndrome", synonyms="Sjögren syndrome")
    Intervention.objects.create(name="Naltrexone", kind="other")
    loaded = load_mesh(thesaurus=mesh)
    assert (loaded[Condition].updated, loaded[Intervention].updated) == (1, 1)
    sjogren = Condition.objects.get(mesh_ui="D012859")
    assert sjogren.name == "Sjogren syndrome"
    assert sjogren.synonym_list == ["Sjögren syndrome", "sicca syndrome"]
    assert Intervention.objects.get(mesh_ui="D009271").kind == "other"
    assert Condition.objects.count() == 2


def test_loading_twice_changes_nothing(mesh):
    load_mesh(thesaurus=mesh)
    again = load_mesh(thesaurus=mesh)
    assert (again[Condition].created, again[Condition].updated, again[Condition].unchanged) == (0, 0, 2)
    assert (again[Intervention].created, again[Intervention].updated) == (0, 0)


def test_a_descriptor_whose_name_another_term_holds_with_another_ui_is_left_out_and_said(mesh):
    Condition.objects.create(name="Autoimmune Diseases", mesh_ui="D000001")
    loaded = load_mesh(thesaurus=mesh)
    assert loaded[Condition].conflicts == ["Autoimmune Diseases (D000001 held, D001327 wanted)"]
    assert Condition.objects.get(name="Autoimmune Diseases").mesh_ui == "D000001"


def test_the_command_says_what_it_loaded(mesh, tmp_path, capsys):
    call_command("load_mesh", table=tmp_path / "mesh.tsv.gz")
    out = capsys.readouterr().out
    assert "conditions: 2 created, 0 given MeSH details, 0 unchanged" in out
    assert "interventions: 2 created" in out


def test_the_command_refuses_a_file_that_is_not_a_mesh_table(tmp_path):
    bad = tmp_path / "bad.tsv.gz"
    bad.write_bytes(b"not gzip at all")
    with pytest.raises(CommandError, match="not a MeSH table"):
        call_command("load_mesh", table=bad)
