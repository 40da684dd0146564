"""Which words of a real abstract speak of which patient (PubMed abstracts, shortened where noted)."""

from reports.suggestions.passages import passages

# PMID 34094614 (shortened): "The first case ... The second case ..."
HYDATID = (
    "Hydatidosis is a widespread anthropozoonosis. Hereby, we report two cases of primary hydatid cyst of the uterus. "
    "The first case is that of a 62-year-old woman, G7P5A2, who presented with an eight-month history of chronic "
    "pelvic pain. She underwent a hysterectomy and a bilateral adnexectomy. The second case is that of a 69-year-old "
    "woman, G6P4A2, who consulted for chronic pelvic pain that had been evolving for 3 months. She underwent a "
    "resection of the salient dome. Hydatid disease is endemic in Tunisia."
)
# PMID 415563: both patients in one sentence, "one patient had ... and the other had ...".
VENOGRAMS = (
    "Radionuclide venography in two patients with suspected deep venous disease revealed double channel drainage "
    "with cross-pelvic collateral circulation. Contrast inferior venacavograms revealed that one patient had "
    "persistent right and left supracardinal veins (double inferior vena cava) and the other had iliac vein "
    "occlusion with ascending lumbar collateral circulation."
)
# PMID 34093691 (shortened): "Case #1, ...; Case #2, ...; Case #3, ..."
ANEURYSMS = (
    "Our objective is to present 3 cases treated with endovascular repair (EVAR) at a University Hospital. Case #1, "
    "a 71-year-old man presenting a 7.1cm RAAA with AF, repaired with a monoiliac stent graft and femoral-femoral "
    "bypass; Case #2, a 76-year-old man presenting a 9.9cm RAAA with AF, repaired with a bifurcated stent graft; "
    "Case #3, a 67-year-old man with previous history of EVAR, presenting a type 3 endoleak."
)
# PMID 34094603 (shortened): two brothers, never told apart, treated alike.
BROTHERS = (
    "Flecainide is a class 1C antiarrhythmic with a narrow therapeutic window. We review the successful "
    "resuscitation of two brothers aged 2 and 4 who presented two years apart with unstable wide-complex "
    "tachyarrhythmia. Each patient received sodium bicarbonate and 20% intravenous lipid emulsion with a full "
    "recovery. In addition, avoidance of agitation-induced tachycardia may be beneficial."
)


def test_each_case_gets_its_own_sentences_and_the_introduction():
    first, second = passages(abstract=HYDATID, count=2)
    assert "hysterectomy" in first
    assert "salient dome" not in first
    assert "salient dome" in second
    assert "hysterectomy" not in second
    assert first.startswith("Hydatidosis is")
    assert second.startswith("Hydatidosis is")


def test_two_patients_told_apart_within_one_sentence():
    first, second = passages(abstract=VENOGRAMS, count=2)
    assert "double inferior vena cava" in first
    assert "iliac vein occlusion" not in first
    assert "iliac vein occlusion" in second
    assert "supracardinal" not in second


def test_numbered_cases():
    found = passages(abstract=ANEURYSMS, count=3)
    assert [("monoiliac" in p, "bifurcated" in p, "endoleak" in p) for p in found] == [
        (True, False, False),
        (False, True, False),
        (False, False, True),
    ]


def test_where_each_patient_is_introduced_when_no_word_turns_to_them():
    text = "A 16-year-old girl had X. She was given aspirin. A 13-year-old boy had Y. He was given heparin."
    first, second = passages(abstract=text, count=2, starts=[0, text.index("A 13")])
    assert "aspirin" in first
    assert "heparin" not in first
    assert "heparin" in second
    assert "aspirin" not in second


def test_what_is_said_of_all_of_them_is_each_ones():
    found = passages(abstract=BROTHERS, count=2, together="two brothers aged 2 and 4 who presented")
    assert len(found) == 2
    assert all("sodium bicarbonate" in p for p in found)
    assert all("Flecainide is a class" not in p for p in found)


def test_no_passages_when_the_text_does_not_tell_the_patients_apart():
    text = "Two patients with Sjogren's syndrome are described. Their course is discussed."
    assert passages(abstract=text, count=2) is None
    # Out of order, or one patient short: not trusted.
    assert passages(abstract="The second patient had X. The first patient had Y.", count=2) is None
    assert passages(abstract=HYDATID, count=3) is None
    assert passages(abstract="", count=2) is None
    assert passages(abstract=HYDATID, count=1) is None


def test_a_letter_in_running_text_is_not_a_patient():
    text = "One patient had hepatitis type A and the other patient hepatitis type B."
    first, second = passages(abstract=text, count=2)
    assert "type A" in first
    assert "type B" in second
