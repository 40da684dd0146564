"""The data the browser tests and the screenshots show: the seed case report and four made-up reports, each titled
"Example (made up): ..." so that no one mistakes them for published cases.

Counts the tests rely on: "naltrexone" finds 4 reports (the seed and the first three examples); of those, 3 have a
female patient; and of those, 2 have a woman who improved (the seed and the fibromyalgia example). The multiple
sclerosis example cites the fibromyalgia example and the seed, both held in casebase.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.management import call_command

from reports.models import Author, CaseReport, Citation, Diagnosis, Finding, Patient, Treatment
from tests.factories import make_patient, make_report

EXAMPLE = "Example (made up): "
JOURNAL = "Journal of Example Case Reports"
NOTE = "This report is made up: an example for casebase's tests and screenshots, not a published case. "


@dataclass
class Examples:
    seed: CaseReport
    fibromyalgia: CaseReport
    crohns: CaseReport
    sclerosis: CaseReport
    dry_eyes: CaseReport


def make_examples() -> Examples:
    call_command("loaddata", "seed", verbosity=0)
    seed = CaseReport.objects.get(title__startswith="Sjogren")

    fibromyalgia = _report(
        title="Low-dose naltrexone for fibromyalgia pain in a 52-year-old woman",
        year=2021,
        month=6,
        authors=["Example", "Sample"],
        abstract="A 52-year-old woman with fibromyalgia had no relief from duloxetine. Low-dose naltrexone, "
        "4.5 mg at bedtime, reduced her widespread pain and improved her sleep within eight weeks.",
        keywords=["fibromyalgia", "low dose naltrexone", "chronic pain"],
    )
    make_patient(
        fibromyalgia,
        label="Case 1",
        sex=Patient.Sex.FEMALE,
        age=(52, "years"),
        conditions={"Fibromyalgia": Diagnosis.Certainty.CONFIRMED},
        treatments=[("Duloxetine", ["unchanged"]), ("Low-dose naltrexone", ["improved"])],
    )
    _details(
        fibromyalgia,
        findings=[("symptom", "widespread pain", "", ""), ("symptom", "poor sleep", "", "")],
        doses=[("60", "mg", "once daily", "oral", "6 months"), ("4.5", "mg", "once daily at bedtime", "oral", "")],
    )

    crohns = _report(
        title="Low-dose naltrexone in a young man with Crohn's disease",
        year=2022,
        month=2,
        authors=["Placeholder"],
        abstract="A 24-year-old man with ileal Crohn's disease kept flaring on mesalazine. After low-dose "
        "naltrexone was added his stool frequency fell and his CRP returned to normal.",
        keywords=["Crohn disease", "low dose naltrexone"],
    )
    make_patient(
        crohns,
        sex=Patient.Sex.MALE,
        age=(24, "years"),
        conditions={"Crohn's disease": Diagnosis.Certainty.CONFIRMED},
        treatments=[("Mesalazine", ["failed"]), ("Low-dose naltrexone", ["improved"])],
    )
    _details(crohns, findings=[("lab", "CRP", "38", "mg/L")], doses=[("2.4", "g", "daily", "oral", "")])

    sclerosis = _report(
        title="Fatigue that worsened on low-dose naltrexone in multiple sclerosis",
        year=2023,
        month=9,
        authors=["Example", "Specimen", "Sample"],
        abstract="A 38-year-old woman with probable relapsing multiple sclerosis started low-dose naltrexone "
        "for fatigue. Her fatigue and sleep worsened over four weeks and the drug was stopped.",
        keywords=["multiple sclerosis", "fatigue", "low dose naltrexone"],
    )
    make_patient(
        sclerosis,
        sex=Patient.Sex.FEMALE,
        age=(38, "years"),
        conditions={"Multiple sclerosis": Diagnosis.Certainty.PROBABLE},
        treatments=[("Low-dose naltrexone", ["worsened"])],
    )
    _details(sclerosis, findings=[("symptom", "fatigue", "", "")], doses=[("3", "mg", "at bedtime", "oral", "")])
    Citation.objects.create(
        report=sclerosis,
        position=1,
        raw_text=f"Example, Sample. {EXAMPLE}{fibromyalgia.title}. {JOURNAL}. 2021.",
        title=fibromyalgia.title,
        year=2021,
        cited_report=fibromyalgia,
    )
    Citation.objects.create(
        report=sclerosis, position=2, raw_text=f"Zashin S. {seed.title}. Cureus. 2019.", doi=seed.doi, cited_report=seed
    )

    dry_eyes = _report(
        title="Cyclosporine eye drops for dry eyes in Sjögren's syndrome",
        year=2020,
        month=11,
        authors=["Specimen"],
        abstract="A 61-year-old woman with primary Sjögren's syndrome had severe dry eyes. Cyclosporine 0.05% "
        "eye drops twice daily relieved her symptoms within three months.",
        keywords=["sjogren syndrome", "dry eye"],
    )
    make_patient(
        dry_eyes,
        sex=Patient.Sex.FEMALE,
        age=(61, "years"),
        conditions={"Sjogren's syndrome": Diagnosis.Certainty.CONFIRMED},
        treatments=[("Cyclosporine eye drops", ["improved"])],
    )
    _details(
        dry_eyes,
        findings=[("sign", "Schirmer test", "3", "mm")],
        doses=[("1", "drop", "twice daily", "ophthalmic", "")],
    )

    return Examples(seed=seed, fibromyalgia=fibromyalgia, crohns=crohns, sclerosis=sclerosis, dry_eyes=dry_eyes)


def _report(*, title, year, month, authors, abstract, keywords) -> CaseReport:
    report = make_report(
        title=EXAMPLE + title,
        pub_year=year,
        pub_month=month,
        journal=JOURNAL,
        abstract=NOTE + abstract,
        keywords=keywords,
        publication_types=["Case Reports"],
    )
    for position, last_name in enumerate(authors, start=1):
        Author.objects.create(report=report, position=position, last_name=last_name, initials="X")
    return report


def _details(report: CaseReport, *, findings, doses) -> None:
    """Findings of the report's first patient, and dose, frequency, route and duration of its first treatments."""
    patient = report.patients.get(position=1)
    for position, (kind, name, value, unit) in enumerate(findings, start=1):
        Finding.objects.create(patient=patient, position=position, kind=kind, name=name, value=value, unit=unit)
    for treatment, (amount, unit, frequency, route, duration) in zip(patient.treatments.all(), doses, strict=False):
        Treatment.objects.filter(pk=treatment.pk).update(
            dose_amount=Decimal(amount), dose_unit=unit, frequency=frequency, route=route, duration=duration
        )
