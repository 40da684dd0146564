"""reports.suggestions.reading: the case a title and abstract state in words."""

from decimal import Decimal

from reports.suggestions.reading import read_case


def conditions(text: str, title: str = "A case report") -> list[tuple[str, str]]:
    return [(c.name, c.certainty) for c in read_case(title=title, abstract=text).conditions]


def treatments(text: str, title: str = "A case report"):
    return read_case(title=title, abstract=text).treatments


def test_the_words_around_a_condition_say_how_certain_it_is():
    assert conditions("A 40-year-old man with suspected sarcoidosis was admitted.") == [("Sarcoidosis", "suspected")]
    assert conditions("A woman was found to have probable tuberculosis.") == [("Tuberculosis", "probable")]
    assert conditions("In this patient, lymphoma was ruled out.") == [("Lymphoma", "ruled_out")]
    assert conditions("The patient was misdiagnosed as having appendicitis.") == [("Appendicitis", "ruled_out")]


def test_a_later_confirmation_settles_a_suspicion():
    text = "A man with suspected sarcoidosis was admitted. The diagnosis of sarcoidosis was confirmed by biopsy."
    assert conditions(text) == [("Sarcoidosis", "confirmed")]


def test_a_relatives_disease_and_a_recommendation_are_not_the_patients():
    text = "A girl whose mother had breast cancer presented with asthma. Patients should be screened for melanoma."
    assert conditions(text) == [("Asthma", "confirmed")]


def test_a_sentence_about_a_disease_in_general_adds_no_condition_of_its_own():
    text = "Gout is often associated with hypertension. A 50-year-old man presented with gout."
    assert conditions(text) == [("Gout", "confirmed")]


def test_treatments_come_in_the_order_given_with_what_failed_first():
    found = treatments("She failed standard therapy but improved clinically with low-dose naltrexone therapy.")
    assert [(t.name, [o.result for o in t.outcomes]) for t in found] == [
        ("Standard therapy", ["failed"]),
        ("Low-dose naltrexone", ["improved"]),
    ]


def test_responded_to_one_but_not_to_the_other():
    found = treatments("The patient was treated and responded to prednisone, but not to cromolyn.")
    assert {t.name: [o.result for o in t.outcomes] for t in found} == {
        "Prednisone": ["improved"],
        "Cromolyn Sodium": ["failed"],
    }


def test_a_rash_that_resolved_after_withdrawal_was_the_drugs_doing():
    found = treatments("A man on allopurinol developed a rash that resolved after withdrawal of allopurinol.")
    assert [(t.name, [o.result for o in t.outcomes]) for t in found] == [("Allopurinol", ["adverse_event"])]


def test_what_a_relative_was_given_and_how_they_did_is_not_the_patients():
    found = treatments(
        "A boy with asthma improved on salbutamol. His mother was treated with antibiotics and improved."
    )
    assert [(t.name, [o.result for o in t.outcomes]) for t in found] == [("Albuterol", ["improved"])]


def test_dose_route_and_frequency_are_read_beside_the_drug():
    (found,) = treatments("She was given methotrexate 15 mg weekly orally.")
    assert (found.dose_amount, found.dose_unit, found.frequency, found.route) == (Decimal(15), "mg", "weekly", "oral")


def test_a_drug_measured_is_not_a_drug_given():
    assert treatments("Serum digoxin levels were high in the patient who took nothing else.") == []


def test_the_target_is_the_one_condition_or_the_one_its_sentence_names():
    case = read_case(
        title="A case",
        abstract="A man had gout and asthma. His gout was treated with colchicine.",
    )
    assert [(t.name, t.target) for t in case.treatments] == [("Colchicine", "Gout")]


def test_a_list_of_findings_after_based_on():
    case = read_case(
        title="A case",
        abstract="A woman with suspected lupus based on long-standing fatigue, joint pain and a positive ANA test.",
    )
    assert [(f.name, f.kind, f.value, f.notes) for f in case.findings][:2] == [
        ("fatigue", "symptom", "", "long-standing"),
        ("joint pain", "symptom", "", ""),
    ]
    assert ("ana test", "lab", "positive", "") in [(f.name, f.kind, f.value, f.notes) for f in case.findings]


def test_odd_and_empty_text_is_read_without_error():
    assert read_case(title="", abstract="").conditions == []
    text = "\u202e\u0000 ﷽ " * 2000 + " fatigue " + "x" * 50_000
    read_case(title="A case", abstract=text)


def test_a_substance_whose_absorption_was_measured_was_not_given():
    # PMID 416498: beclomethasone was given; D-xylose and carotene were what it improved the absorption of.
    case = read_case(
        title="A case",
        abstract="A 16-day course of beclomethasone dipropionate 3 mg daily improved D-xylose and carotene absorption.",
    )
    assert [t.name for t in case.treatments] == ["Beclomethasone"]


def test_without_a_word_for_it_the_target_is_the_disease_the_title_names():
    case = read_case(
        title="Sarcoidosis in a young man.",
        abstract="A 30-year-old man had sarcoidosis and hypertension. He was given prednisone.",
    )
    assert [(t.name, t.target) for t in case.treatments] == [("Prednisone", "Sarcoidosis")]


def test_words_that_say_how_a_disease_went_name_no_disease():
    # PMID 402763: "Recurrence" and "Chronic Disease" are MeSH's Disease Attributes, not diagnoses.
    found = conditions("A 30-year-old man had a recurrence of chronic disease with leukemia.")
    assert [name for name, _ in found] == ["Leukemia"]


def test_what_is_generally_done_is_not_what_was_done():
    # PMID 34094614: "Surgery is the Gold Standard ... Postoperative medical treatment with Albendazole can be
    # discussed."; PMID 426712: "Major surgery is reserved for malignant disease".
    assert treatments("Albendazole can be discussed. Major surgery is reserved for malignant disease.") == []
    assert [t.name for t in treatments("Although albendazole is usually given, she received praziquantel.")] == [
        "Albendazole",
        "Praziquantel",
    ]


def test_a_drug_given_to_test_a_gland_is_not_a_treatment():
    # PMID 428588.
    text = (
        "Serum testosterone levels did not rise after stimulation with human chorionic gonadotropin. The "
        "administration of thyrotropin-releasing hormone resulted in an increase in serum thyrotropin levels."
    )
    assert treatments(text) == []


def test_outcome_words_for_a_disorder_put_right():
    found = treatments(
        "After right nephrectomy the blood pressure became normal. Medical management failed. He developed "
        "ventricular tachycardia while receiving loading doses of amiodarone."
    )
    assert [(t.name, [o.result for o in t.outcomes]) for t in found] == [
        ("Nephrectomy", ["resolved"]),
        ("Medical therapy", ["failed"]),
        ("Amiodarone", ["adverse_event"]),
    ]


def test_a_drug_newer_than_mesh_is_known_by_its_stem_and_embolization_is_a_procedure():
    # PMID 33580597: pembrolizumab is no MeSH 2021 descriptor; PMID 404914: "transcatheter embolization".
    found = treatments(
        "He was given pembrolizumab. Later he underwent superselective transcatheter embolization of the renal artery."
    )
    assert [(t.name, t.kind) for t in found] == [
        ("pembrolizumab", "drug"),
        ("Embolization, Therapeutic", "procedure"),
    ]
