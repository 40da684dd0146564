"""Conditions, treatments and outcomes read from MeSH indexing, keywords and the abstract."""

from reports.suggestions.terms import MeshTerm, suggest_conditions, suggest_interventions


def test_a_mesh_heading_with_a_disease_qualifier_is_a_condition():
    found = suggest_conditions(
        text="A woman with dry eyes.",
        mesh=[
            MeshTerm("Sjogren's Syndrome", ui="D012859", major=True, qualifiers=["drug therapy"]),
            MeshTerm("Humans"),
            MeshTerm("Female"),
            MeshTerm("Lacrimal Apparatus", qualifiers=["pathology"]),
        ],
        keywords=[],
    )
    assert [(c.name, c.mesh_ui, c.certainty) for c in found] == [("Sjogren's Syndrome", "D012859", "confirmed")]
    assert found[0].evidence == "MeSH: Sjogren's Syndrome (drug therapy)"


def test_a_disease_named_keyword_is_a_condition_and_other_keywords_are_not():
    found = suggest_conditions(text="", mesh=[], keywords=["giant cell tumor", "lumbar spine", "osteoclastoma"])
    # A keyword the vocabulary knows takes its MeSH name; one it does not is kept as written.
    assert [(c.name, c.mesh_ui) for c in found] == [("Giant Cell Tumors", "D005870"), ("osteoclastoma", "")]


def test_a_keyword_field_joining_several_keywords_gives_each():
    # PMID 34091644's keywords arrive as one comma-joined string.
    found = suggest_conditions(
        text="",
        mesh=[],
        keywords=["Atypical HUS (aHUS), End Stage Kidney Disease, Complement Alternative Pathway."],
    )
    assert [c.name for c in found] == ["Kidney Failure, Chronic"]
