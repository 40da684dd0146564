"""The clinical side of a case report: patients, what they had, what they were given and how they did."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Cast
from django.urls import reverse

from reports.audit import History
from reports.models.bibliography import CaseReport, NamedTerm


class ClinicalTerm(NamedTerm):
    """A controlled term curators pick from, with the other names it goes by."""

    synonyms = models.TextField(blank=True, help_text="Other names, one per line (e.g. LDN).")
    mesh_ui = models.CharField("MeSH UI", max_length=10, blank=True)
    # Where MeSH places the term ("C05.550.114.154.774 C20.111.199.774"): a search for a broad heading takes in
    # every term whose tree number extends one of its own.
    tree_numbers = models.TextField("MeSH tree numbers", blank=True, help_text="Separated by spaces.")

    class Meta(NamedTerm.Meta):
        abstract = True

    @property
    def tree_number_list(self) -> list[str]:
        return self.tree_numbers.split()

    @property
    def synonym_list(self) -> list[str]:
        return [line.strip() for line in self.synonyms.splitlines() if line.strip()]

    @classmethod
    def named(cls, text: str) -> Q:
        """Terms whose name or one of whose synonyms contains `text` (case-insensitive)."""
        return Q(name__icontains=text) | Q(synonyms__icontains=text)


class Condition(ClinicalTerm):
    """A disease or syndrome a patient is diagnosed with ("Sjogren's syndrome")."""

    changes = History()

    class Meta(ClinicalTerm.Meta):
        pass

    def get_absolute_url(self):
        return reverse("reports:condition", kwargs={"pk": self.pk})


class Intervention(ClinicalTerm):
    """Something given or done to a patient: a drug, a procedure, or "standard therapy"."""

    class Kind(models.TextChoices):
        DRUG = "drug", "Drug"
        PROCEDURE = "procedure", "Procedure"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DRUG)

    changes = History()

    class Meta(ClinicalTerm.Meta):
        constraints = [
            *NamedTerm.Meta.constraints,
            models.CheckConstraint(
                condition=Q(kind__in=["drug", "procedure", "other"]),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message="Kind is drug, procedure or other.",
            ),
        ]

    def get_absolute_url(self):
        return reverse("reports:intervention", kwargs={"pk": self.pk})


class Origin(models.TextChoices):
    """Where a clinical record came from: a curator, or the suggestions read from the abstract at import."""

    CURATED = "curated", "Curated"
    SUGGESTED = "suggested", "Machine-suggested"


class Suggestible(models.Model):
    """A clinical record that casebase may suggest from a report's abstract until a curator confirms it."""

    origin = models.CharField(
        max_length=10,
        choices=Origin.choices,
        default=Origin.CURATED,
        help_text="Machine-suggested records are read from the abstract and wait for a curator to confirm them.",
    )
    evidence = models.TextField(blank=True, help_text="For a suggestion: the sentence it was read from.")

    class Meta:
        abstract = True

    @property
    def is_suggested(self) -> bool:
        return self.origin == Origin.SUGGESTED


def origin_valid():
    return models.CheckConstraint(
        condition=Q(origin__in=["curated", "suggested"]),
        name="%(app_label)s_%(class)s_origin_valid",
        violation_error_message="Origin is curated or suggested.",
    )


def both_or_neither(value: str, unit: str) -> Q:
    """A quantity and its unit are given together or not at all."""
    return Q(**{f"{value}__isnull": True, unit: ""}) | (Q(**{f"{value}__isnull": False}) & ~Q(**{unit: ""}))


# Ages are stored as the report gives them ("3 months"); filters compare them in years.
DAYS_PER_YEAR = 365.25
AGE_IN_YEARS = models.Case(
    models.When(age_unit="years", then=Cast("age_value", models.FloatField())),
    models.When(age_unit="months", then=Cast("age_value", models.FloatField()) / 12.0),
    models.When(age_unit="weeks", then=Cast("age_value", models.FloatField()) * 7.0 / DAYS_PER_YEAR),
    models.When(age_unit="days", then=Cast("age_value", models.FloatField()) / DAYS_PER_YEAR),
    default=None,
    output_field=models.FloatField(),
)


# PubMed's age groups (MeSH): name -> (label, from years, below years); "aged" includes "80 and over".
AGE_GROUPS = {
    "newborn": ("Newborn (birth to 1 month)", 0, 1 / 12),
    "infant": ("Infant (1 to 23 months)", 1 / 12, 2),
    "child": ("Child (2 to 12 years)", 2, 13),
    "adolescent": ("Adolescent (13 to 18 years)", 13, 19),
    "adult": ("Adult (19 to 44 years)", 19, 45),
    "middle_aged": ("Middle aged (45 to 64 years)", 45, 65),
    "aged": ("Aged (65 and over)", 65, None),
    "aged_80": ("80 and over", 80, None),
}


def age_group_q(name: str, field: str = "age_years") -> Q:
    _, low, high = AGE_GROUPS[name]
    condition = Q(**{f"{field}__gte": low})
    if high is not None:
        condition &= Q(**{f"{field}__lt": high})
    return condition


class PatientQuerySet(models.QuerySet):
    def for_list(self):
        """What a row of the patients list shows: the report with its journal, the conditions, and the
        treatments with their interventions and outcomes."""
        return self.select_related("report__journal").prefetch_related(
            models.Prefetch("diagnoses", queryset=Diagnosis.objects.select_related("condition")),
            models.Prefetch("treatments", queryset=Treatment.objects.select_related("intervention")),
            "treatments__outcomes",
        )

    def curated(self) -> "PatientQuerySet":
        """Patients whose whole case a curator entered or confirmed: the patient and every diagnosis, finding,
        treatment and outcome. "Curated cases only" on the public pages means these; a case with any
        machine-suggested part left is out until a curator confirms it."""
        suggested = Origin.SUGGESTED
        return self.filter(origin=Origin.CURATED).exclude(
            Exists(Diagnosis.objects.filter(patient=OuterRef("pk"), origin=suggested))
            | Exists(Finding.objects.filter(patient=OuterRef("pk"), origin=suggested))
            | Exists(Treatment.objects.filter(patient=OuterRef("pk"), origin=suggested))
            | Exists(Outcome.objects.filter(treatment__patient=OuterRef("pk"), origin=suggested))
        )

    def matching(
        self,
        *,
        condition: str = "",
        condition_id: int | None = None,
        certainty: str = "",
        intervention: str = "",
        intervention_id: int | None = None,
        outcome: str = "",
        sex: str = "",
        age_min: Decimal | None = None,
        age_max: Decimal | None = None,
        age_group: str = "",
        curated: bool = False,
    ) -> "PatientQuerySet":
        """Patients for whom every given criterion holds at once.

        The certainty belongs to the diagnosis of the condition ("suspected Sjogren's"), and the intervention and
        the outcome to the same treatment: "given LDN, improved" does not match a patient who improved on
        something else.
        """
        patients = self
        if curated:
            patients = patients.curated()
        if sex:
            patients = patients.filter(sex=sex)
        if age_min is not None:
            patients = patients.filter(age_years__gte=age_min)
        if age_max is not None:
            patients = patients.filter(age_years__lte=age_max)
        if age_group:
            patients = patients.filter(age_group_q(age_group))
        if condition or condition_id or certainty:
            # Without a certainty, "has the condition" leaves out diagnoses that were ruled out.
            diagnoses = Diagnosis.objects.filter(patient=OuterRef("pk"))
            if not certainty:
                diagnoses = diagnoses.held()
            if condition:
                diagnoses = diagnoses.filter(condition__in=Condition.objects.filter(Condition.named(condition)))
            if condition_id:
                diagnoses = diagnoses.filter(condition_id=condition_id)
            if certainty:
                diagnoses = diagnoses.filter(certainty=certainty)
            patients = patients.filter(Exists(diagnoses))
        if intervention or intervention_id or outcome:
            treatments = filter_treatments(
                Treatment.objects.filter(patient=OuterRef("pk")),
                intervention=intervention,
                intervention_id=intervention_id,
                outcome=outcome,
            )
            patients = patients.filter(Exists(treatments))
        return patients


def filter_treatments(treatments, *, intervention: str = "", intervention_id: int | None = None, outcome: str = ""):
    """Those of `treatments` that are of this intervention and had this outcome."""
    if intervention:
        treatments = treatments.filter(intervention__in=Intervention.objects.filter(Intervention.named(intervention)))
    if intervention_id:
        treatments = treatments.filter(intervention_id=intervention_id)
    if outcome:
        treatments = treatments.filter(Exists(Outcome.objects.filter(treatment=OuterRef("pk"), result=outcome)))
    return treatments


class Patient(Suggestible):
    """One patient described in a case report."""

    class AgeUnit(models.TextChoices):
        YEARS = "years", "years"
        MONTHS = "months", "months"
        WEEKS = "weeks", "weeks"
        DAYS = "days", "days"

    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        OTHER = "other", "Other"
        UNKNOWN = "unknown", "Unknown"

    report = models.ForeignKey(
        CaseReport,
        # Patients exist only inside their report: deleting the report deletes them (never orphaned).
        on_delete=models.CASCADE,
        related_name="patients",
    )
    position = models.PositiveSmallIntegerField(default=1, help_text="1 for the first patient of the report.")
    label = models.CharField(max_length=100, blank=True, help_text='As the report names the patient, e.g. "Case 1".')
    age_value = models.DecimalField("age", max_digits=6, decimal_places=2, null=True, blank=True)
    age_unit = models.CharField(max_length=10, choices=AgeUnit.choices, blank=True)
    # Kept by the database from age_value and age_unit, so age-range filters compare like with like.
    age_years = models.GeneratedField(
        expression=AGE_IN_YEARS, output_field=models.FloatField(), db_persist=True, verbose_name="age in years"
    )
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    history = models.TextField(blank=True, help_text="The history as the report tells it.")

    objects = PatientQuerySet.as_manager()

    changes = History()

    class Meta:
        ordering = ["report", "position"]
        constraints = [
            origin_valid(),
            models.UniqueConstraint(
                fields=["report", "position"],
                name="%(app_label)s_%(class)s_position_unique",
                violation_error_message="Two patients of this report have the same position.",
            ),
            models.CheckConstraint(
                condition=Q(age_value__isnull=True) | Q(age_value__gte=0),
                name="%(app_label)s_%(class)s_age_not_negative",
                violation_error_message="An age cannot be negative.",
            ),
            models.CheckConstraint(
                condition=both_or_neither("age_value", "age_unit"),
                name="%(app_label)s_%(class)s_age_has_unit",
                violation_error_message="Give an age together with its unit (years, months, weeks or days).",
            ),
            models.CheckConstraint(
                condition=Q(sex__in=["female", "male", "other", "unknown"]),
                name="%(app_label)s_%(class)s_sex_valid",
                violation_error_message="Sex is female, male, other or unknown.",
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1),
                name="%(app_label)s_%(class)s_position_from_one",
                violation_error_message="Patient positions start at 1.",
            ),
        ]
        indexes = [
            # The sex and age filters of the public list.
            models.Index(fields=["sex", "age_years"], name="reports_patient_sex_age"),
            models.Index(fields=["age_years"], name="reports_patient_age"),
            # "Curated cases only" and the evidence tables' count of suggested patients start from the curated
            # patients (PatientQuerySet.curated): without it, a scan of every patient. Suggested patients, which
            # an import writes, are not in it.
            models.Index(fields=["id"], condition=Q(origin=Origin.CURATED), name="reports_patient_curated"),
        ]

    def __str__(self):
        return f"{self.display_label}: {self.summary}"

    def get_absolute_url(self):
        return self.report.get_absolute_url() + f"#patient-{self.position}"

    @property
    def display_label(self) -> str:
        return self.label or f"Patient {self.position}"

    @property
    def age_display(self) -> str:
        if self.age_value is None:
            return ""
        value = self.age_value.normalize() if isinstance(self.age_value, Decimal) else self.age_value
        number = f"{value:f}"
        unit = self.age_unit
        if number == "1":
            unit = unit.rstrip("s")
        return f"{number} {unit}"

    @property
    def summary(self) -> str:
        parts = [self.get_sex_display().lower() if self.sex != self.Sex.UNKNOWN else "sex not stated"]
        parts.append(self.age_display or "age not stated")
        return ", ".join(parts)


class DiagnosisQuerySet(models.QuerySet):
    def held(self) -> "DiagnosisQuerySet":
        """The conditions patients have: suspected, probable or confirmed. A diagnosis ruled out says the patient
        did not have the condition, so it never counts as having it (filters, facets, evidence)."""
        return self.exclude(certainty=Diagnosis.Certainty.RULED_OUT)


class Diagnosis(Suggestible):
    """A condition a patient has (or is suspected to have, or was ruled out for)."""

    class Certainty(models.TextChoices):
        SUSPECTED = "suspected", "Suspected"
        PROBABLE = "probable", "Probable"
        CONFIRMED = "confirmed", "Confirmed"
        RULED_OUT = "ruled_out", "Ruled out"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="diagnoses")
    # A condition that patients are diagnosed with cannot be deleted from the vocabulary.
    condition = models.ForeignKey(Condition, on_delete=models.PROTECT, related_name="diagnoses")
    certainty = models.CharField(max_length=10, choices=Certainty.choices, default=Certainty.CONFIRMED)
    notes = models.TextField(blank=True)

    objects = DiagnosisQuerySet.as_manager()

    changes = History()

    class Meta:
        ordering = ["patient", "id"]
        verbose_name_plural = "diagnoses"
        constraints = [
            origin_valid(),
            models.UniqueConstraint(
                fields=["patient", "condition"],
                name="%(app_label)s_%(class)s_unique",
                violation_error_message="This patient has this condition already.",
            ),
            models.CheckConstraint(
                condition=Q(certainty__in=["suspected", "probable", "confirmed", "ruled_out"]),
                name="%(app_label)s_%(class)s_certainty_valid",
                violation_error_message="Certainty is suspected, probable, confirmed or ruled out.",
            ),
        ]

    def __str__(self):
        return f"{self.condition} ({self.get_certainty_display().lower()})"


class Finding(Suggestible):
    """A symptom, sign, laboratory or imaging result of a patient ("ESR 90 mm/h", "rheumatoid factor: positive")."""

    class Kind(models.TextChoices):
        SYMPTOM = "symptom", "Symptom"
        SIGN = "sign", "Sign"
        LAB = "lab", "Laboratory result"
        IMAGING = "imaging", "Imaging result"
        OTHER = "other", "Other"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="findings")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SYMPTOM)
    name = models.CharField(max_length=255)
    value = models.CharField(max_length=100, blank=True, help_text='e.g. "90" or "positive".')
    unit = models.CharField(max_length=50, blank=True, help_text='e.g. "mm/h".')
    notes = models.TextField(blank=True)

    changes = History()

    class Meta:
        ordering = ["patient", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="%(app_label)s_%(class)s_name_not_empty",
                violation_error_message="A finding needs a name.",
            ),
            models.CheckConstraint(
                condition=Q(unit="") | ~Q(value=""),
                name="%(app_label)s_%(class)s_unit_has_value",
                violation_error_message="A unit needs a value.",
            ),
            origin_valid(),
        ]

    def __str__(self):
        if not self.value:
            return self.name
        return f"{self.name}: {self.value}{' ' + self.unit if self.unit else ''}"


class Treatment(Suggestible):
    """An intervention one patient received, at its place in the sequence of treatments."""

    class Route(models.TextChoices):
        ORAL = "oral", "Oral"
        INTRAVENOUS = "intravenous", "Intravenous"
        INTRAMUSCULAR = "intramuscular", "Intramuscular"
        SUBCUTANEOUS = "subcutaneous", "Subcutaneous"
        TOPICAL = "topical", "Topical"
        INHALED = "inhaled", "Inhaled"
        INTRANASAL = "intranasal", "Intranasal"
        SUBLINGUAL = "sublingual", "Sublingual"
        RECTAL = "rectal", "Rectal"
        OPHTHALMIC = "ophthalmic", "Ophthalmic"
        TRANSDERMAL = "transdermal", "Transdermal"
        INTRATHECAL = "intrathecal", "Intrathecal"
        OTHER = "other", "Other"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="treatments")
    # An intervention that patients received cannot be deleted from the vocabulary.
    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="treatments")
    sequence = models.PositiveSmallIntegerField(
        default=1, help_text="Order in which treatments were given; treatments given together share a number."
    )
    # The diagnosis this treatment was given for. Empty when the report does not say, or when the patient has one
    # condition only; a diagnosis deleted later leaves the treatment without a target rather than deleting it.
    target = models.ForeignKey(
        Diagnosis,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="treatments",
        verbose_name="given for",
        help_text="The patient's diagnosis this treatment was given for.",
    )
    dose_amount = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    dose_unit = models.CharField(max_length=30, blank=True, help_text='e.g. "mg".')
    frequency = models.CharField(max_length=100, blank=True, help_text='e.g. "once daily at bedtime".')
    route = models.CharField(max_length=20, choices=Route.choices, blank=True)
    duration = models.CharField(max_length=100, blank=True, help_text='e.g. "3 months".')
    notes = models.TextField(blank=True)

    changes = History()

    class Meta:
        ordering = ["patient", "sequence", "id"]
        constraints = [
            origin_valid(),
            models.CheckConstraint(
                condition=Q(sequence__gte=1),
                name="%(app_label)s_%(class)s_sequence_from_one",
                violation_error_message="The sequence starts at 1.",
            ),
            models.CheckConstraint(
                condition=Q(dose_amount__isnull=True) | Q(dose_amount__gt=0),
                name="%(app_label)s_%(class)s_dose_positive",
                violation_error_message="A dose is more than zero.",
            ),
            models.CheckConstraint(
                condition=Q(dose_unit="") | Q(dose_amount__isnull=False),
                name="%(app_label)s_%(class)s_dose_unit_has_amount",
                violation_error_message="A dose unit needs a dose amount.",
            ),
        ]

    def __str__(self):
        return f"{self.sequence}. {self.intervention}{' ' + self.dose_display if self.dose_display else ''}"

    def clean(self):
        # A foreign key cannot say "a diagnosis of the same patient"; the forms and writers check it here.
        if self.target_id and self.patient_id and self.target.patient_id != self.patient_id:
            raise ValidationError({"target": "Choose one of this patient's own diagnoses."})

    @property
    def dose_display(self) -> str:
        if self.dose_amount is None:
            return ""
        amount = self.dose_amount.normalize() if isinstance(self.dose_amount, Decimal) else self.dose_amount
        return f"{amount:f} {self.dose_unit}".strip()


class Outcome(Suggestible):
    """How a patient did on one treatment."""

    class Result(models.TextChoices):
        RESOLVED = "resolved", "Resolved"
        IMPROVED = "improved", "Improved"
        UNCHANGED = "unchanged", "Unchanged"
        WORSENED = "worsened", "Worsened"
        FAILED = "failed", "Failed"
        ADVERSE_EVENT = "adverse_event", "Adverse event"

    class TimeUnit(models.TextChoices):
        DAYS = "days", "days"
        WEEKS = "weeks", "weeks"
        MONTHS = "months", "months"
        YEARS = "years", "years"

    treatment = models.ForeignKey(Treatment, on_delete=models.CASCADE, related_name="outcomes")
    result = models.CharField(max_length=20, choices=Result.choices)
    description = models.TextField(blank=True)
    time_value = models.PositiveIntegerField("time after start", null=True, blank=True)
    time_unit = models.CharField(max_length=10, choices=TimeUnit.choices, blank=True)

    changes = History()

    class Meta:
        ordering = ["treatment", "id"]
        constraints = [
            origin_valid(),
            models.CheckConstraint(
                condition=Q(result__in=["resolved", "improved", "unchanged", "worsened", "failed", "adverse_event"]),
                name="%(app_label)s_%(class)s_result_valid",
                violation_error_message="Choose one of the listed results.",
            ),
            models.CheckConstraint(
                condition=both_or_neither("time_value", "time_unit"),
                name="%(app_label)s_%(class)s_time_has_unit",
                violation_error_message="Give the time after start together with its unit.",
            ),
        ]
        indexes = [
            # The outcome filter of the public list.
            models.Index(fields=["result"], name="reports_outcome_result"),
        ]

    def __str__(self):
        text = self.get_result_display()
        if self.time_value is not None:
            text += f" after {self.time_value} {self.time_unit}"
        return text
