"""Which words of an abstract speak of which of its patients, when it describes several one by one.

A report of two or three cases tells them in turn: "Case 1: a 71-year-old man ... Case 2: ...", "The first patient
... The second ...", "One patient had X; the other had Y", or simply a sentence that introduces each ("A 16-year-old
girl ... A 13-year-old boy ..."). Each patient's passage runs from where the text turns to that patient to where it
turns to the next; what comes before the first (the introduction) and sentences about all of them ("Both patients
recovered", "Each patient received ...") belong to every passage. When the text does not turn from one patient to
the next in order, there are no passages: what was given to whom is then not read at all, rather than read wrong.
"""

import re

from reports.suggestions.patients import sentences

_ORDINALS = {"first": 0, "second": 1, "third": 2, "fourth": 3, "fifth": 4, "sixth": 5}
_PERSON = r"(?:patient|case|child|infant|neonate|baby|twin|boy|girl|man|woman|brother|sister|sibling|one|member)"
_LABELS = {
    **{str(n): n - 1 for n in range(1, 10)},
    **{numeral: n for n, numeral in enumerate(["I", "II", "III", "IV", "V", "VI"])},
    **{letter: n for n, letter in enumerate("ABCDEF")},
}
# "The first patient", "In the second case", "Case 1:", "Case #2", "Patient II", "Twin B", "one patient ... the
# other", "in another".
_TURN = re.compile(
    rf"\b(?:the\s+|a\s+)?(?P<ordinal>first|second|third|fourth|fifth|sixth)\s+(?:\w+\s+)?{_PERSON}\b"
    rf"|\b(?:case|patient|twin|proband)\s*(?:no\.?\s*|#\s*)?(?P<label>[1-9]|I{{1,3}}|IV|VI?|[A-F])\b(?!\s*[-–]\s*\d)"
    rf"|\b(?P<one>one)\s+(?:\w+\s+)?(?:patient|case|child|infant|twin|brother|sister|boy|girl)\b"
    rf"|\b(?P<other>the\s+other(?!\s+hand)|another|the\s+latter)\b",
    re.IGNORECASE,
)
_CASE_SENSITIVE_LABEL = re.compile(r"\b(?:[Cc]ase|[Pp]atient|[Tt]win|[Pp]roband)\s*(?:[Nn]o\.?\s*|#\s*)?[A-F]\b")
# A sentence about every patient at once.
_ALL = re.compile(
    r"\b(?:both|each|all)\s+(?:of\s+(?:the|them|these)\s+)?(?:\w+\s+)?"
    r"(?:patients?|cases?|children|child|infants?|twins?|brothers|sisters|siblings|boys|girls|men|women|babies)\b"
    r"|\bin\s+both\b|\bboth\s+(?:were|had|received|underwent|died|recovered|improved|survived)\b",
    re.IGNORECASE,
)


def passages(*, abstract: str, count: int, starts: list[int] | None = None, together: str = "") -> list[str] | None:
    """Per patient, in order, the abstract's words about that patient (with the introduction and the sentences
    about all of them); None when the text says nothing of the patients one by one or all at once. `starts`: where
    in the abstract each patient is introduced, when that is known from their ages or sexes; `together`: the
    sentence that introduces them as a group ("two brothers aged 2 and 4 presented with ...")."""
    if count < 2 or not abstract.strip():
        return None
    parts = sentences(abstract)
    turns = _turns(abstract, count)
    if turns is None and starts is not None and len(starts) == count and starts == sorted(set(starts)):
        turns = starts
    bounds = None if turns is None else _bounds(parts, turns)
    if bounds is None:
        # Not told one by one: what the text says of all of them at once is still each one's.
        every = [sentence for _, sentence in parts if _ALL.search(sentence)]
        if not every:
            return None
        return [" ".join(dict.fromkeys([together, *every]).keys()).strip()] * count
    intro = " ".join(sentence for start, sentence in parts if start + len(sentence) <= bounds[0])
    shared = [sentence for start, sentence in parts if start >= bounds[0] and _ALL.search(sentence)]
    result = []
    for number, begin in enumerate(bounds):
        end = bounds[number + 1] if number + 1 < len(bounds) else len(abstract)
        own = abstract[begin:end].strip()
        for sentence in shared:
            own = own.replace(sentence, " ")
        result.append(" ".join(piece for piece in [intro, own.strip(), *shared] if piece))
    return result


def _turns(abstract: str, count: int) -> list[int] | None:
    """Where the text turns to each patient, in order, from the words that say so; None unless every one of the
    `count` patients is reached in order."""
    found: list[int] = []
    for match in _TURN.finditer(abstract):
        if match.group("label") and not _label_is_name(abstract, match):
            continue
        if match.group("ordinal"):
            index = _ORDINALS[match.group("ordinal").lower()]
        elif match.group("label"):
            index = _LABELS[match.group("label")]
        elif match.group("one"):
            index = 0
        else:
            if not found:
                continue
            index = len(found)
        if index == len(found):
            found.append(match.start())
        if len(found) == count:
            return found
    return None


def _label_is_name(abstract: str, match: re.Match) -> bool:
    """ "Case 2" and "Twin B" name a patient; "type A", "case a" and "patient a" in running text do not."""
    label = match.group("label")
    if label.isdigit() or label in {"I", "II", "III", "IV", "V", "VI"}:
        return True
    return bool(_CASE_SENSITIVE_LABEL.match(abstract, match.start()))


def _bounds(parts: list[tuple[int, str]], turns: list[int]) -> list[int] | None:
    """Where each passage begins: the start of the sentence of its turn, or the turn itself when the previous
    patient's turn is in the same sentence ("one patient had X and the other had Y")."""
    bounds: list[int] = []
    previous_sentence = None
    for turn in turns:
        sentence_start = max((start for start, _ in parts if start <= turn), default=0)
        begin = turn if sentence_start == previous_sentence else sentence_start
        if bounds and begin <= bounds[-1]:
            return None
        bounds.append(begin)
        previous_sentence = sentence_start
    return bounds
