"""The query language: what people type, as they would into PubMed or a web search engine.

Words (all must match), "an exact phrase", truncation (naltrex*), AND, OR, NOT and parentheses (or between
alternatives and -word to leave out, as before), and PubMed's field tags: schwannoma[ti], Smith J[au],
Sjogren Syndrome[mh], 2019:2021[dp], casebase's own lupus[condition]. A bare PMID, DOI or PMCID is an identifier.

parse() turns the text into a Query once per request: a tree of the nodes below, which says what was asked and
nothing of how a database finds it (reports/search/engine.py translates it). Text it cannot read (an unknown tag,
an unbalanced parenthesis, an operator with nothing after it) raises QuerySyntaxError; text with no word left to
look for (only common words, punctuation or control characters) raises SearchError. Both say why, in words for the
person who typed it, and the page shows SYNTAX_HELP beside them.

Precedence: OR joins the terms on either side first, then AND (or a space) and NOT apply, left to right:
`fatigue LDN OR naltrexone` is fatigue AND (LDN OR naltrexone). A tag applies to the words before it back to the
previous operator, parenthesis or phrase, as in PubMed: `Smith J[au]`, `Sjogren Syndrome[mh]`.
"""

import re
import unicodedata
from dataclasses import dataclass

from reports.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from reports.models import Outcome

MAX_QUERY_LENGTH = 500
MAX_TERMS = 32
MAX_DEPTH = 8  # parentheses inside parentheses
MIN_PREFIX = 3  # letters before a truncation *: "na*" would match half the dictionary

_WORD = re.compile(r"\w+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<open>\()
      | (?P<close>\))
      | (?P<tag>\[[^\]]*\]?)
      | (?P<phrase>"[^"]*"?)
      | (?P<word>[^\s()\[\]"]+)""",
    re.VERBOSE,
)

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

# The tags people type (PubMed's short and long forms, casebase's own), as the one name each has in a Field.
TAGS = {
    "ti": "ti",
    "title": "ti",
    "ab": "ab",
    "abstract": "ab",
    "tiab": "tiab",
    "title/abstract": "tiab",
    "au": "au",
    "author": "au",
    "1au": "1au",
    "first author": "1au",
    "author - first": "1au",
    "ta": "ta",
    "journal": "ta",
    "mh": "mh",
    "mesh": "mh",
    "mesh terms": "mh",
    "mh:noexp": "mh:noexp",
    "mesh:noexp": "mh:noexp",
    "mesh terms:noexp": "mh:noexp",
    "majr": "majr",
    "mesh major topic": "majr",
    "pt": "pt",
    "publication type": "pt",
    "dp": "dp",
    "date": "dp",
    "publication date": "dp",
    "la": "la",
    "language": "la",
    "pmid": "pmid",
    "uid": "pmid",
    "doi": "doi",
    "pmc": "pmcid",
    "pmcid": "pmcid",
    "condition": "condition",
    "intervention": "intervention",
    "outcome": "outcome",
    "finding": "finding",
    # What PubMed's "search details" writes after plain words: a pasted query reads as typed.
    "all fields": "",
    "all": "",
}
# The tags that search words of the text; the others name structured data (a heading, a name, a date, an id).
TEXT_TAGS = frozenset({"ti", "ab", "tiab"})

SYNTAX_HELP = (
    ("naltrexone fatigue", "both words, anywhere in the report"),
    ('"low dose naltrexone"', "the words together, in this order"),
    ("fitbit NOT chatbot  or  fitbit -chatbot", "leave reports that mention chatbot out"),
    ("LDN OR naltrexone", "either word"),
    ("(LDN OR naltrexone) AND fatigue", "parentheses group"),
    ("naltrex*", "words that begin so (at least 3 letters before the *)"),
    ("schwannoma[ti]", "in the title; [ab] the abstract, [tiab] either"),
    ("Sjogren Syndrome[mh]", "indexed with this MeSH heading or a narrower one; [mh:noexp] this heading only"),
    ("Smith J[au]  Cureus[ta]  Case Reports[pt]  2019:2021[dp]  english[la]", "author, journal, type, date, language"),
    ("lupus[condition]  LDN[intervention]  improved[outcome]", "what casebase records about the patients"),
    ("25364329  10.7759/cureus.4225  PMC6510571", "a PMID, DOI or PMCID opens its report"),
)


class SearchError(ValueError):
    """The text holds nothing to search for; the message says why, for the person who typed it."""


class QuerySyntaxError(SearchError):
    """The text cannot be read as a query (an unknown tag, an unbalanced parenthesis, an operator with nothing
    after it); the message says where, for the person who typed it."""


# The tree of a query -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A word, lower case, accents folded as the index folds them."""

    word: str


@dataclass(frozen=True)
class Phrase:
    """Words together, in this order."""

    words: tuple[str, ...]


@dataclass(frozen=True)
class Prefix:
    """Words that begin with `stem` (naltrex*)."""

    stem: str


@dataclass(frozen=True)
class Field:
    """What a tag says: `tag` one of the values of TAGS; `text` what was typed before it (normalised: an identifier
    in its stored form, a date as YYYY[/MM[/DD]][:YYYY[/MM[/DD]]]); `part` its words, for the TEXT_TAGS."""

    tag: str
    text: str
    part: "Node | None" = None


@dataclass(frozen=True)
class And:
    parts: tuple["Node", ...]


@dataclass(frozen=True)
class Or:
    parts: tuple["Node", ...]


@dataclass(frozen=True)
class Not:
    part: "Node"


Node = Term | Phrase | Prefix | Field | And | Or | Not


@dataclass(frozen=True)
class Identifier:
    """A bare PMID, DOI or PMCID: the whole query was one. `kind` is "pmid", "doi" or "pmcid"; `value` its
    stored form."""

    kind: str
    value: str


@dataclass(frozen=True)
class Query:
    root: Node
    identifier: Identifier | None = None


# Reading ------------------------------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case without accents, as both indexes fold words (FTS5 remove_diacritics, PostgreSQL unaccent): a
    combining accent left over after NFKC (pasted from a PDF) goes with the rest."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c))).lower()


def normalise(text: str) -> str:
    """NFKC (ligatures, full-width letters, composed accents), control characters as spaces."""
    return _CONTROL.sub(" ", unicodedata.normalize("NFKC", text or ""))


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def parse(text: str) -> Query:
    """The tree of what someone typed; raises QuerySyntaxError when it cannot be read, SearchError when there is
    nothing in it to look for."""
    text = normalise(text).strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise QuerySyntaxError(f"A search can be at most {MAX_QUERY_LENGTH} characters long; this one has {len(text)}.")
    identifier = _identifier(text)
    if identifier is not None:
        root = Field(tag=identifier.kind, text=identifier.value)
        if identifier.kind == "pmid":  # a number alone may be a year or a count too: the reports that mention it
            root = Or((root, Term(identifier.value)))
        return Query(root=root, identifier=identifier)
    root = _Parser(_tokens(text)).query()
    if root is None:
        raise SearchError(
            'There is nothing to search for in that: type a word, "a phrase in quotes", or -word to leave '
            "reports out (common words like 'the' and 'of' are not searched)."
        )
    return Query(root=root)


def _identifier(text: str) -> Identifier | None:
    if re.fullmatch(r"[0-9]{1,9}", text) and (pmid := normalize_pmid(text)):
        return Identifier("pmid", str(pmid))
    if re.fullmatch(r"(?i)PMC[0-9]{1,9}(\.[0-9]+)?", text):
        return Identifier("pmcid", normalize_pmcid(text))
    if " " not in text and (doi := normalize_doi(text)) and re.fullmatch(r'10\.[0-9]{4,9}/[^\s\[\]()"]+', doi):
        return Identifier("doi", doi)
    return None


@dataclass(frozen=True)
class _Token:
    kind: str  # open, close, tag, phrase, word
    text: str
    glued: bool  # no space before it


def _tokens(text: str) -> list[_Token]:
    tokens, glued = [], False
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "space":
            glued = False
            continue
        tokens.append(_Token(kind, match.group(), glued))
        glued = True
    return tokens


_OPERATORS = {"AND": "AND", "OR": "OR", "or": "OR", "NOT": "NOT"}


class _Parser:
    """Recursive descent over the tokens:

        query   := seq EOF
        seq     := clause ( [AND | NOT] clause )*        (a space is AND)
        clause  := unary ( OR unary )*
        unary   := [-] primary
        primary := "(" seq ")" | phrase [tag] | word+ [tag]

    A primary that holds no word to search for (common words, punctuation) is None and drops out.
    """

    def __init__(self, tokens: list[_Token]):
        self.tokens = tokens
        self.at = 0
        self.depth = 0
        self.terms = 0

    def peek(self, offset: int = 0) -> _Token | None:
        index = self.at + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def operator(self, token: _Token | None) -> str | None:
        return _OPERATORS.get(token.text) if token is not None and token.kind == "word" else None

    def query(self) -> "Node | None":
        node = self.seq()
        token = self.peek()
        if token is not None:  # only a closing parenthesis stops seq() early
            raise QuerySyntaxError(
                "A closing parenthesis ) has no opening one before it; remove it or add the ( it closes."
            )
        return node

    def seq(self) -> "Node | None":
        parts: list[Node] = []
        start = self.at
        while (token := self.peek()) is not None and token.kind != "close":
            op = self.operator(token)
            if token.text == "or":  # lower case: a common word, unless it joins two words
                self.at += 1
                continue
            if op == "OR":
                raise QuerySyntaxError(f"{token.text} needs a word before it, as in: LDN {token.text} naltrexone.")
            negate = False
            if op in ("AND", "NOT"):
                if op == "AND" and self.at == start:
                    raise QuerySyntaxError("AND needs a word before it, as in: naltrexone AND fatigue.")
                self.at += 1
                self.expect_operand(token.text)
                negate = op == "NOT"
            node = self.clause()
            if node is not None:
                parts.append(Not(node) if negate else node)
        return _joined(And, parts)

    def clause(self) -> "Node | None":
        alternatives = [self.unary()]
        while (token := self.peek()) is not None and self.operator(token) == "OR":
            following = self.peek(1)
            if token.text == "or" and (following is None or following.kind == "close" or self.operator(following)):
                break  # seq() drops it
            self.at += 1
            self.expect_operand(token.text)
            alternatives.append(self.unary())
        return _joined(Or, [node for node in alternatives if node is not None])

    def expect_operand(self, operator: str) -> None:
        token = self.peek()
        if token is None or token.kind == "close" or self.operator(token) is not None:
            raise QuerySyntaxError(
                f"{operator} needs something after it, as in: fitbit {operator} chatbot "
                f'(or put the word in quotes to search for it: "{operator.lower()}").'
            )

    def unary(self) -> "Node | None":
        token = self.peek()
        following = self.peek(1)
        if token.text == "-" and following is not None and following.glued and following.kind in ("open", "phrase"):
            self.at += 1
            node = self.primary()
            return Not(node) if node is not None else None
        return self.primary()

    def primary(self) -> "Node | None":
        token = self.peek()
        if token.kind == "open":
            return self.group()
        if token.kind == "close":  # unreachable: seq() stops at a close
            raise QuerySyntaxError("A closing parenthesis ) has no opening one before it.")
        if token.kind == "tag":
            raise QuerySyntaxError(f"The tag {token.text} needs words before it, as in: schwannoma{token.text}.")
        if token.kind == "phrase":
            self.at += 1
            tag = self.tag()
            text = token.text.strip('"')
            if tag is not None:
                return self.field(tag, [text], phrase=True)
            return self.count(_phrase(words(text)))
        # Words up to the next operator, parenthesis, phrase or negated word: one run, when a tag follows it.
        run = []
        while (
            (ahead := self.peek(len(run))) is not None
            and ahead.kind == "word"
            and self.operator(ahead) is None
            and not (run and ahead.text.startswith("-"))
        ):
            run.append(ahead)
        after = self.peek(len(run))
        if after is not None and after.kind == "tag":
            self.at += len(run)
            tag = self.tag()
            texts = [t.text for t in run]
            negated = texts[0].startswith("-") and len(texts[0]) > 1
            if negated:
                texts[0] = texts[0][1:]
            node = self.field(tag, texts, phrase=False)
            return Not(node) if negated and node is not None else node
        self.at += 1
        return self.word(token.text)

    def group(self) -> "Node | None":
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QuerySyntaxError(f"Parentheses can go at most {MAX_DEPTH} deep.")
        self.at += 1
        node = self.seq()
        token = self.peek()
        if token is None:
            raise QuerySyntaxError("An opening parenthesis ( is not closed; add the ) that closes it.")
        self.at += 1  # the close
        self.depth -= 1
        if (after := self.peek()) is not None and after.kind == "tag":
            raise QuerySyntaxError(
                f"A tag goes after words, not after parentheses: write (a{after.text} OR b{after.text})."
            )
        return node

    def tag(self) -> str | None:
        token = self.peek()
        if token is None or token.kind != "tag":
            return None
        self.at += 1
        if not token.text.endswith("]"):
            raise QuerySyntaxError(f"The tag {token.text} is not closed; add the ] that closes it.")
        name = " ".join(token.text[1:-1].lower().split())
        if name not in TAGS:
            raise QuerySyntaxError(f"casebase does not know the tag [{name}].")
        return TAGS[name]

    def word(self, text: str) -> "Node | None":
        negated = text.startswith("-") and len(text) > 1
        node = self.count(_word(text[1:] if negated else text))
        return Not(node) if negated and node is not None else node

    def field(self, tag: str, texts: list[str], *, phrase: bool) -> "Node | None":
        typed = " ".join(texts)
        if tag == "":  # [All Fields]: the words as if typed alone
            return self.count(_phrase(words(typed)) if phrase else _joined(And, [_word(t) for t in texts]))
        if tag in TEXT_TAGS:
            part = _phrase(words(typed)) if phrase else _joined(And, [_word(t) for t in texts])
            return self.count(Field(tag=tag, text=typed, part=part) if part is not None else None)
        return self.count(Field(tag=tag, text=_structured(tag, typed)))

    def count(self, node: "Node | None") -> "Node | None":
        if node is not None:
            self.terms += 1
            if self.terms > MAX_TERMS:
                raise QuerySyntaxError(f"A search can have at most {MAX_TERMS} terms.")
        return node


def _joined(kind, parts: list) -> "Node | None":
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else kind(tuple(parts))


def _phrase(found: list[str]) -> "Node | None":
    if not found:
        return None
    return Term(found[0]) if len(found) == 1 else Phrase(tuple(found))


def _word(text: str) -> "Node | None":
    """One word as typed: a hyphenated or dotted word is a phrase, a stop word nothing, a * at its end truncation."""
    found = words(text)
    if text.endswith("*") and found and text.rstrip("*")[-1:].isalnum():
        if len(found) > 1:
            raise QuerySyntaxError(f"Truncation works on one word, as in naltrex*; {text} has several.")
        if len(found[0]) < MIN_PREFIX:
            raise QuerySyntaxError(
                f"Truncation needs at least {MIN_PREFIX} letters before the *, as in naltrex*; {text} has fewer."
            )
        return Prefix(found[0])
    if len(found) == 1 and found[0] in STOP_WORDS:
        return None
    return _phrase(found)


_DATE = re.compile(r"([0-9]{4})(?:[/-]([0-9]{1,2})(?:[/-]([0-9]{1,2}))?)?")


def _structured(tag: str, text: str) -> str:
    """The value of a structured tag in its one form, or a QuerySyntaxError that says what the tag takes."""
    text = " ".join(text.split())
    if tag == "pmid":
        if (pmid := normalize_pmid(text)) is None:
            raise QuerySyntaxError(f"[pmid] takes a PubMed ID, a number such as 25364329; not {text}.")
        return str(pmid)
    if tag == "doi":
        if not (doi := normalize_doi(text)):
            raise QuerySyntaxError(f"[doi] takes a DOI, such as 10.7759/cureus.4225; not {text}.")
        return doi
    if tag == "pmcid":
        if not (pmcid := normalize_pmcid(text)):
            raise QuerySyntaxError(f"[pmc] takes a PMCID, such as PMC6510571; not {text}.")
        return pmcid
    if tag == "dp":
        ends = [end.strip() for end in text.split(":")]
        if len(ends) > 2 or not all(_DATE.fullmatch(end) for end in ends):
            raise QuerySyntaxError(
                f"[dp] takes a year, a month or a day, or a range of them: 2019[dp], 2019/03[dp], "
                f"2019:2021[dp]; not {text}."
            )
        parts = []
        for end in ends:
            year, month, day = _DATE.fullmatch(end).groups()
            if (month and not 1 <= int(month) <= 12) or (day and not 1 <= int(day) <= 31):
                raise QuerySyntaxError(f"[dp]: {end} is not a date (write year/month/day, as 2019/03/11).")
            parts.append("/".join(f"{int(p):02}" if i else p for i, p in enumerate((year, month, day)) if p))
        return ":".join(parts)
    if tag == "outcome":
        key = " ".join(words(text)).replace("_", " ")
        if key not in OUTCOME_WORDS:
            raise QuerySyntaxError(f"[outcome] takes one of: {', '.join(sorted(OUTCOME_WORDS))}; not {text}.")
        return OUTCOME_WORDS[key]
    if not words(text):
        raise QuerySyntaxError(f"[{tag}] needs a word before it.")
    return text


# How a treatment went, as [outcome] takes it: Outcome.Result's values and labels, lower case.
OUTCOME_WORDS = {
    **{value.replace("_", " "): value for value in Outcome.Result.values},
    **{str(label).lower(): value for value, label in Outcome.Result.choices},
}


# Walking the tree ---------------------------------------------------------------------------------------------------


def positive_text(node: Node) -> list[Node]:
    """The words, phrases and truncations a report can match on (outside any NOT), in the order typed: what a match
    is ranked by and what its passage highlights. Fielded words count too."""
    match node:
        case Term() | Phrase() | Prefix():
            return [node]
        case Field(part=part) if part is not None:
            return positive_text(part)
        case And(parts) | Or(parts):
            return [leaf for part in parts for leaf in positive_text(part)]
    return []
