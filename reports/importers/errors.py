class RecordError(ValueError):
    """A file or one of its records cannot be read; the message says where, in a curator's words."""

    def __init__(
        self, message: str, *, source: str = "", record: int | None = None, pmid: int | None = None, field: str = ""
    ):
        self.message = message
        self.source = source
        self.record = record
        self.pmid = pmid
        self.field = field
        super().__init__(str(self))

    def __reduce__(self):
        # Pickled whole (a file read in another process, reports.importers.readahead), not as its message only.
        return (_rebuild, (self.message, self.source, self.record, self.pmid, self.field))

    def __str__(self):
        where = []
        if self.source:
            where.append(self.source)
        if self.record is not None:
            where.append(f"record {self.record}" + (f" (PMID {self.pmid})" if self.pmid else ""))
        if self.field:
            where.append(f"field '{self.field}'")
        return f"{', '.join(where)}: {self.message}" if where else self.message


def _rebuild(message, source, record, pmid, field) -> RecordError:
    return RecordError(message, source=source, record=record, pmid=pmid, field=field)
