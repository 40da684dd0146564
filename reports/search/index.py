"""The full-text search index, kept by the database itself so that every write is searchable at once: admin
edits, imports, `loaddata` and plain SQL alike.

One document per case report, in four weights on PostgreSQL: A title, B clinical terms (conditions, interventions
and their synonyms), C index terms (keywords, MeSH, substances), findings, authors and journal, D abstract; so that
a search in the title or the abstract alone ([ti], [ab]) is a weight, as it is a column on SQLite.

PostgreSQL: table reports_searchindex (report_id, document tsvector) with a GIN index, in a text search
configuration "casebase" (English stemming, accents removed by unaccent). Statement-level triggers with
transition tables refresh the documents of the reports a statement touched, once per statement.
SQLite: FTS5 table reports_search (rowid = report id; columns title, clinical, terms, people, abstract),
tokenizer porter + unicode61 without diacritics. Row-level triggers refresh the touched report's row.

install() is idempotent and runs after every `migrate` (reports/apps.py): SQLite drops a table's triggers when a
migration rebuilds the table, and install() puts them back; a database whose documents were written by an older
definition (DOCUMENT_VERSION) has them rewritten. reports/search/engine.py is the only code that reads
these tables. This module imports nothing of casebase, so that the models' writers (imports, suggestions) can use it
from below the rest of reports/search/.
"""

import contextlib

# Where each table's rows lead to the reports whose documents they are part of. "{rows}" is the set of changed
# rows: a transition table on PostgreSQL, NEW or OLD on SQLite.
SOURCES = {
    "reports_casereport": ("SELECT x.id FROM {rows} x", "{row}.id"),
    "reports_author": ("SELECT x.report_id FROM {rows} x", "{row}.report_id"),
    "reports_reportkeyword": ("SELECT x.report_id FROM {rows} x", "{row}.report_id"),
    "reports_meshheading": ("SELECT x.report_id FROM {rows} x", "{row}.report_id"),
    "reports_reportsubstance": ("SELECT x.report_id FROM {rows} x", "{row}.report_id"),
    "reports_patient": ("SELECT x.report_id FROM {rows} x", "{row}.report_id"),
    "reports_diagnosis": (
        "SELECT p.report_id FROM {rows} x JOIN reports_patient p ON p.id = x.patient_id",
        "(SELECT report_id FROM reports_patient WHERE id = {row}.patient_id)",
    ),
    "reports_treatment": (
        "SELECT p.report_id FROM {rows} x JOIN reports_patient p ON p.id = x.patient_id",
        "(SELECT report_id FROM reports_patient WHERE id = {row}.patient_id)",
    ),
    "reports_finding": (
        "SELECT p.report_id FROM {rows} x JOIN reports_patient p ON p.id = x.patient_id",
        "(SELECT report_id FROM reports_patient WHERE id = {row}.patient_id)",
    ),
}
# Renaming a term or a journal changes the documents of every report that uses it (UPDATE only: a term in use
# cannot be deleted, and a new term is in no document yet).
RENAMES = {
    "reports_keyword": "SELECT l.report_id FROM {rows} x JOIN reports_reportkeyword l ON l.keyword_id = x.id",
    "reports_meshdescriptor": "SELECT l.report_id FROM {rows} x JOIN reports_meshheading l ON l.descriptor_id = x.id",
    "reports_substance": "SELECT l.report_id FROM {rows} x JOIN reports_reportsubstance l ON l.substance_id = x.id",
    "reports_journal": "SELECT r.id FROM {rows} x JOIN reports_casereport r ON r.journal_id = x.id",
    "reports_condition": (
        "SELECT p.report_id FROM {rows} x JOIN reports_diagnosis d ON d.condition_id = x.id "
        "JOIN reports_patient p ON p.id = d.patient_id"
    ),
    "reports_intervention": (
        "SELECT p.report_id FROM {rows} x JOIN reports_treatment t ON t.intervention_id = x.id "
        "JOIN reports_patient p ON p.id = t.patient_id"
    ),
}

# The text of each weight, for the report aliased r; {agg} is string_agg (PostgreSQL) or group_concat (SQLite).
# Each part is a scan of one table by its report (or patient) index, with the term's name looked up by primary
# key per row: a shape no planner can turn into a scan of a whole vocabulary, whatever its statistics say (inside a
# long import they describe the tables as they were before it).
CLINICAL = (
    "coalesce((SELECT {agg}(("
    "SELECT {agg}((SELECT c.name || ' ' || c.synonyms FROM reports_condition c WHERE c.id = d.condition_id), ' ') "
    "FROM reports_diagnosis d WHERE d.patient_id = p.id), ' ') "
    "FROM reports_patient p WHERE p.report_id = r.id), '') || ' ' || "
    "coalesce((SELECT {agg}(("
    "SELECT {agg}((SELECT i.name || ' ' || i.synonyms FROM reports_intervention i "
    "WHERE i.id = t.intervention_id), ' ') "
    "FROM reports_treatment t WHERE t.patient_id = p.id), ' ') "
    "FROM reports_patient p WHERE p.report_id = r.id), '')"
)
TERMS = (
    "coalesce((SELECT {agg}((SELECT k.name FROM reports_keyword k WHERE k.id = l.keyword_id), ' ') "
    "FROM reports_reportkeyword l WHERE l.report_id = r.id), '') || ' ' || "
    "coalesce((SELECT {agg}((SELECT m.name FROM reports_meshdescriptor m WHERE m.id = l.descriptor_id), ' ') "
    "FROM reports_meshheading l WHERE l.report_id = r.id), '') || ' ' || "
    "coalesce((SELECT {agg}((SELECT s.name FROM reports_substance s WHERE s.id = l.substance_id), ' ') "
    "FROM reports_reportsubstance l WHERE l.report_id = r.id), '') || ' ' || "
    "coalesce((SELECT {agg}((SELECT {agg}(f.name || ' ' || f.value, ' ') FROM reports_finding f "
    "WHERE f.patient_id = p.id), ' ') FROM reports_patient p WHERE p.report_id = r.id), '')"
)
PEOPLE = (
    "coalesce((SELECT {agg}(a.fore_name || ' ' || a.last_name || ' ' || a.collective_name, ' ') "
    "FROM reports_author a WHERE a.report_id = r.id), '') || ' ' || "
    "coalesce((SELECT j.title || ' ' || j.iso_abbreviation FROM reports_journal j WHERE j.id = r.journal_id), '')"
)


def _postgresql_install() -> list[str]:
    agg = "string_agg"
    statements = [
        "CREATE EXTENSION IF NOT EXISTS unaccent",
        """
        DO $$ BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'casebase') THEN
            CREATE TEXT SEARCH CONFIGURATION casebase (COPY = pg_catalog.english);
            ALTER TEXT SEARCH CONFIGURATION casebase
              ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
          END IF;
        END $$
        """,
        # No foreign key: the triggers keep it, and Django's test flush (TRUNCATE) must not trip over it.
        "CREATE TABLE IF NOT EXISTS reports_searchindex (report_id bigint PRIMARY KEY, document tsvector NOT NULL)",
        "CREATE INDEX IF NOT EXISTS reports_searchindex_document ON reports_searchindex USING gin (document)",
        f"""
        -- Index lookups always: inside a long import transaction the planner's statistics still describe the
        -- tables as they were before it, and a plan made for empty tables turns quadratic as they fill.
        CREATE OR REPLACE FUNCTION casebase_search_refresh(ids bigint[]) RETURNS void LANGUAGE sql
        SET enable_seqscan = off AS $$
          DELETE FROM reports_searchindex s WHERE s.report_id = ANY(ids)
            AND NOT EXISTS (SELECT 1 FROM reports_casereport r WHERE r.id = s.report_id);
          INSERT INTO reports_searchindex (report_id, document)
          SELECT r.id,
                 setweight(to_tsvector('casebase', r.title || ' ' || r.vernacular_title), 'A')
              || setweight(to_tsvector('casebase', {CLINICAL.format(agg=agg)}), 'B')
              || setweight(to_tsvector('casebase', {TERMS.format(agg=agg)} || ' ' || {PEOPLE.format(agg=agg)}), 'C')
              || setweight(to_tsvector('casebase', r.abstract), 'D')
          FROM reports_casereport r WHERE r.id = ANY(ids)
          ON CONFLICT (report_id) DO UPDATE SET document = EXCLUDED.document;
        $$
        """,
        """
        CREATE OR REPLACE FUNCTION casebase_search_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          TRUNCATE reports_searchindex;
          RETURN NULL;
        END $$
        """,
        "CREATE OR REPLACE TRIGGER casebase_search_truncate AFTER TRUNCATE ON reports_casereport "
        "FOR EACH STATEMENT EXECUTE FUNCTION casebase_search_truncate()",
    ]
    events = {**{table: (sql, ("INSERT", "UPDATE", "DELETE")) for table, (sql, _) in SOURCES.items()}}
    events.update({table: (sql, ("UPDATE",)) for table, sql in RENAMES.items()})
    for table, (select, kinds) in events.items():
        for kind in kinds:
            name = f"casebase_search_{table.removeprefix('reports_')}_{kind.lower()}"
            if kind == "INSERT":
                referencing, ids = "NEW TABLE AS new_rows", select.format(rows="new_rows")
            elif kind == "DELETE":
                referencing, ids = "OLD TABLE AS old_rows", select.format(rows="old_rows")
            else:
                referencing = "OLD TABLE AS old_rows NEW TABLE AS new_rows"
                ids = f"{select.format(rows='new_rows')} UNION {select.format(rows='old_rows')}"
            # A bulk writer that refreshes the documents itself turns the row triggers off for its transaction
            # (see deferred()); renames always refresh.
            skip = (
                ""
                if table in RENAMES
                else f"IF current_setting('{DEFERRED_SETTING}', true) = 'on' THEN RETURN NULL; END IF;"
            )
            statements += [
                f"""
                CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql SET enable_seqscan = off AS $$
                BEGIN
                  {skip}
                  PERFORM casebase_search_refresh(ARRAY({ids}));
                  RETURN NULL;
                END $$
                """,
                f"CREATE OR REPLACE TRIGGER {name} AFTER {kind} ON {table} REFERENCING {referencing} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
            ]
    return statements


def _postgresql_uninstall() -> list[str]:
    statements = ["DROP TRIGGER IF EXISTS casebase_search_truncate ON reports_casereport"]
    for table, kinds in [
        *((table, ("insert", "update", "delete")) for table in SOURCES),
        *((table, ("update",)) for table in RENAMES),
    ]:
        for kind in kinds:
            name = f"casebase_search_{table.removeprefix('reports_')}_{kind}"
            statements += [f"DROP TRIGGER IF EXISTS {name} ON {table}", f"DROP FUNCTION IF EXISTS {name}()"]
    statements += [
        "DROP FUNCTION IF EXISTS casebase_search_truncate()",
        "DROP FUNCTION IF EXISTS casebase_search_refresh(bigint[])",
        "DROP TABLE IF EXISTS reports_searchindex",
        "DROP TEXT SEARCH CONFIGURATION IF EXISTS casebase",
    ]
    return statements


def _sqlite_documents(ids: str) -> str:
    """The statement that writes the FTS5 rows of the reports `ids` names (a subquery, or placeholders): the
    triggers, refresh() and rebuild() all write a document with it."""
    agg = "group_concat"
    return (
        "INSERT INTO reports_search (rowid, title, clinical, terms, people, abstract) "
        f"SELECT r.id, r.title || ' ' || r.vernacular_title, {CLINICAL.format(agg=agg)}, {TERMS.format(agg=agg)}, "
        f"{PEOPLE.format(agg=agg)}, r.abstract FROM reports_casereport r WHERE r.id IN ({ids})"
    )


def _sqlite_install() -> list[str]:
    statements = [
        "CREATE VIRTUAL TABLE IF NOT EXISTS reports_search USING fts5("
        "title, clinical, terms, people, abstract, tokenize = 'porter unicode61 remove_diacritics 2')",
        # One row: 1 while a bulk writer refreshes the documents itself (see deferred()).
        "CREATE TABLE IF NOT EXISTS reports_search_control (deferred integer NOT NULL)",
        "INSERT INTO reports_search_control (deferred) "
        "SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM reports_search_control)",
    ]
    row_sources = {table: row for table, (_, row) in SOURCES.items()}
    triggers = [(table, kind, row) for table, row in row_sources.items() for kind in ("INSERT", "UPDATE", "DELETE")]
    for table, select in RENAMES.items():
        # A rename reaches the reports through the link tables; NEW.id is the renamed term.
        triggers.append((table, "UPDATE", select))
    for table, kind, source in triggers:
        name = f"casebase_search_{table.removeprefix('reports_')}_{kind.lower()}"
        if table in RENAMES:
            ids = source.format(rows="(SELECT NEW.id AS id)")
        elif kind == "INSERT":
            ids = f"SELECT {source.format(row='NEW')}"
        elif kind == "DELETE":
            ids = f"SELECT {source.format(row='OLD')}"
        else:
            ids = f"SELECT {source.format(row='NEW')} UNION SELECT {source.format(row='OLD')}"
        when = "" if table in RENAMES else "WHEN (SELECT deferred FROM reports_search_control) = 0 "
        statements.append(f"DROP TRIGGER IF EXISTS {name}")  # so that a changed definition takes effect
        statements.append(
            f"CREATE TRIGGER {name} AFTER {kind} ON {table} {when}BEGIN "
            f"DELETE FROM reports_search WHERE rowid IN ({ids}); {_sqlite_documents(ids)}; END"
        )
    return statements


def _sqlite_drop_triggers() -> list[str]:
    names = [
        f"casebase_search_{table.removeprefix('reports_')}_{kind}"
        for table in SOURCES
        for kind in ("insert", "update", "delete")
    ] + [f"casebase_search_{table.removeprefix('reports_')}_update" for table in RENAMES]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in names]


def _sqlite_uninstall() -> list[str]:
    return [
        *_sqlite_drop_triggers(),
        "DROP TABLE IF EXISTS reports_search",
        "DROP TABLE IF EXISTS reports_search_control",
    ]


DEFERRED_SETTING = "casebase.search_deferred"


@contextlib.contextmanager
def deferred(connection):
    """Inside, writes to a report and its parts leave its document alone; the writer calls refresh() for the
    reports it wrote before leaving. For bulk imports: a document is then written once per report instead of once
    per inserted row. Must be used inside a transaction, so that nobody else ever sees the switch, and an error
    that leaves the block must leave the transaction too (`with transaction.atomic(), deferred(connection):`)."""
    if not connection.in_atomic_block:
        raise RuntimeError("reports.search.index.deferred() needs a transaction")
    vendor = _vendor(connection)
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SELECT set_config(%s, 'on', true)", [DEFERRED_SETTING])
        else:
            cursor.execute("UPDATE reports_search_control SET deferred = 1")
    yield
    # Not in a `finally`: after an error the transaction is rolled back, which undoes the switch, and a query here
    # would fail on the broken transaction and hide the error behind its own.
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SELECT set_config(%s, 'off', true)", [DEFERRED_SETTING])
        else:
            cursor.execute("UPDATE reports_search_control SET deferred = 0")


def refresh(connection, report_ids) -> None:
    """Write the documents of these reports again (and drop those of reports that are gone)."""
    ids = sorted({int(pk) for pk in report_ids})
    if not ids:
        return
    with connection.cursor() as cursor:
        if _vendor(connection) == "postgresql":
            cursor.execute("SELECT casebase_search_refresh(%s::bigint[])", [ids])
            return
        for start in range(0, len(ids), 500):  # SQLite's limit on bound parameters
            chunk = ids[start : start + 500]
            placeholders = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM reports_search WHERE rowid IN ({placeholders})", chunk)
            cursor.execute(_sqlite_documents(placeholders), chunk)


def _rebuild_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            "TRUNCATE reports_searchindex",
            "SELECT casebase_search_refresh(ARRAY(SELECT id FROM reports_casereport))",
        ]
    return ["DELETE FROM reports_search", _sqlite_documents("SELECT id FROM reports_casereport")]


def _vendor(connection) -> str:
    if connection.vendor not in ("postgresql", "sqlite"):
        raise RuntimeError(f"casebase's search index is written for PostgreSQL and SQLite, not {connection.vendor}")
    return connection.vendor


def _execute(connection, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def index_size(connection) -> tuple[int, int]:
    """(documents in the index, case reports): equal when the index is whole."""
    table = "reports_searchindex" if _vendor(connection) == "postgresql" else "reports_search"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT (SELECT count(*) FROM {table}), (SELECT count(*) FROM reports_casereport)")
        return cursor.fetchone()


# Raised whenever the documents' definition changes, so that install() (after `migrate`) rewrites them all.
# PostgreSQL keeps it as the comment on its index table; SQLite's documents have not changed since version 1.
DOCUMENT_VERSION = 2


def _stored_version(connection) -> int:
    if _vendor(connection) != "postgresql":
        return DOCUMENT_VERSION
    with connection.cursor() as cursor:
        cursor.execute("SELECT obj_description('reports_searchindex'::regclass, 'pg_class')")
        comment = cursor.fetchone()[0] or ""
    return int(comment.removeprefix("casebase search document ")) if comment.startswith("casebase search") else 1


def install(connection) -> None:
    """Create (or re-create) the index, its triggers and functions; rebuild the documents when any are missing or
    were written by an older definition."""
    vendor = _vendor(connection)
    _execute(connection, _postgresql_install() if vendor == "postgresql" else _sqlite_install())
    documents, reports = index_size(connection)
    if documents != reports or _stored_version(connection) != DOCUMENT_VERSION:
        rebuild(connection)
    if vendor == "postgresql":
        _execute(connection, [f"COMMENT ON TABLE reports_searchindex IS 'casebase search document {DOCUMENT_VERSION}'"])


def rebuild(connection) -> None:
    """Every document written again from the reports (after the document's definition changes)."""
    _execute(connection, _rebuild_statements(_vendor(connection)))


def uninstall(connection) -> None:
    vendor = _vendor(connection)
    _execute(connection, _postgresql_uninstall() if vendor == "postgresql" else _sqlite_uninstall())


def before_table_changes(connection) -> None:
    """For a migration that alters a table the documents are read from: SQLite alters a table by copying it to a
    new one and renaming that, which the triggers of the other tables refuse (they name the old table). The
    triggers go first; install() after the migration's operations puts them back and rebuilds what is missing.
    PostgreSQL alters tables in place and keeps its triggers."""
    if _vendor(connection) == "sqlite":
        _execute(connection, _sqlite_drop_triggers())


def installed_triggers(connection) -> set[str]:
    """The names of the search triggers the database has; install() creates EXPECTED_TRIGGERS."""
    with connection.cursor() as cursor:
        if _vendor(connection) == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'casebase_search_%%'")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'casebase_search_%'")
        return {row[0] for row in cursor.fetchall()}


EXPECTED_TRIGGERS = {
    f"casebase_search_{table.removeprefix('reports_')}_{kind}"
    for table in SOURCES
    for kind in ("insert", "update", "delete")
} | {f"casebase_search_{table.removeprefix('reports_')}_update" for table in RENAMES}
