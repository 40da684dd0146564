"""Searching case reports: the query language, the engine, facets, paging and the index that the database keeps.

query.py    what people type -> a Query, a tree of And/Or/Not/Term/Phrase/Prefix/Field (parsed once per request;
            QuerySyntaxError when it cannot be read, SearchError when there is nothing to look for)
mapping.py  MeSH in a search: the headings a name means and those under them; words that name a heading
fields.py   the tags that name structured data ([mh], [au], [dp], [pmid], [condition] ...) as filters
engine.py   a Query -> the matching reports, their rank and highlighted passages, on PostgreSQL and on SQLite
index.py    the search index and the triggers that keep it; imports nothing of casebase, so that the writers below
            (imports, suggestions) can use it (`import reports.search.index as search_index`): this file imports
            nothing either, so that importing the index never loads the rest
facets.py   the "Narrow by" counts beside the results
paging.py   the matches read once, a count that stops at a limit
listing.py  the list page in one call: page(selection=...) -> Page
"""
