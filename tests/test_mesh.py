"""reports.mesh: MeSH 2021 as casebase ships it."""

import gzip

import pytest

from reports.mesh import TABLE, thesaurus


def write_table(path, rows):
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        stream.write("ui\tname\ttree_numbers\tentry_terms\n")
        for row in rows:
            stream.write("\t".join(row) + "\n")
    return path


@pytest.fixture
def small(tmp_path):
    return thesaurus(
        write_table(
            tmp_path / "mesh.tsv.gz",
            [
                ("D001327", "Autoimmune Diseases", "C20.111", "autoimmune disease"),
                ("D012859", "Sjogren's Syndrome", "C05.799.114.774|C20.111.199.774", "sicca syndrome|sjogren syndrome"),
                ("D009271", "Naltrexone", "D03.605.497.750.550", "celupan"),
                ("D010956", "Plasmapheresis", "E02.120.770|E04.292.869", ""),
                ("D003937", "Diagnosis, Differential", "E01.171", ""),
            ],
        )
    )


def test_the_shipped_table_holds_every_2021_descriptor_with_mesh_capitals():
    mesh = thesaurus(TABLE)
    assert len(mesh.by_ui) == 29513
    assert mesh.get("D012859").name == "Sjogren's Syndrome"
    assert mesh.get("D015658").name == "HIV Infections"
    assert [d.ui for d in mesh.named("sicca syndrome")] == ["D012859"]


def test_the_branch_says_what_a_descriptor_is(small):
    assert small.get("D012859").is_disease
    assert not small.get("D012859").is_drug
    assert small.get("D009271").is_drug
    assert small.get("D010956").is_procedure
    # Diagnosis (E01) is a technique, not a treatment.
    assert not small.get("D003937").is_procedure


def test_names_and_entry_terms_find_their_descriptor_whatever_the_case(small):
    assert [d.ui for d in small.named("SJOGREN SYNDROME")] == ["D012859"]
    assert [d.ui for d in small.named("Naltrexone")] == ["D009271"]
    assert small.named("no such thing") == []


def test_a_category_goes_when_a_narrower_heading_is_there(small):
    assert small.get("D012859").is_under(small.get("D001327"))
    assert not small.get("D001327").is_under(small.get("D012859"))
    assert small.broadest_dropped(["D001327", "D012859", "D999999"]) == ["D012859", "D999999"]
    # Alone, a category is kept: it is all MeSH says.
    assert small.broadest_dropped(["D001327"]) == ["D001327"]
