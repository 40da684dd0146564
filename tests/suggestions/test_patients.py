"""Patients read from titles and abstracts: what is stated is suggested, nothing is guessed."""

from decimal import Decimal

import pytest

from reports.suggestions.patients import suggest_patients


def patients(abstract: str, *, title: str = "A case report.", mesh=("Humans",)):
    return suggest_patients(title=title, abstract=abstract, mesh=list(mesh))


def ages(found) -> list:
    return [(p.age.value, p.age.unit) if p.age else None for p in found.patients]


@pytest.mark.parametrize(
    ("text", "age", "sex"),
    [
        ("We report a 47-year-old female with dry eyes.", (Decimal(47), "years"), "female"),
        ("A 3-month-old boy presented with fever.", (Decimal(3), "months"), "male"),
        ("A 65 year old male with scleromyxedema developed seizures.", (Decimal(65), "years"), "male"),
        ("Torsion of the spleen in a five-and-a-half-month-old infant is described.", (Decimal("5.5"), "months"), ""),
        ("A case of emphysema is reported in a male child four years old.", (Decimal(4), "years"), "male"),
        ("This report describes the case of a 36-year-old woman, gravida 3.", (Decimal(36), "years"), "female"),
        ("A 2 1/2-year-old girl was admitted.", (Decimal("2.5"), "years"), "female"),
    ],
)
def test_an_age_and_sex_the_text_states_are_suggested(text, age, sex):
    found = patients(text)
    assert found.count == 1
    assert ages(found) == [age]
    assert found.patients[0].sex == sex
    assert found.patients[0].evidence == text


def test_a_decade_is_an_approximate_age():
    found = patients("We describe a woman in her sixties with recurrent pericarditis.")
    assert ages(found) == [(Decimal(60), "years")]
    assert found.patients[0].age.approximate
    assert found.patients[0].sex == "female"


def test_twins_of_one_sex_and_age_are_two_patients():
    found = patients("We report twin girls aged 4 with the same rash.")
    assert found.count == 2
    assert ages(found) == [(Decimal(4), "years")] * 2
    assert [p.sex for p in found.patients] == ["female", "female"]


def test_brothers_with_their_ages_listed_get_one_age_each():
    found = patients("Two brothers, age 9 and 11, respectively, have marked deficiency of T cells.")
    assert found.count == 2
    assert ages(found) == [(Decimal(9), "years"), (Decimal(11), "years")]
    assert [p.sex for p in found.patients] == ["male", "male"]


def test_two_patients_described_one_by_one_are_told_apart():
    found = patients(
        "Two patients are described: a 24-year-old man with fever and a 66-year-old woman with a rash. "
        "The 24-year-old man recovered."
    )
    assert found.count == 2
    assert ages(found) == [(Decimal(24), "years"), (Decimal(66), "years")]
    assert [p.sex for p in found.patients] == ["male", "female"]


def test_words_without_a_number_give_no_age_and_no_sex():
    found = patients("We report a young kidney transplant recipient who developed a rash.")
    assert found.count == 1
    assert found.patients[0].age is None
    assert found.patients[0].sex == ""


def test_a_patient_has_no_sex_unless_the_text_or_mesh_gives_one():
    assert patients("A patient with Waldenstrom's macroglobulinaemia is presented.").patients[0].sex == ""
    with_mesh = patients(
        "A patient with Waldenstrom's macroglobulinaemia is presented.",
        title="Familial Waldenstrom's macroglobulinaemia.",
        mesh=("Humans", "Male"),
    )
    assert with_mesh.patients[0].sex == "male"
    assert with_mesh.patients[0].evidence == (
        "A patient with Waldenstrom's macroglobulinaemia is presented. (sex from MeSH: Male)"
    )


def test_mesh_does_not_decide_the_sex_when_the_text_says_otherwise():
    found = patients("A patient is presented. She improved on treatment.", mesh=("Humans", "Male"))
    assert found.patients[0].sex == ""


def test_mesh_sex_is_not_given_to_one_of_several_patients():
    found = patients("Three patients with cavernous angiomas confirmed at surgery are presented.", mesh=("Male",))
    assert found.count == 3
    assert all(p.sex == "" and p.age is None for p in found.patients)


def test_a_relative_s_age_is_not_the_patient_s():
    found = patients("A 3-year-old boy presented with seizures; his 30-year-old mother had epilepsy.")
    assert ages(found) == [(Decimal(3), "years")]


def test_a_gestational_age_is_not_an_age():
    found = patients("A 30-year-old woman at 32 weeks of gestation presented with headache.")
    assert ages(found) == [(Decimal(30), "years")]


def test_reports_about_animals_have_no_patients():
    found = patients("A 9-year-old dog with lymphocytic leukemia.", mesh=("Animals", "Dogs"))
    assert found.count == 0
    assert found.patients == []
    found = patients("Cryptococcosis in an adult male monkey.", title="Cryptococcosis in a patas monkey.", mesh=())
    assert found.count == 0


def test_a_review_with_no_patient_gets_none():
    found = patients(
        "Reconstruction of carotid arteries should preferably be a prophylactic measure. Surgery is indicated only "
        "with a conscious patient with a negative brain scan.",
        title="Indications for surgery in carotid artery stenosis.",
    )
    assert found.count is None
    assert found.patients == []


def test_a_cohort_is_not_a_case_count():
    found = patients("In a retrospective review of 230 patients, 3 patients had hidden disease.")
    assert found.patients == [] or all(p.age is None for p in found.patients)
    assert found.count != 230


def test_a_translated_title_in_brackets_is_read():
    found = patients("", title="[Phenylketonuria in a 10 year old girl].")
    assert ages(found) == [(Decimal(10), "years")]
    assert found.patients[0].sex == "female"


def test_hostile_text_gives_a_plain_answer():
    found = patients("\x00" * 50 + "(" * 500 + " year old " * 200)
    assert found.count in (None, 0, 1)


def test_a_mother_and_her_daughter_are_two_female_patients():
    found = patients("The 18q- syndrome is described in a mother and her daughter.", title="18q- syndrome.")
    assert found.count == 2
    assert [p.sex for p in found.patients] == ["female", "female"]


def test_a_group_named_with_odd_words_between_is_counted():
    found = patients("Four Kp(a-b-) Japanese sisters have otherwise normal Kell antigens.", title="A new allele.")
    assert found.count == 4
    assert [p.sex for p in found.patients] == ["female"] * 4


def test_reviewing_one_s_own_patients_is_not_the_literature():
    found = patients("We review the resuscitation of two brothers aged 2 and 4 who presented two years apart.")
    assert ages(found) == [(Decimal(2), "years"), (Decimal(4), "years")]


def test_a_patient_introduced_without_an_age_keeps_its_place_among_the_others():
    found = patients(
        "We studied one case of true triploidy and two cases of triploid mosaicism. A liveborn triploid child had "
        "cebocephaly. A 16-year-old girl with mosaicism had normal eyes. A 13-year-old boy with mosaicism had "
        "cataracts."
    )
    assert found.count == 3
    assert ages(found) == [None, (Decimal(16), "years"), (Decimal(13), "years")]
    assert [p.sex for p in found.patients] == ["", "female", "male"]


def test_an_adult_is_one_patient_whose_sex_mesh_may_give():
    found = patients("An adult with cutaneous diphtheria was admitted.", title="Diphtheria.", mesh=("Humans", "Male"))
    assert found.count == 1
    assert found.patients[0].sex == "male"
    assert found.patients[0].age is None


@pytest.mark.parametrize(
    ("pmid", "title", "text", "count"),
    [
        (
            401591,
            "Megacolon associated with celiac sprue: report of four cases and review of the literature.",
            "Four cases of megacolon associated with celiac sprue are described and the literature reviewed.",
            4,
        ),
        (416042, "A case report.", "A series of seven cases of acute renal failure is presented.", 7),
        (409191, "A case report.", "This contention is supported by seven illustrative cases.", 7),
        (
            422794,
            "A case report.",
            "Three patients with unilateral myositis are described. A fourth patient with lymphedema praecox is "
            "presented.",
            4,
        ),
        (420526, "A case report.", "Four babies with complete heart block are described, with a 5th baby.", 5),
        (
            419990,
            "A case report.",
            "A family with myotonia congenita is reported in which the father and his two offspring are affected.",
            3,
        ),
        (424132, "A case report.", "A pair of conjoined twins (thoracopagus) was delivered abdominally.", 2),
        (421363, "A case report.", "A case of syngnathia congenita in mother and child is described.", 2),
        (424701, "A case report.", "Three athletes were found to have spherocytosis.", 3),
    ],
)
def test_counts_of_the_reports_own_patients(pmid, title, text, count):
    assert patients(text, title=title).count == count


def test_the_literature_still_is_not_the_reports_patients():
    assert (
        patients("Four cases of megacolon reported in the literature were reviewed.", title="Megacolon.").count is None
    )
