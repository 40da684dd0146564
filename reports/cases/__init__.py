"""The clinical case's one home: a report's patients and everything under them, as records and as rows.

- records.py: plain records every reader produces and every writer consumes (no database).
- fields.py: one field table per clinical model; it turns rows into records and records into rows, and writes and
  reads the case in casebase JSON and CSV. A field added to a clinical model is added to its table once.
- store.py: writing cases, the curated rules, replacing suggestions and accepting them.
- vocabulary.py: the terms and journals an import names, found or created once each.

Layers: models < cases < suggestions < importers, exporters, admin, views. Nothing here imports those above.
"""
