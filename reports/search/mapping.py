"""MeSH in a search: which headings a name means, with the narrower ones under them, and automatic term mapping.

`Sjogren Syndrome[mh]` means the heading named so (or with that entry term) and every heading under it in the
MeSH tree (explosion); [mh:noexp] the heading alone. Automatic term mapping, as PubMed does it: words that are a
heading's name or entry term (`sicca syndrome`, `heart attack`) also find the reports indexed with that heading,
exploded, beside the reports that have the words. It rewrites the query's tree (one Or per mapped run of words), so
every engine gets it. The vocabulary is the MeSH table casebase ships (reports/mesh.py), read once per process.
"""

import bisect
from functools import cache

from reports import mesh
from reports.search.query import And, Field, Node, Not, Or, Phrase, Term, words

# Longest run of words looked up as one heading ("acute myocardial infarction" is 3; few names run past 6).
MAX_RUN = 6


@cache
def _vocabulary() -> tuple[dict[str, frozenset[str]], list[tuple[str, str]]]:
    """(the words of each name and entry term -> the UIs it names, every (tree number, UI) in tree order)."""
    by_words: dict[str, set[str]] = {}
    tree: list[tuple[str, str]] = []
    for descriptor in mesh.thesaurus().by_ui.values():
        for name in (descriptor.name, *descriptor.entry_terms):
            by_words.setdefault(" ".join(words(name)), set()).add(descriptor.ui)
        tree += [(number, descriptor.ui) for number in descriptor.tree_numbers]
    return {key: frozenset(uis) for key, uis in by_words.items()}, sorted(tree)


def headings(text: str, *, explode: bool = True) -> frozenset[str]:
    """The UIs of the headings `text` names (by name or entry term, case and accents aside), and with `explode`
    the UIs of every heading under them. Empty when MeSH has no such name."""
    by_words, tree = _vocabulary()
    named = by_words.get(" ".join(words(text)), frozenset())
    if not explode or not named:
        return named
    thesaurus = mesh.thesaurus()
    found = set(named)
    for ui in named:
        for number in thesaurus.by_ui[ui].tree_numbers:
            # The numbers under "C20.111" sort right after "C20.111." and before "C20.111/" ('/' follows '.').
            start = bisect.bisect_left(tree, (number + ".", ""))
            end = bisect.bisect_left(tree, (number + "/", ""))
            found.update(ui for _, ui in tree[start:end])
    return frozenset(found)


def is_heading(text: str) -> bool:
    return " ".join(words(text)) in _vocabulary()[0]


def with_headings(node: Node) -> Node:
    """`node` with automatic term mapping: each run of plain words (and phrases) that names a MeSH heading becomes
    "those words OR that heading[mh]". The longest run wins; words inside a tag are left as typed."""
    match node:
        case Term() | Phrase():
            return _mapped([node]) or node
        case And(parts):
            mapped = _runs([with_headings(p) if not _plain(p) else p for p in parts])
            return mapped[0] if len(mapped) == 1 else And(tuple(mapped))
        case Or(parts):
            return Or(tuple(with_headings(part) for part in parts))
        case Not(part):
            return Not(with_headings(part))
    return node


def _plain(node: Node) -> bool:
    return isinstance(node, Term | Phrase)


def _runs(parts: list[Node]) -> list[Node]:
    out: list[Node] = []
    at = 0
    while at < len(parts):
        for end in range(min(len(parts), at + MAX_RUN), at, -1):
            run = parts[at:end]
            if all(_plain(part) for part in run) and (mapped := _mapped(run)) is not None:
                out.append(mapped)
                at = end
                break
        else:
            out.append(parts[at])
            at += 1
    return out


def _mapped(run: list[Node]) -> Node | None:
    text = " ".join(word for part in run for word in (part.words if isinstance(part, Phrase) else (part.word,)))
    if not is_heading(text):
        return None
    typed = run[0] if len(run) == 1 else And(tuple(run))
    return Or((typed, Field(tag="mh", text=text)))
