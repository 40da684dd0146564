"""Searching case reports: the query language, the engine, facets, paging and the index that the database keeps.

query.py    what people type -> a Query (parsed once per request; SearchError when there is nothing to look for)
engine.py   a Query -> the matching reports, their rank and highlighted passages, on PostgreSQL and on SQLite
index.py    the search index and the triggers that keep it; imports nothing of casebase, so that the writers below
            (imports, suggestions) can use it (`import reports.search.index as search_index`): this file imports
            nothing either, so that importing the index never loads the rest
facets.py   the "Narrow by" counts beside the results
paging.py   the matches read once, a count that stops at a limit
listing.py  the list page in one call: page(selection=...) -> Page
"""
