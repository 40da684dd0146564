"""The query language: what people type, as they would into a web search engine.

Words (all must match), "an exact phrase", -excluded words, and `or` between alternatives. parse() turns the text
into a Query once per request; the engine compiles that Query for the database, and the list ranks and highlights
with the same object. Text with no word left to look for (only common words, punctuation or control characters)
is refused with a SearchError that says so.
"""

import re
from dataclasses import dataclass, field

MAX_QUERY_LENGTH = 500
MAX_TERMS = 32
_WORD = re.compile(r"\w+")
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

# PostgreSQL's English stop words (tsearch_data/english.stop): dropped from plain words on both databases, since
# PostgreSQL's index has none of them.
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below between both
    but by can did do does doing don down during each few for from further had has have having he her here hers
    herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on
    once only or other our ours ourselves out over own s same she should so some such t than that the their theirs
    them themselves then there these they this those through to too under until up very was we were what when
    where which while who whom why will with you your yours yourself yourselves""".split()  # noqa: SIM905 (a word list reads better as text)
)


class SearchError(ValueError):
    """The text holds nothing to search for; the message says why, for the person who typed it."""


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # several words are a phrase
    negated: bool = False


@dataclass
class Query:
    """Groups that must all match; a group matches when any of its terms does. Negated terms must not match."""

    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)


def parse(text: str) -> Query:
    """The structure of what someone typed; raises SearchError when it has no word to look for."""
    text = _CONTROL.sub(" ", text or "")[:MAX_QUERY_LENGTH]
    query = Query()
    join_next = False
    count = 0
    for match in _TOKEN.finditer(text):
        negated_phrase, phrase, plain = match.groups()
        if plain is not None and plain.lower() == "or":
            join_next = bool(query.groups)
            continue
        if phrase is not None:
            words = tuple(w.lower() for w in _WORD.findall(phrase))
            negated = bool(negated_phrase)
        else:
            negated = plain.startswith("-") and len(plain) > 1
            words = tuple(w.lower() for w in _WORD.findall(plain[1:] if negated else plain))
            if len(words) == 1 and words[0] in STOP_WORDS:
                words = ()
        if not words or count >= MAX_TERMS:
            continue
        count += 1
        term = Term(words=words, negated=negated)
        if negated:
            query.excluded.append(term)
        elif join_next:
            query.groups[-1].append(term)
        else:
            query.groups.append([term])
        join_next = False
    if not query.groups and not query.excluded:
        raise SearchError(
            'There is nothing to search for in that: type a word, "a phrase in quotes", or -word to leave '
            "reports out (common words like 'the' and 'of' are not searched)."
        )
    return query
