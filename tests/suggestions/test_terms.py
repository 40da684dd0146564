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


def test_suspected_and_probable_come_from_the_text():
    text = "A man with fever. Suspected sarcoidosis was treated. Probable Lyme disease was considered later."
    found = suggest_conditions(
        text=text,
        mesh=[MeshTerm("Sarcoidosis", qualifiers=["diagnosis"]), MeshTerm("Lyme Disease", qualifiers=["diagnosis"])],
        keywords=[],
    )
    assert {c.name: c.certainty for c in found} == {"Sarcoidosis": "suspected", "Lyme Disease": "probable"}
    assert found[0].evidence == "Suspected sarcoidosis was treated."


def test_a_drug_given_is_an_intervention_with_the_outcome_the_text_states():
    text = "A woman had Sjogren's syndrome. Standard therapy failed. On naltrexone, her fatigue resolved."
    found = suggest_interventions(
        text=text,
        mesh=[
            MeshTerm("Naltrexone", ui="D009271", qualifiers=["therapeutic use", "administration & dosage"]),
            MeshTerm("Sjogren's Syndrome", qualifiers=["drug therapy"]),
        ],
        substances=[("Naltrexone", "D009271")],
    )
    assert [(i.name, i.outcome.result if i.outcome else None) for i in found] == [("Naltrexone", "resolved")]
    assert found[0].outcome.evidence == "On naltrexone, her fatigue resolved."


def test_an_outcome_is_not_suggested_when_the_sentence_says_two_things():
    text = "Prednisone improved the rash at first, then it worsened."
    found = suggest_interventions(
        text=text, mesh=[MeshTerm("Prednisone", ui="D011241", qualifiers=["therapeutic use"])], substances=[]
    )
    assert found[0].outcome is None


def test_adverse_effects_in_mesh_are_an_adverse_event():
    found = suggest_interventions(
        text="Cirrhosis associated with a drug.",
        mesh=[MeshTerm("Methyldopa", ui="D008750", qualifiers=["adverse effects"])],
        substances=[("Methyldopa", "D008750")],
    )
    assert [(i.name, i.outcome.result) for i in found] == [("Methyldopa", "adverse_event")]


def test_death_despite_a_treatment_is_a_failure():
    found = suggest_interventions(
        text="She died despite amphotericin B.",
        mesh=[MeshTerm("Amphotericin B", ui="D000666", qualifiers=["therapeutic use"])],
        substances=[("Amphotericin B", "D000666")],
    )
    assert found[0].outcome.result == "failed"


def test_headings_that_are_not_given_are_not_interventions():
    found = suggest_interventions(
        text="Immunoglobulin G was measured.",
        mesh=[MeshTerm("Immunoglobulin G", qualifiers=["blood"]), MeshTerm("Humans")],
        substances=[("Immunoglobulin G", "D007074")],
    )
    assert found == []
