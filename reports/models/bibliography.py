"""The publication side of a case report: the article, its journal, authors, indexing terms and references."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Length, Lower
from django.db.models.lookups import Exact
from django.urls import reverse

from reports.audit import History
from reports.identifiers import doi_url, normalize_doi, normalize_pmcid, pmc_url, pubmed_url

# PubMed's oldest indexed articles are from the late 1700s; anything outside this range is a typo.
EARLIEST_YEAR = 1750
LATEST_YEAR = 2100

# Where a season sorts among months ("2019 Spring" sorts with March 2019).
SEASON_MONTHS = {"Spring": 3, "Summer": 6, "Autumn": 9, "Fall": 9, "Winter": 12}

MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def doi_is_normalised(field: str) -> Q:
    """Empty, or a lower-case DOI without a resolver prefix (see reports.identifiers.normalize_doi)."""
    return Q(**{field: ""}) | (Q(**{f"{field}__startswith": "10."}) & Q(**{field: Lower(field)}))


def pmcid_is_normalised(field: str) -> Q:
    return Q(**{field: ""}) | Q(**{f"{field}__startswith": "PMC"})


def clean_identifiers(instance) -> dict[str, str]:
    """Normalise instance.doi and instance.pmcid in place; return errors for values that are neither."""
    errors = {}
    if instance.doi:
        doi = normalize_doi(instance.doi)
        if doi:
            instance.doi = doi
        else:
            errors["doi"] = f"'{instance.doi}' is not a DOI (a DOI looks like 10.7759/cureus.4225)."
    if instance.pmcid:
        pmcid = normalize_pmcid(instance.pmcid)
        if pmcid:
            instance.pmcid = pmcid
        else:
            errors["pmcid"] = f"'{instance.pmcid}' is not a PMCID (a PMCID looks like PMC6510571)."
    return errors


class Journal(models.Model):
    """A journal that publishes case reports, as the NLM catalogue names it."""

    title = models.CharField(max_length=500)
    iso_abbreviation = models.CharField("ISO abbreviation", max_length=255, blank=True)
    issn = models.CharField("ISSN", max_length=9, blank=True, help_text="Print or linking ISSN, e.g. 2168-8184.")
    nlm_unique_id = models.CharField("NLM unique ID", max_length=30, blank=True)

    changes = History()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["issn"],
                condition=~Q(issn=""),
                name="%(app_label)s_%(class)s_issn_unique",
                violation_error_message="Another journal already has this ISSN.",
            ),
            models.UniqueConstraint(
                fields=["nlm_unique_id"],
                condition=~Q(nlm_unique_id=""),
                name="%(app_label)s_%(class)s_nlm_unique_id_unique",
                violation_error_message="Another journal already has this NLM unique ID.",
            ),
            models.CheckConstraint(
                condition=~Q(title=""),
                name="%(app_label)s_%(class)s_title_not_empty",
                violation_error_message="A journal needs a title.",
            ),
            models.CheckConstraint(
                condition=Q(issn="") | Q(Exact(Length("issn"), 9)),
                name="%(app_label)s_%(class)s_issn_format",
                violation_error_message="An ISSN is written as nine characters, e.g. 2168-8184.",
            ),
        ]
        indexes = [
            # The journal filter on the public list matches title and abbreviation case-insensitively.
            models.Index(Lower("title"), name="reports_journal_title_lower"),
        ]

    def __str__(self):
        return self.iso_abbreviation or self.title


class NamedTerm(models.Model):
    """A term of a shared vocabulary, unique by name whatever its case."""

    # PubMed keywords and substance names run to about 300 characters.
    name = models.CharField(max_length=500)

    class Meta:
        abstract = True
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="%(app_label)s_%(class)s_name_unique",
                violation_error_message="A term with this name exists already (names ignore case).",
            ),
            models.CheckConstraint(
                condition=~Q(name=""),
                name="%(app_label)s_%(class)s_name_not_empty",
                violation_error_message="A term needs a name.",
            ),
        ]

    def __str__(self):
        return self.name


class Keyword(NamedTerm):
    """An author keyword ("low dose naltrexone"), shared by every report that lists it."""

    changes = History()

    class Meta(NamedTerm.Meta):
        pass


class PublicationType(NamedTerm):
    """A PubMed publication type ("Case Reports", "Review", "Journal Article")."""

    ui = models.CharField("MeSH UI", max_length=10, blank=True, help_text="e.g. D002363 for Case Reports.")

    changes = History()

    class Meta(NamedTerm.Meta):
        pass


class MeshDescriptor(NamedTerm):
    """A MeSH descriptor ("Sjogren's Syndrome", D012859) used to index reports."""

    ui = models.CharField("MeSH UI", max_length=10, blank=True)

    changes = History()

    class Meta(NamedTerm.Meta):
        verbose_name = "MeSH descriptor"
        constraints = [
            *NamedTerm.Meta.constraints,
            models.UniqueConstraint(
                fields=["ui"],
                condition=~Q(ui=""),
                name="%(app_label)s_%(class)s_ui_unique",
                violation_error_message="Another descriptor already has this MeSH UI.",
            ),
        ]


class Substance(NamedTerm):
    """A chemical or drug a report is indexed with ("Naltrexone", D009271), from PubMed's list of substances."""

    ui = models.CharField("MeSH UI", max_length=10, blank=True)
    registry_number = models.CharField(
        max_length=50, blank=True, help_text="CAS or UNII number, e.g. 5S6W795CQM; 0 when PubMed gives none."
    )

    changes = History()

    class Meta(NamedTerm.Meta):
        constraints = [
            *NamedTerm.Meta.constraints,
            models.UniqueConstraint(
                fields=["ui"],
                condition=~Q(ui=""),
                name="%(app_label)s_%(class)s_ui_unique",
                violation_error_message="Another substance already has this MeSH UI.",
            ),
        ]


class CaseReportQuerySet(models.QuerySet):
    def for_list(self):
        """What a row of the public list shows: journal, authors, publication types and the clinical summary."""
        # The clinical models are reached through the relations they declare, so that this module, which they
        # import, need not import them.
        patient = self.model._meta.get_field("patients").related_model
        diagnosis = patient._meta.get_field("diagnoses").related_model
        treatment = patient._meta.get_field("treatments").related_model
        return self.select_related("journal").prefetch_related(
            "authors",
            models.Prefetch(
                "report_publication_types",
                queryset=ReportPublicationType.objects.select_related("publication_type"),
            ),
            "patients",
            models.Prefetch("patients__diagnoses", queryset=diagnosis.objects.select_related("condition")),
            models.Prefetch(
                "patients__treatments", queryset=treatment.objects.select_related("intervention", "target__condition")
            ),
            "patients__treatments__outcomes",
        )

    def for_detail(self):
        """Everything a report's page shows, in a fixed number of queries."""
        return self.for_list().prefetch_related(
            models.Prefetch("report_keywords", queryset=ReportKeyword.objects.select_related("keyword")),
            models.Prefetch("mesh_headings", queryset=MeshHeading.objects.select_related("descriptor")),
            models.Prefetch("report_substances", queryset=ReportSubstance.objects.select_related("substance")),
            "patients__findings",
            models.Prefetch("citations", queryset=Citation.objects.select_related("cited_report")),
            models.Prefetch(
                "cited_by",
                queryset=Citation.objects.select_related("report__journal").order_by("report__title"),
            ),
        )


class CaseReport(models.Model):
    """A published case report: the article as PubMed describes it, and the patients it describes."""

    class Season(models.TextChoices):
        SPRING = "Spring"
        SUMMER = "Summer"
        AUTUMN = "Autumn"
        FALL = "Fall"
        WINTER = "Winter"

    class SourceFormat(models.TextChoices):
        PUBMED_PAGE = "pubmed_page", "PubMed abstract page"
        MEDLINE = "medline", "MEDLINE / .nbib"
        PUBMED_XML = "pubmed_xml", "PubMed XML"
        PUBMED_CSV = "pubmed_csv", "PubMed CSV"
        CASEBASE_JSON = "casebase_json", "casebase JSON"
        CURATOR = "curator", "Entered by a curator"

    title = models.TextField()
    vernacular_title = models.TextField(blank=True, help_text="The title in the article's original language.")
    abstract = models.TextField(blank=True)
    journal = models.ForeignKey(
        Journal,
        # A journal that still has reports cannot be deleted: the reports would lose where they were published.
        on_delete=models.PROTECT,
        related_name="reports",
        null=True,
        blank=True,
    )
    # PubMed dates can be partial ("2019", "2019 Mar", "2019 Spring"): we keep the parts that are known.
    pub_year = models.PositiveSmallIntegerField("publication year")
    pub_month = models.PositiveSmallIntegerField("publication month", null=True, blank=True)
    pub_day = models.PositiveSmallIntegerField("publication day", null=True, blank=True)
    pub_season = models.CharField("publication season", max_length=6, choices=Season.choices, blank=True)
    pub_date_text = models.CharField(
        "publication date as printed",
        max_length=100,
        blank=True,
        help_text='e.g. "2019 Mar 11" or "1998 Dec-1999 Jan".',
    )
    # Kept by the database from the parts above: 20190311 for "2019 Mar 11", 20190300 for "2019 Mar", 20190000
    # for "2019"; a season counts as its first month. It orders and indexes partial dates on every database.
    pub_sort = models.GeneratedField(
        expression=F("pub_year") * 10000
        + Coalesce(
            "pub_month",
            models.Case(*[models.When(pub_season=season, then=month) for season, month in SEASON_MONTHS.items()]),
            0,
        )
        * 100
        + Coalesce("pub_day", 0),
        output_field=models.PositiveIntegerField(),
        db_persist=True,
        verbose_name="publication date (sortable)",
    )
    epub_date = models.DateField("electronic publication date", null=True, blank=True)
    volume = models.CharField(max_length=50, blank=True)
    issue = models.CharField(max_length=50, blank=True)
    pages = models.CharField(max_length=100, blank=True, help_text="e.g. 663-672.")
    elocation_id = models.CharField("e-locator", max_length=100, blank=True, help_text="e.g. e4225.")
    doi = models.CharField(
        "DOI", max_length=255, blank=True, help_text="Lower case, without https://doi.org/ (it is normalised on save)."
    )
    pmid = models.PositiveIntegerField("PMID", null=True, blank=True)
    pmid_version = models.PositiveSmallIntegerField(
        "PMID version",
        null=True,
        blank=True,
        help_text="For articles published in versions under one PMID: the version stored here. An import of an "
        "older version does not replace it.",
    )
    pmcid = models.CharField("PMCID", max_length=20, blank=True, help_text="e.g. PMC6510571.")
    language = models.CharField(
        max_length=64, blank=True, help_text="ISO 639-2 codes of the article's languages, e.g. 'eng' or 'eng; fre'."
    )
    coi_statement = models.TextField("conflict-of-interest statement", blank=True)
    keywords = models.ManyToManyField(Keyword, through="ReportKeyword", related_name="reports", blank=True)
    publication_types = models.ManyToManyField(
        PublicationType, through="ReportPublicationType", related_name="reports", blank=True
    )
    mesh_descriptors = models.ManyToManyField(
        MeshDescriptor, through="MeshHeading", related_name="reports", blank=True, verbose_name="MeSH terms"
    )
    substances = models.ManyToManyField(Substance, through="ReportSubstance", related_name="reports", blank=True)
    source_format = models.CharField(max_length=20, choices=SourceFormat.choices, default=SourceFormat.CURATOR)
    source_name = models.CharField(
        max_length=500, blank=True, help_text="The file (or page) this report was imported from."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseReportQuerySet.as_manager()

    changes = History()

    class Meta:
        # Newest first; a date known only to the year sorts after the dated reports of that year.
        ordering = ["-pub_sort", "-id"]
        permissions = [("import_reports", "Can import files of case reports")]
        constraints = [
            models.UniqueConstraint(
                fields=["pmid"],
                name="%(app_label)s_%(class)s_pmid_unique",
                violation_error_message="Another case report already has this PMID.",
            ),
            models.UniqueConstraint(
                fields=["doi"],
                condition=~Q(doi=""),
                name="%(app_label)s_%(class)s_doi_unique",
                violation_error_message="Another case report already has this DOI.",
            ),
            models.UniqueConstraint(
                fields=["pmcid"],
                condition=~Q(pmcid=""),
                name="%(app_label)s_%(class)s_pmcid_unique",
                violation_error_message="Another case report already has this PMCID.",
            ),
            models.CheckConstraint(
                condition=~Q(title=""),
                name="%(app_label)s_%(class)s_title_not_empty",
                violation_error_message="A case report needs a title.",
            ),
            models.CheckConstraint(
                condition=doi_is_normalised("doi"),
                name="%(app_label)s_%(class)s_doi_normalised",
                violation_error_message="A DOI starts with '10.' and is stored in lower case.",
            ),
            models.CheckConstraint(
                condition=pmcid_is_normalised("pmcid"),
                name="%(app_label)s_%(class)s_pmcid_normalised",
                violation_error_message="A PMCID is written PMC followed by digits, e.g. PMC6510571.",
            ),
            models.CheckConstraint(
                condition=Q(pmid__isnull=True) | Q(pmid__gt=0),
                name="%(app_label)s_%(class)s_pmid_positive",
                violation_error_message="A PMID is a positive number.",
            ),
            models.CheckConstraint(
                condition=Q(pub_year__gte=EARLIEST_YEAR, pub_year__lte=LATEST_YEAR),
                name="%(app_label)s_%(class)s_pub_year_sensible",
                violation_error_message=f"The publication year must be between {EARLIEST_YEAR} and {LATEST_YEAR}.",
            ),
            models.CheckConstraint(
                condition=Q(pub_month__isnull=True) | Q(pub_month__gte=1, pub_month__lte=12),
                name="%(app_label)s_%(class)s_pub_month_valid",
                violation_error_message="The publication month must be between 1 and 12.",
            ),
            models.CheckConstraint(
                condition=Q(pub_day__isnull=True) | Q(pub_day__gte=1, pub_day__lte=31, pub_month__isnull=False),
                name="%(app_label)s_%(class)s_pub_day_valid",
                violation_error_message="A publication day must be between 1 and 31, and needs a month.",
            ),
        ]
        indexes = [
            # Default ordering of the public list and the admin ("newest first").
            models.Index(fields=["-pub_sort", "-id"], name="reports_casereport_newest"),
        ]

    def __str__(self):
        title = self.title if len(self.title) <= 80 else self.title[:79] + "…"
        return f"{title} ({self.pub_year})"

    def get_absolute_url(self):
        return reverse("reports:detail", kwargs={"pk": self.pk})

    def clean(self):
        errors = clean_identifiers(self)
        if self.pub_day and self.pub_month:
            try:
                datetime.date(self.pub_year or 2000, self.pub_month, self.pub_day)
            except ValueError:
                errors["pub_day"] = f"{self.pub_year}-{self.pub_month:02}-{self.pub_day:02} is not a date."
        if self.pub_season and self.pub_month:
            errors["pub_season"] = "Give a season or a month, not both."
        if errors:
            raise ValidationError(errors)

    @property
    def publication_date(self) -> str:
        """The date as precisely as it is known: '2019 Mar 11', '2019 Mar', '2019 Spring' or '2019'."""
        parts = [str(self.pub_year)]
        if self.pub_month:
            parts.append(MONTH_ABBREVIATIONS[self.pub_month - 1])
            if self.pub_day:
                parts.append(str(self.pub_day))
        elif self.pub_season:
            parts.append(self.pub_season)
        return " ".join(parts)

    @property
    def pubmed_url(self) -> str:
        return pubmed_url(self.pmid) if self.pmid else ""

    @property
    def pmc_url(self) -> str:
        return pmc_url(self.pmcid) if self.pmcid else ""

    @property
    def doi_url(self) -> str:
        return doi_url(self.doi) if self.doi else ""


class Author(models.Model):
    """One author of a case report, in the order the article lists them."""

    report = models.ForeignKey(CaseReport, on_delete=models.CASCADE, related_name="authors")
    position = models.PositiveSmallIntegerField(help_text="1 for the first author.")
    last_name = models.CharField(max_length=255, blank=True)
    fore_name = models.CharField(max_length=255, blank=True)
    initials = models.CharField(max_length=20, blank=True)
    collective_name = models.CharField(
        max_length=500, blank=True, help_text="For a group author, e.g. 'COVID-19 Study Group'."
    )
    affiliation = models.TextField(blank=True)
    orcid = models.CharField("ORCID", max_length=40, blank=True)

    changes = History()

    class Meta:
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "position"],
                name="%(app_label)s_%(class)s_position_unique",
                violation_error_message="Two authors of this report have the same position.",
            ),
            models.CheckConstraint(
                condition=~Q(last_name="") | ~Q(collective_name=""),
                name="%(app_label)s_%(class)s_has_name",
                violation_error_message="An author needs a last name or a group name.",
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1),
                name="%(app_label)s_%(class)s_position_from_one",
                violation_error_message="Author positions start at 1.",
            ),
        ]

    def __str__(self):
        if self.collective_name:
            return self.collective_name
        return f"{self.last_name} {self.initials}".strip()

    @property
    def full_name(self) -> str:
        return self.collective_name or f"{self.fore_name} {self.last_name}".strip()


class ReportKeyword(models.Model):
    """A keyword as one report lists it (in the article's order)."""

    report = models.ForeignKey(CaseReport, on_delete=models.CASCADE, related_name="report_keywords")
    # A keyword in use cannot be deleted; remove it from the reports first.
    keyword = models.ForeignKey(Keyword, on_delete=models.PROTECT, related_name="report_keywords")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["report", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "keyword"],
                name="%(app_label)s_%(class)s_unique",
                violation_error_message="This report lists this keyword already.",
            ),
        ]

    def __str__(self):
        return str(self.keyword)


class ReportPublicationType(models.Model):
    """A publication type as one report is indexed with it."""

    report = models.ForeignKey(CaseReport, on_delete=models.CASCADE, related_name="report_publication_types")
    publication_type = models.ForeignKey(
        PublicationType, on_delete=models.PROTECT, related_name="report_publication_types"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["report", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "publication_type"],
                name="%(app_label)s_%(class)s_unique",
                violation_error_message="This report has this publication type already.",
            ),
        ]

    def __str__(self):
        return str(self.publication_type)


class ReportSubstance(models.Model):
    """A substance as one report is indexed with it."""

    report = models.ForeignKey(CaseReport, on_delete=models.CASCADE, related_name="report_substances")
    substance = models.ForeignKey(Substance, on_delete=models.PROTECT, related_name="report_substances")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["report", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "substance"],
                name="%(app_label)s_%(class)s_unique",
                violation_error_message="This report lists this substance already.",
            ),
        ]

    def __str__(self):
        return str(self.substance)


class MeshHeading(models.Model):
    """A MeSH heading of one report: the descriptor, whether it is a major topic, and its qualifiers."""

    report = models.ForeignKey(CaseReport, on_delete=models.CASCADE, related_name="mesh_headings")
    descriptor = models.ForeignKey(MeshDescriptor, on_delete=models.PROTECT, related_name="mesh_headings")
    is_major = models.BooleanField("major topic", default=False)
    qualifiers = models.JSONField(
        default=list,
        blank=True,
        help_text='e.g. [{"name": "drug therapy", "ui": "Q000188", "major": true}]',
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["report", "position", "id"]
        verbose_name = "MeSH heading"
        constraints = [
            models.UniqueConstraint(
                fields=["report", "descriptor"],
                name="%(app_label)s_%(class)s_unique",
                violation_error_message="This report has this MeSH heading already.",
            ),
        ]

    def __str__(self):
        star = "*" if self.is_major else ""
        names = [f"{'*' if q.get('major') else ''}{q.get('name', '')}" for q in self.qualifiers or []]
        return "/".join([f"{star}{self.descriptor}", *names])

    def clean(self):
        if not isinstance(self.qualifiers, list) or not all(
            isinstance(q, dict) and isinstance(q.get("name"), str) and q["name"] for q in self.qualifiers
        ):
            raise ValidationError({"qualifiers": 'Give a list of qualifiers, each like {"name": "drug therapy"}.'})


class Citation(models.Model):
    """A reference in a case report's bibliography, linked to the cited report when casebase holds it."""

    report = models.ForeignKey(CaseReport, on_delete=models.CASCADE, related_name="citations")
    position = models.PositiveSmallIntegerField(help_text="1 for the first reference.")
    raw_text = models.TextField("reference as printed", blank=True)
    title = models.TextField(blank=True)
    authors = models.TextField(blank=True, help_text="As printed, e.g. 'Younger J, Mackey S'.")
    journal = models.CharField(max_length=500, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    volume = models.CharField(max_length=50, blank=True)
    issue = models.CharField(max_length=50, blank=True)
    pages = models.CharField(max_length=100, blank=True)
    doi = models.CharField("DOI", max_length=255, blank=True)
    pmid = models.PositiveIntegerField("PMID", null=True, blank=True)
    pmcid = models.CharField("PMCID", max_length=20, blank=True)
    url = models.URLField("URL", max_length=2000, blank=True)
    in_pubmed = models.BooleanField(
        "listed in PubMed", default=False, help_text="The source links this reference to PubMed."
    )
    in_pmc = models.BooleanField("listed in PMC", default=False, help_text="The source links this reference to PMC.")
    cited_report = models.ForeignKey(
        CaseReport,
        # Deleting the cited report keeps the reference; it is simply no longer resolved.
        on_delete=models.SET_NULL,
        related_name="cited_by",
        null=True,
        blank=True,
    )

    changes = History()

    class Meta:
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "position"],
                name="%(app_label)s_%(class)s_position_unique",
                violation_error_message="Two references of this report have the same position.",
            ),
            models.CheckConstraint(
                # PubMed lists some references by their identifiers alone, with no text.
                condition=~Q(raw_text="") | Q(pmid__isnull=False) | ~Q(doi="") | ~Q(pmcid=""),
                name="%(app_label)s_%(class)s_has_text_or_identifier",
                violation_error_message="A reference needs its text as printed, or a PMID, DOI or PMCID.",
            ),
            models.CheckConstraint(
                condition=doi_is_normalised("doi"),
                name="%(app_label)s_%(class)s_doi_normalised",
                violation_error_message="A DOI starts with '10.' and is stored in lower case.",
            ),
            models.CheckConstraint(
                condition=pmcid_is_normalised("pmcid"),
                name="%(app_label)s_%(class)s_pmcid_normalised",
                violation_error_message="A PMCID is written PMC followed by digits, e.g. PMC6510571.",
            ),
            models.CheckConstraint(
                condition=Q(cited_report__isnull=True) | ~Q(cited_report=F("report")),
                name="%(app_label)s_%(class)s_not_self",
                violation_error_message="A report cannot cite itself.",
            ),
        ]
        indexes = [
            # A report arriving later finds the references that cite it by its identifiers.
            models.Index(fields=["pmid"], name="reports_citation_pmid"),
            models.Index(fields=["doi"], name="reports_citation_doi"),
            models.Index(fields=["pmcid"], name="reports_citation_pmcid"),
        ]

    def __str__(self):
        return f"[{self.position}] {self.title or self.raw_text[:80] or self.identifier_text}"

    @property
    def identifier_text(self) -> str:
        """How a reference known only by its identifiers is shown: "PMID 17222320; DOI 10.1/x"."""
        parts = [f"PMID {self.pmid}" if self.pmid else "", f"PMCID {self.pmcid}" if self.pmcid else ""]
        parts.append(f"DOI {self.doi}" if self.doi else "")
        return "; ".join(part for part in parts if part)

    def clean(self):
        errors = clean_identifiers(self)
        if errors:
            raise ValidationError(errors)

    @property
    def web_url(self) -> str:
        """The reference's own link, only when it is a web address: a stored "javascript:" or "data:" URL is data
        from a file, never a link a visitor can click."""
        return self.url if self.url.lower().startswith(("http://", "https://")) else ""

    @property
    def pubmed_url(self) -> str:
        return pubmed_url(self.pmid) if self.pmid else ""

    @property
    def pmc_url(self) -> str:
        return pmc_url(self.pmcid) if self.pmcid else ""

    @property
    def doi_url(self) -> str:
        return doi_url(self.doi) if self.doi else ""
