"""Evidence summaries: which patients with a condition were given an intervention, and how they did.

An intervention's page counts its patients by condition (rows) and outcome result (columns); a condition's page
counts its patients by intervention and outcome. A patient counts in a cell when they have a diagnosis of the
condition (suspected, probable or confirmed: a diagnosis ruled out does not count) and a treatment with the
intervention whose outcomes include the result; "no outcome
recorded" is a treatment without outcomes. A patient without diagnoses is in the row "condition not recorded",
a patient without treatments in the row "no intervention recorded" (under "no outcome recorded").

Each cell links to /patients/ with the filters that list exactly its patients (reports/patient_filters.py calls
`matching_patients` below, which states the same rules as the counting). A page costs two queries whatever the
number of patients: one grouped by row, one for the column totals.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode

from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, QuerySet
from django.urls import reverse

from reports.models import CaseReport, Condition, Diagnosis, Intervention, Outcome, Patient, Treatment

# Stands for "not recorded" in the filters: no condition, no intervention, or no outcome.
NOT_RECORDED = "none"
NotRecorded = Literal["none"]

RESULT_COLUMNS: tuple[tuple[str, str], ...] = (*Outcome.Result.choices, (NOT_RECORDED, "No outcome recorded"))
RELATED_REPORTS = 10  # shown on a report's page
# Rows of an evidence table shown unless all are asked for (?rows=all): the conditions or interventions with the
# most patients. An intervention given for hundreds of conditions makes a table nobody reads, and its rendering
# costs more than its counting.
EVIDENCE_ROWS = 50
# Read once: a TextChoices' .choices walks the enum on every use, and a large table asks for it in every cell.
CERTAINTY_NAMES: dict[str, str] = dict(Diagnosis.Certainty.choices)
# Past this many matching reports, the related reports are found by walking the newest first (related_reports).
RELATED_CANDIDATES = 1000


@dataclass(frozen=True)
class Cell:
    """Patients and reports behind one number of the table, and the link that lists those patients."""

    patients: int
    reports: int
    url: str
    # (certainty, patients) of the row's condition, for the cells that have one; each patient has one certainty.
    certainty: tuple[tuple[str, int], ...] = ()

    @property
    def label(self) -> str:
        return f"{plural(self.patients, 'patient')} / {plural(self.reports, 'report')}"

    @property
    def certainty_note(self) -> str:
        return ", ".join(f"{count} {CERTAINTY_NAMES[key].lower()}" for key, count in self.certainty if count)


@dataclass(frozen=True)
class Column:
    key: str  # an outcome result, or "none"
    label: str


@dataclass(frozen=True)
class Row:
    label: str
    url: str  # the page of the row's condition or intervention; empty for the "not recorded" row
    cells: tuple[Cell, ...]  # in the order of the columns
    total: Cell  # patients in any column, each once


@dataclass(frozen=True)
class EvidenceTable:
    subject: str  # "Patients given Low-dose naltrexone"
    row_heading: str  # "Condition" or "Intervention"
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    totals: tuple[Cell, ...]  # per column
    total: Cell
    curated: bool = False  # counts only patients whose whole case is curated
    suggested: int = 0  # of the patients counted, those casebase suggested from an abstract (not yet confirmed)
    more: int = 0  # rows left out (those with the fewest patients), when not all were asked for

    @property
    def all_rows(self) -> int:
        return len(self.rows) + self.more


@dataclass(frozen=True)
class Segment:
    x: float  # percent of the chart's width
    width: float  # percent of the chart's width
    result: str
    title: str


@dataclass(frozen=True)
class Bar:
    label: str
    label_y: int
    y: int
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class Chart:
    height: int
    bar_height: int
    bars: tuple[Bar, ...]
    description: str


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _curated_only(source: QuerySet, curated: bool) -> QuerySet:
    return source.filter(patient__in=Patient.objects.curated().values("pk")) if curated else source


def for_intervention(
    *, intervention: Intervention, curated: bool = False, rows: int | None = EVIDENCE_ROWS
) -> EvidenceTable:
    """The patients given `intervention`, by condition and outcome (with `curated`, only curated cases; the `rows`
    conditions with the most patients, or all with None)."""
    return _table(
        curated=curated,
        limit=rows,
        subject=f"Patients given {intervention.name}",
        row_heading="Condition",
        not_recorded="Condition not recorded",
        # The patient's diagnoses that were not ruled out: a patient whose only diagnosis was ruled out is in the row
        # "condition not recorded", as matching_patients() lists them.
        source=_curated_only(Treatment.objects.filter(intervention=intervention), curated).annotate(
            held=FilteredRelation(
                "patient__diagnoses", condition=~Q(patient__diagnoses__certainty=Diagnosis.Certainty.RULED_OUT)
            )
        ),
        row_path="held__condition",
        result_path="outcomes__result",
        certainty_path="held__certainty",
        row_url=lambda pk: reverse("reports:condition", kwargs={"pk": pk}),
        link=lambda row, result: {
            "condition_id": row,
            "intervention_id": intervention.pk,
            "outcome": result,
            "curated": "true" if curated else None,
        },
    )


def for_condition(*, condition: Condition, curated: bool = False, rows: int | None = EVIDENCE_ROWS) -> EvidenceTable:
    """The patients with `condition`, by intervention and outcome (with `curated`, only curated cases; the `rows`
    interventions with the most patients, or all with None)."""
    return _table(
        curated=curated,
        limit=rows,
        subject=f"Patients with {condition.name}",
        row_heading="Intervention",
        not_recorded="No intervention recorded",
        source=_curated_only(Diagnosis.objects.held().filter(condition=condition), curated),
        row_path="patient__treatments__intervention",
        result_path="patient__treatments__outcomes__result",
        certainty_path="certainty",
        row_url=lambda pk: reverse("reports:intervention", kwargs={"pk": pk}),
        link=lambda row, result: {
            "condition_id": condition.pk,
            "intervention_id": row,
            "outcome": result,
            "curated": "true" if curated else None,
        },
    )


def _table(
    *,
    curated: bool,
    limit: int | None,
    subject: str,
    row_heading: str,
    not_recorded: str,
    source: QuerySet,
    row_path: str,
    result_path: str,
    certainty_path: str,
    row_url: Callable[[int], str],
    link: Callable[[int | str | None, str | None], dict],
) -> EvidenceTable:
    """`source` holds what to count from (treatments of the intervention, or diagnoses of the condition), each with
    a `patient`; the paths lead from it to the row's term, the outcome result and the diagnosis' certainty.
    `link(row, result)` gives the patients list's filters for a cell, a row or result of None meaning any. Past
    `limit` rows (None: no limit) the rest are counted in `more`, not built; the "not recorded" row is always
    shown."""
    patient, report = "patient", "patient__report"
    patients_path = reverse("reports:patients")  # once: a large table links hundreds of cells

    def is_result(key: str) -> Q:
        # An outcome's result is never null, so a null result is a treatment (or patient) without outcomes.
        return Q(**{f"{result_path}__isnull": True}) if key == NOT_RECORDED else Q(**{result_path: key})

    def counts(*, split: bool) -> dict:
        aggregates = {
            "patients": Count(patient, distinct=True),
            "reports": Count(report, distinct=True),
        }
        for key, _ in RESULT_COLUMNS:
            aggregates[f"patients_{key}"] = Count(patient, distinct=True, filter=is_result(key))
            aggregates[f"reports_{key}"] = Count(report, distinct=True, filter=is_result(key))
            if split:
                for level in CERTAINTY_NAMES:
                    aggregates[f"patients_{key}_{level}"] = Count(
                        patient, distinct=True, filter=is_result(key) & Q(**{certainty_path: level})
                    )
        if split:
            for level in CERTAINTY_NAMES:
                aggregates[f"patients_{level}"] = Count(patient, distinct=True, filter=Q(**{certainty_path: level}))
        return aggregates

    def cell(values: dict, *, key: str | None, row_param, split: bool) -> Cell:
        suffix = f"_{key}" if key else ""
        patients = values[f"patients{suffix}"]
        params = {name: value for name, value in link(row_param, key).items() if value is not None}
        return Cell(
            patients=patients,
            reports=values[f"reports{suffix}"],
            url=f"{patients_path}?{urlencode(params)}" if patients else "",
            certainty=tuple((level, values[f"patients{suffix}_{level}"]) for level in CERTAINTY_NAMES if split),
        )

    # Query 1: one group per row term (null: not recorded), with every column's counts as filtered aggregates.
    grouped = (
        source.values(term=F(row_path), name=F(f"{row_path}__name"))
        .annotate(**counts(split=True))
        .order_by("-patients", "name")
    )
    rows, named, more = [], 0, 0
    for values in grouped:
        term = values["term"]
        if term is not None:
            if limit is not None and named >= limit:
                more += 1
                continue
            named += 1
        param = NOT_RECORDED if term is None else term
        rows.append(
            Row(
                label=not_recorded if term is None else values["name"],
                url="" if term is None else row_url(term),
                cells=tuple(cell(values, key=key, row_param=param, split=True) for key, _ in RESULT_COLUMNS),
                total=cell(values, key=None, row_param=param, split=True),
            )
        )
    rows.sort(key=lambda row: not row.url)  # "not recorded" last; the database ordered the others
    # Query 2: the column totals and the grand total, each patient once, and how many of them were suggested.
    # "Suggested" is any patient whose case is not wholly curated (Patient.objects.curated()): exactly those that
    # "curated cases only" leaves out.
    totals = source.aggregate(
        **counts(split=False),
        suggested=Count(patient, distinct=True, filter=~Q(patient__in=Patient.objects.curated().values("pk"))),
    )
    return EvidenceTable(
        subject=subject,
        row_heading=row_heading,
        columns=tuple(Column(key, label) for key, label in RESULT_COLUMNS),
        rows=tuple(rows),
        totals=tuple(cell(totals, key=key, row_param=None, split=False) for key, _ in RESULT_COLUMNS),
        total=cell(totals, key=None, row_param=None, split=False),
        curated=curated,
        suggested=totals["suggested"],
        more=more,
    )


# The chart's geometry, in pixels down the page and percent across it (the SVG is as wide as its container).
LABEL_HEIGHT = 18
BAR_HEIGHT = 20
ROW_GAP = 12
LABEL_CHARACTERS = 30  # a longer name is cut, so that the label fits a phone; the table has it in full


def chart(*, table: EvidenceTable) -> Chart:
    """A horizontal stacked bar per row of `table`, a segment per non-empty cell, as long as the cell's patient
    count. The longest bar fills the width; a patient with two outcomes counts in both segments."""
    lengths = [sum(cell.patients for cell in row.cells) for row in table.rows]
    longest = max(lengths, default=0) or 1
    bars = []
    for index, row in enumerate(table.rows):
        top = index * (LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP)
        segments, x = [], 0.0
        for column, cell in zip(table.columns, row.cells, strict=True):
            if not cell.patients:
                continue
            width = 100.0 * cell.patients / longest
            title = f"{row.label}, {column.label.lower()}: {cell.label}"
            if cell.certainty_note:
                title += f" ({cell.certainty_note})"
            segments.append(Segment(x=round(x, 4), width=round(width, 4), result=column.key, title=title))
            x += width
        name = row.label if len(row.label) <= LABEL_CHARACTERS else row.label[: LABEL_CHARACTERS - 1] + "…"
        bars.append(
            Bar(
                label=f"{name} ({plural(row.total.patients, 'patient')})",
                label_y=top + LABEL_HEIGHT - 4,
                y=top + LABEL_HEIGHT,
                segments=tuple(segments),
            )
        )
    return Chart(
        height=max(len(bars) * (LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP) - ROW_GAP, 0),
        bar_height=BAR_HEIGHT,
        bars=tuple(bars),
        description=(
            f"Bar chart of {table.subject[0].lower()}{table.subject[1:]} by {table.row_heading.lower()} and "
            "outcome; the table gives the same numbers."
        ),
    )


def matching_patients(
    patients: QuerySet,
    *,
    condition: Condition | NotRecorded | None = None,
    intervention: Intervention | NotRecorded | None = None,
    outcome: str = "",
    curated: bool = False,
) -> QuerySet:
    """Those of `patients` that a cell of the tables counts: with a diagnosis of `condition` that was not ruled out
    (or no such diagnosis at all),
    and a treatment with `intervention` whose outcomes include `outcome` ("none": a treatment without outcomes;
    without an intervention, "none" also takes patients without treatments, as the condition page counts them)."""
    if curated:
        patients = patients.filter(pk__in=Patient.objects.curated().values("pk"))
    held = Diagnosis.objects.held().filter(patient=OuterRef("pk"))
    if condition == NOT_RECORDED:
        patients = patients.filter(~Exists(held))
    elif condition is not None:
        patients = patients.filter(Exists(held.filter(condition=condition)))
    treatments = Treatment.objects.filter(patient=OuterRef("pk"))
    if intervention == NOT_RECORDED:
        # No treatment, hence no outcome: only "none" (or no outcome filter) can match.
        return patients.filter(~Exists(treatments)) if outcome in ("", NOT_RECORDED) else patients.none()
    if intervention is not None:
        treatments = treatments.filter(intervention=intervention)
    if outcome == NOT_RECORDED:
        without_outcome = Exists(treatments.filter(~Exists(Outcome.objects.filter(treatment=OuterRef("pk")))))
        if intervention is None:
            return patients.filter(without_outcome | ~Exists(treatments))
        return patients.filter(without_outcome)
    if outcome:
        treatments = treatments.filter(Exists(Outcome.objects.filter(treatment=OuterRef("pk"), result=outcome)))
    if intervention is not None or outcome:
        patients = patients.filter(Exists(treatments))
    return patients


def describe(
    *,
    condition: Condition | NotRecorded | None = None,
    intervention: Intervention | NotRecorded | None = None,
    outcome: str = "",
    curated: bool = False,
) -> str:
    """What a patients list shows, in words: "Patients with Sjogren's syndrome given Low-dose naltrexone whose
    outcome was improved"."""
    parts = ["Patients"]
    if condition == NOT_RECORDED:
        parts.append("with no condition recorded")
    elif condition is not None:
        parts.append(f"with {condition.name}")
    if intervention == NOT_RECORDED:
        parts.append("and no intervention recorded" if condition is not None else "with no intervention recorded")
    elif intervention is not None:
        parts.append(f"given {intervention.name}")
    if outcome == NOT_RECORDED:
        parts.append("whose outcome was not recorded")
    elif outcome == Outcome.Result.ADVERSE_EVENT:
        parts.append("whose outcome was an adverse event")
    elif outcome:
        parts.append(f"whose outcome was {Outcome.Result(outcome).label.lower()}")
    if curated:
        parts.append("(curated cases only)")
    return " ".join(parts) if len(parts) > 1 else "All patients"


def related_reports(*, report: CaseReport, limit: int = RELATED_REPORTS) -> list[CaseReport]:
    """Other reports in which a patient has one of `report`'s conditions and was given one of its interventions,
    newest first, with their journals: two queries.

    The matching reports are read first, through the condition and intervention indexes, and then ordered: asked
    in one query, PostgreSQL scans every report to join them with the few that match (tens of milliseconds at
    100,000 reports, growing with the table). When very many reports match, walking the newest-first index and
    stopping at `limit` is cheaper, and that is the query asked then."""
    conditions = Diagnosis.objects.held().filter(patient__report=report).values("condition_id")
    interventions = Treatment.objects.filter(patient__report=report).values("intervention_id")
    patients = (
        Patient.objects.filter(pk__in=Diagnosis.objects.held().filter(condition__in=conditions).values("patient_id"))
        .filter(pk__in=Treatment.objects.filter(intervention__in=interventions).values("patient_id"))
        .exclude(report=report)
    )
    ids = list(patients.values_list("report_id", flat=True).distinct().order_by()[: RELATED_CANDIDATES + 1])
    if len(ids) > RELATED_CANDIDATES:
        matching = CaseReport.objects.filter(pk__in=patients.values("report_id"))
    else:
        matching = CaseReport.objects.filter(pk__any_of=ids)  # one array parameter (reports/models/lookups.py)
    return list(matching.select_related("journal").order_by(*CaseReport._meta.ordering)[:limit])
