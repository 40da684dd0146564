"""What an import did, in a curator's words: counts, refused records, and values replaced or not taken."""

from dataclasses import asdict, dataclass, field, fields


@dataclass
class Problem:
    """A record that was refused, or a value that was changed or not taken; in a curator's words."""

    number: int | None
    pmid: int | None
    field: str
    message: str

    def __str__(self):
        where = f"record {self.number}" if self.number else "file"
        if self.pmid:
            where += f" (PMID {self.pmid})"
        if self.field:
            where += f", {self.field}"
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    source: str
    format: str
    dry_run: bool = False
    skip_refused: bool = False
    written: bool = False  # whether the file's records are in the database now
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list[Problem] = field(default_factory=list)
    conflicts: list[Problem] = field(default_factory=list)
    citations_linked: int = 0
    suggested: int = 0  # reports given suggested patients read from their abstract
    import_run: int | None = None  # the ImportRun that records a written import
    records: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.refused

    def as_json(self) -> dict:
        """The result as JSON values, as a job keeps it for its page (from_json reads it back)."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "ImportResult":
        known = {f.name for f in fields(cls)}
        values = {name: value for name, value in data.items() if name in known}
        for name in ("refused", "conflicts"):
            values[name] = [Problem(**problem) for problem in values.get(name, [])]
        return cls(**values)

    def summary(self) -> str:
        counts = f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}"
        if self.refused and not (self.skip_refused and (self.written or self.dry_run)):
            if self.refused[0].field == "database":
                return f"{self.source}: not imported: {self.refused[0].message}"
            if not self.records:
                return f"{self.source}: refused, nothing written (the file could not be read to its end)"
            return (
                f"{self.source}: refused, nothing written ({len(self.refused)} of {self.records} records could not "
                f"be imported; without them it would have {counts})"
            )
        verb = "would be" if self.dry_run else "imported"
        return (
            f"{self.source}: {verb}: {counts}; {self.citations_linked} citations linked to reports in casebase"
            + (f"; {self.suggested} reports given suggested patients" if self.suggested else "")
            + (f"; {len(self.conflicts)} values replaced or not taken" if self.conflicts else "")
            + (f"; {len(self.refused)} records refused and left out" if self.refused else "")
            + (" (dry run: nothing written)" if self.dry_run else "")
        )
