"""The curators' editing tool: every part of a case report reachable from the report's own page.

One module per section; importing them here registers every ModelAdmin when Django's admin autodiscovers this
package.
- common.py: what every section shares (numbered new rows, stale saves refused, suggestions confirmed by an edit).
- audit.py: history pages and Revert, and the deleted records.
- bibliography.py: case reports, references, authors.
- clinical.py: patients, diagnoses, findings, treatments, outcomes.
- vocabulary.py: conditions, interventions, journals and the index terms.
- imports.py: the upload page (check a file, then confirm it; reports.importers.uploads) and the record of imports.
"""

from reports.admin import bibliography, clinical, imports, vocabulary  # noqa: F401 (each registers its admins)
