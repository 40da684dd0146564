"""reports.suggestions.lexicon: where a text names a disease, a sign, a drug or a procedure."""

from reports.suggestions.lexicon import CONDITION, DRUG, FINDING, PROCEDURE, lexicon, normalise


def names(text: str) -> list[tuple[str, str, str]]:
    return [(m.text, m.term.name, m.term.kind) for m in lexicon().mentions(text)]


def test_mesh_names_and_entry_terms_are_found_with_their_kind():
    assert names("A man with rheumatoid arthritis was given methotrexate and underwent plasmapheresis.") == [
        ("rheumatoid arthritis", "Arthritis, Rheumatoid", CONDITION),
        ("methotrexate", "Methotrexate", DRUG),
        ("plasmapheresis", "Plasmapheresis", PROCEDURE),
    ]


def test_the_longest_name_wins_and_the_reviewed_list_adds_what_mesh_lacks():
    found = names("She improved with low-dose naltrexone (LDN) after diabetic ketoacidosis.")
    assert ("low-dose naltrexone", "Low-dose naltrexone", DRUG) in found
    assert ("LDN", "Low-dose naltrexone", DRUG) in found
    assert ("diabetic ketoacidosis", "Diabetic Ketoacidosis", CONDITION) in found
    assert not any(name == "Naltrexone" for _, name, _ in found)


def test_accents_case_and_curly_apostrophes_do_not_matter():
    assert names("SJÖGREN’S SYNDROME")[0][1] == "Sjogren's syndrome"
    # A combining accent, as pasted from a PDF, keeps the places of the text as written.
    text = "Sjo\u0308gren syndrome and fatigue"
    mention = lexicon().mentions(text)[0]
    assert text[mention.start : mention.end] == "Sjo\u0308gren syndrome"


def test_only_whole_words_and_no_vague_or_short_names():
    assert names("The methotrexates and premethotrexate") == []
    # "Disease", "water" and MeSH's short entry terms are ordinary words; "aids" alone is not AIDS in capitals.
    assert names("The disease and water, with hearing aids.") == []


def test_signs_and_symptoms_are_findings_and_diagnostic_procedures_are_not_treatments():
    assert names("fatigue and joint pain") == [("fatigue", "Fatigue", FINDING), ("joint pain", "Arthralgia", FINDING)]
    assert names("A biopsy and a laparoscopy were done.") == []


def test_a_plural_heading_names_a_single_case():
    assert names("a giant cell tumor")[0][1] == "Giant Cell Tumors"


def test_a_whole_name_is_a_term_and_part_of_one_is_not():
    assert lexicon().term("sjogren syndrome").ui == "D012859"
    assert lexicon().term("sjogren syndrome in a child") is None


def test_normalise_keeps_the_place_of_every_character():
    flat, places = normalise("Ａ Sjögren")
    assert flat == "a sjogren"
    assert len(places) == len(flat)


def test_a_hyphenated_chemical_name_is_one_name():
    # PMID 407766: "resistant to treatment with pyridoxal-5-phosphate", not pyridoxal and a phosphate.
    assert [name for _, name, _ in names("treatment with pyridoxal-5-phosphate")] == ["Pyridoxal Phosphate"]


def test_a_way_of_giving_a_drug_is_not_a_treatment_of_its_own():
    assert [kind for text, _, kind in names("during the intravenous infusion of ritodrine") if "infusion" in text] != [
        PROCEDURE
    ]
