"""Who a case report describes: how many patients, and each one's age and sex, read from the title and abstract.

The rules are written to be right rather than to say much: a value is suggested only when the text states it
("a 47-year-old woman", "a 3-month-old boy", "twin girls aged 4", "a woman in her sixties"). Words without a
number ("a young man", "a newborn") give no age; "a patient" or "a child" gives no sex. MeSH's Female or Male
decides the sex only when exactly one patient is described and the text has no word for it. A report about
animals, specimens or techniques gets no patients.

No database here: the functions take text and return plain values, so they can be tested and measured alone.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

FEMALE, MALE = "female", "male"

_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_WORD_NUMBER = (
    rf"(?:(?:{_TENS})(?:[- ](?:{_UNITS}))?|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen"
    rf"|nineteen|ten|{_UNITS})"
)
# "47", "2.5", "2 1/2", "2½", "forty-two"
_AMOUNT = rf"(?P<amount>(?:\d{{1,3}}(?:\.\d)?|{_WORD_NUMBER})(?:\s*(?:1/2|½)|-and-a-half)?)"
_UNIT_WORDS = r"years?|yrs?|y|months?|mos?|weeks?|wks?|days?|hours?|hrs?"
_UNIT = rf"(?P<unit>{_UNIT_WORDS})"

_FEMALE_NOUNS = (
    "woman|women|female|females|girl|girls|lady|ladies|mother|wife|daughter|daughters|sister|sisters|primigravida"
    "|multigravida|primipara|multipara|gravida"
)
_MALE_NOUNS = "man|men|male|males|boy|boys|gentleman|gentlemen|father|husband|son|sons|brother|brothers"
_NEUTRAL_NOUNS = (
    "patient|patients|child|children|infant|infants|neonate|neonates|newborn|baby|babies|adolescent|adolescents"
    "|person|individual|subject|case|sibling|siblings|toddler|student|athlete|recipient|smoker|worker"
)
_NOUN = rf"(?P<noun>{_FEMALE_NOUNS}|{_MALE_NOUNS}|{_NEUTRAL_NOUNS})"
# Up to four words between the age and the noun: "a 47-year-old previously healthy white woman".
_BETWEEN = r"(?:[\w'-]+,?\s+){0,4}?"

# "a 47-year-old woman", "47 year old man", "2 1/2-year-old boy", "3-month-old infant"
_AGE_OLD = re.compile(
    rf"\b{_AMOUNT}[\s-]*{_UNIT}\.?[\s-]*old\b(?:\s+{_BETWEEN}{_NOUN}\b)?",
    re.IGNORECASE,
)
# "a woman aged 47 (years)", "a man, 47 years of age,", "twin girls aged 4"
_AGED = re.compile(
    rf"\b{_NOUN}\b,?\s+(?:\w+\s+){{0,2}}?(?:aged|age)\s+{_AMOUNT}(?:\s*{_UNIT}\b)?",
    re.IGNORECASE,
)
_OF_AGE = re.compile(
    rf"\b{_NOUN}\b,?\s+{_AMOUNT}[\s-]*{_UNIT}\s+(?:of\s+age|old)\b",
    re.IGNORECASE,
)
# "a woman in her sixties", "a man in his early 40s"
_DECADE = re.compile(
    rf"\b{_NOUN}\b\s+in\s+(?:her|his|their)\s+(?:early\s+|mid\s+|mid-|late\s+)?"
    rf"(?P<decade>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties|[2-9]0'?s)\b",
    re.IGNORECASE,
)
_DECADES = {
    "twenties": 20,
    "thirties": 30,
    "forties": 40,
    "fifties": 50,
    "sixties": 60,
    "seventies": 70,
    "eighties": 80,
    "nineties": 90,
}
# An age that is not the patient's at presentation: a fetus, a gestation, a relative, an earlier event.
_NOT_PRESENTATION_BEFORE = re.compile(
    r"(?:\b(?:at|since|from|until|before|after|by|between|till|under|over|his|her|their|whose|patient's|the\s+"
    r"patient's|than)\s+(?:the\s+)?(?:age\s+of\s+)?(?:about\s+|approximately\s+)?)$",
    re.IGNORECASE,
)
_NOT_PRESENTATION_AFTER = re.compile(r"^[\s-]*(?:of\s+)?(?:gestation|gestational|pregnan|fetus|foetus|embryo)", re.I)
# Only phrases that introduce the patient count; "the 47-year-old woman" later on is the same patient again.
_RELATIVE = re.compile(r"\b(?:his|her|their|whose|patient's)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)

# "Three patients ...", "two cases of", "twin girls", "two sisters", "a family of five"? (not counted)
_PLURAL_NOUNS = (
    "patients|cases|children|infants|neonates|newborns|babies|adolescents|women|men|girls|boys|sisters|brothers"
    "|siblings|twins|females|males|persons|individuals|adults|subjects|daughters|sons|members|sibs|athletes"
    "|offspring|examples|instances"
)
_COUNT = re.compile(
    rf"\b(?P<count>\d{{1,2}}|{_WORD_NUMBER}|twin|twins)\s+(?:[\w()-]+\s+){{0,3}}?(?P<noun>{_PLURAL_NOUNS})\b",
    re.IGNORECASE,
)
# A count only counts where the report says these are its cases, not a cohort it studied or the literature.
_COUNT_CONTEXT = re.compile(
    r"\b(?:report|reported|reports|describe|described|describes|present|presented|presents|document|documented"
    r"|observed|encountered|studied|examined|treated|seen|discuss|discussed|record|recorded|illustrate|illustrated"
    r"|case\s+report|cases?\s+of|in\s+whom|who|with|had|have|developed|included|illustrative|supported\s+by"
    r"|affected|found)\b",
    re.IGNORECASE,
)
_LITERATURE = re.compile(
    r"\b(?:literature|previously|reported\s+(?:so\s+far|to\s+date|in\s+the)|published|review\s+of|reviewed"
    r"|(?:systematic|retrospective|chart|record)\s+review|cases\s+in\s+the"
    r"|cohort|retrospective(?:ly)?|prospective|randomi[sz]ed|trial|survey|registry|database|among|out\s+of"
    r"|total\s+of|(?:\d+|%)\s+of\s+(?:the|these|all))\b",
    re.IGNORECASE,
)
_SINGLE = re.compile(
    r"\b(?:a|an|one|this|our|the)\s+(?:[\w'-]+\s+){0,5}?"
    r"(?:patient|case|woman|man|girl|boy|child|infant|neonate|newborn|baby|adolescent|lady|gentleman|female|male"
    r"|primigravida|toddler|instance|adult)\b",
    re.IGNORECASE,
)
# Words that say the report is about more than one patient, even when it does not say how many.
_ONE_AND_MORE = re.compile(
    rf"\bone\s+(?:case|patient)\s+(?:of|with)\b[^.;]{{0,300}}?\band\s+(?P<count>\d{{1,2}}|{_WORD_NUMBER})\s+"
    rf"(?:other\s+)?(?:cases|patients)\b",
    re.IGNORECASE,
)
# "18q- syndrome in a mother and her daughter", "in mother and child": two patients, each with the sex its word gives.
_PAIR = re.compile(
    r"\b(?:a|the|in)\s+(?P<parent>mother|father)\s+and\s+(?:(?:her|his|their)\s+)?(?:\w+\s+)?"
    r"(?P<child>daughter|son|child|infant|baby|newborn)\b",
    re.IGNORECASE,
)
# A sentence that opens on one patient: "A liveborn triploid child had ...".
_ANCHOR = re.compile(
    r"(?:^|(?<=[.;]\s))(?:A|An)\s+(?:[\w,-]+\s+){0,4}?"
    r"(?P<noun>child|infant|neonate|newborn|baby|girl|boy|woman|man|patient)\b",
)
_GROUP_AGES = re.compile(
    rf"\s*,?\s*(?:aged|age|ages)\s+(?P<amounts>\d{{1,2}}(?:\s*(?:,|and)\s*\d{{1,2}})*)(?:\s*(?P<unit>{_UNIT_WORDS})\b)?",
    re.IGNORECASE,
)
_PLURAL_HINT = re.compile(
    r"\b(?:both|each\s+of\s+the)\s+(?:[\w-]+\s+)?"
    r"(?:patients|cases|children|infants|siblings|twins|sisters|brothers|members|offspring)\b"
    r"|\b(?:mother|father|parents?)\s+and\s+(?:her\s+|his\s+|their\s+)?(?:\w+\s+)?"
    r"(?:child|children|son|sons|daughter|daughters|infant|baby|offspring)\b"
    r"|\b(?:a|one|the)\s+family\s+(?:with|in\s+which|of\s+which|whose)\b",
    re.IGNORECASE,
)
# "The literature is reviewed" beside the report's own cases does not make them the literature's.
_LITERATURE_REVIEWED = re.compile(
    r"(?:,?\s*(?:and|with)\s+(?:a\s+|the\s+)?(?:\w+\s+)?(?:review\s+of\s+the\s+literature|literature"
    r"(?:\s+(?:is|was|are|were))?\s+(?:is\s+)?reviewed)|review\s+of\s+the\s+literature\.?$)",
    re.IGNORECASE,
)
# Twins named without a number: "a pair of conjoined twins", "monozygotic twins".
_TWINS = re.compile(r"\b(?:pair\s+of|conjoined|identical|monozygotic|dizygotic|siamese)\s+(?:\w+\s+)?twins\b", re.I)
# One more patient after a group: "Three patients ... are described. A fourth patient ...", "a 5th baby".
_ONE_MORE = re.compile(
    r"\b(?:a|the)\s+(?P<ordinal>second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|[2-9]th|2nd|3rd)\s+"
    r"(?:\w+\s+)?(?:patient|case|child|baby|infant|man|woman|boy|girl)\b",
    re.IGNORECASE,
)
_ORDINAL_NUMBERS = {
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}
# "the father and his two offspring": the parent and the children.
_PARENT_AND = re.compile(
    rf"\b(?:the|a)\s+(?P<parent>mother|father)\s+and\s+(?:her|his|their)\s+(?P<count>{_WORD_NUMBER}|\d)\s+"
    r"(?:children|offspring|sons|daughters|siblings)\b",
    re.IGNORECASE,
)


# A sentence that says what is generally done for "a patient", rather than reports the case.
_GENERAL = re.compile(r"\b(?:if|should|may|might|can|could|must|indicated|when|whenever|every|any)\b", re.I)
_CASE_TITLE = re.compile(r"\b(?:a|one)\s+case\b|\bcase\s+report\b|\breport\s+of\s+a\s+case\b", re.IGNORECASE)

_ANIMALS = re.compile(
    r"\b(?:dogs?|canine|cats?|feline|horses?|equine|foals?|mares?|stallions?|cows?|cattle|bovine|calf|calves|heifers?"
    r"|sheep|ovine|lambs?|goats?|pigs?|swine|porcine|piglets?|monkeys?|macaques?|baboons?|primates?|rats?|mice"
    r"|mouse|rabbits?|hamsters?|guinea\s+pigs?|ferrets?|birds?|chickens?|parrots?|turtles?|snakes?|lizards?"
    r"|fish|camels?|llamas?|alpacas?|deer|elephants?|dolphins?|whales?|seals?|bears?|tigers?|lions?|veterinary)\b",
    re.IGNORECASE,
)
_PRONOUNS_FEMALE = re.compile(r"\b(?:she|her|hers|herself)\b", re.IGNORECASE)
# "the bundle of His" is anatomy, not a man.
_PRONOUNS_MALE = re.compile(r"\b(?:he|him|himself|(?<!bundle of )his)\b", re.IGNORECASE)
# A sentence ends at ". " before a capital, or at "phase.This" where PubMed lost the space.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])|(?<=[a-z]{3}[.!?])(?=[A-Z][a-z])")
_ABBREVIATIONS = re.compile(r"\b(?:Dr|Mr|Mrs|Ms|vs|e\.g|i\.e|et al|Fig|No|approx|ca|yr|yrs|mo|wk|wks)\.$")


@dataclass
class Age:
    value: Decimal
    unit: str  # "years", "months", "weeks" or "days" (hours are given in days)
    approximate: bool = False


@dataclass
class SuggestedPatient:
    age: Age | None = None
    sex: str = ""  # "female", "male" or "" when the text does not say
    evidence: str = ""  # the sentence the age or sex (or the patient) was read from
    at: int | None = None  # where the title and abstract introduce this patient, when a phrase of its own does


@dataclass
class Mention:
    """A phrase that introduces one patient, or a group of `count` patients of one sex and age."""

    start: int
    end: int
    age: Age | None
    sex: str
    count: int = 1
    sentence: str = ""
    ages: list[Age] = field(default_factory=list)  # a group's ages, one per patient, when the text lists them


@dataclass
class PatientSuggestion:
    count: int | None  # None when the text does not say how many
    patients: list[SuggestedPatient] = field(default_factory=list)

    def starts(self, *, title: str, abstract: str) -> list[int] | None:
        """Where in the abstract each patient is introduced, when every one is; None otherwise."""
        offset = len(_text(title, abstract)) - len(abstract.strip())
        places = [patient.at - offset for patient in self.patients if patient.at is not None]
        if len(places) != len(self.patients) or any(place < 0 for place in places):
            return None
        return places


def sentences(text: str) -> list[tuple[int, str]]:
    """The sentences of `text`, each with where it starts."""
    pieces: list[tuple[int, str]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        # Only the few characters before the full stop can make it an abbreviation ("Dr.", "e.g."): looking at the
        # whole growing candidate instead would take quadratic time on a hostile text.
        if _ABBREVIATIONS.search(text, max(start, match.start() - 12), match.start()):
            continue
        candidate = text[start : match.start()]
        pieces.append((start, candidate))
        start = match.end()
    pieces.append((start, text[start:]))
    return [(offset, piece.strip()) for offset, piece in pieces if piece.strip()]


def suggest_patients(*, title: str, abstract: str, mesh: list[str]) -> PatientSuggestion:
    """The patients a report describes, as far as its title, abstract and MeSH descriptors say."""
    if _about_animals(title=title, abstract=abstract, mesh=mesh):
        return PatientSuggestion(count=0)
    text = _text(title, abstract)
    parts = sentences(text)
    mentions = _mentions(text, parts)
    groups = _counts(text, parts)

    count: int | None
    pair = _PAIR.search(text)
    if pair and not groups and not mentions:
        sentence = _sentence_at(parts, pair.start())
        return PatientSuggestion(
            count=2,
            patients=[
                SuggestedPatient(sex=_sex(pair.group("parent")), evidence=sentence),
                SuggestedPatient(sex=_sex(pair.group("child")), evidence=sentence),
            ],
        )
    if groups:
        count = max(group.count for group in groups)
        # "Three patients ... are described. A fourth patient ... is presented."
        if any(_ordinal(m.group("ordinal")) == count + 1 for m in _ONE_MORE.finditer(text)):
            count += 1
        # A group of one sex and age ("twin girls aged 4") describes every one of its patients.
        group = max(groups, key=lambda group: (group.count, bool(group.ages or group.age), bool(group.sex)))
        individuals = [m for m in mentions if m.count == 1]
        if len(individuals) > count:
            return PatientSuggestion(count=None)
        if individuals and len(individuals) < count:
            # A patient introduced without an age ("A liveborn triploid child ...") takes its place in the order.
            individuals = _with_anchors(text, parts, individuals, count)
        patients = [_patient(m) for m in individuals]
        if not individuals and group.ages:
            patients = [SuggestedPatient(age=age, sex=group.sex, evidence=group.sentence) for age in group.ages]
        elif not individuals and (group.sex or group.age):
            patients = [_patient(group) for _ in range(group.count)]
        patients += [SuggestedPatient(evidence=group.sentence) for _ in range(count - len(patients))]
        return PatientSuggestion(count=count, patients=patients)

    if mentions:
        count = len(mentions)
        patients = [_patient(m) for m in mentions]
    elif not _PLURAL_HINT.search(text) and (single := _single(text, parts, title)) is not None:
        count = 1
        patients = [SuggestedPatient(evidence=single)]
    else:
        return PatientSuggestion(count=None)

    if count == 1 and not patients[0].sex:
        patients[0].sex, evidence = _single_patient_sex(text, parts, mesh)
        if evidence.startswith("MeSH") and patients[0].evidence:
            patients[0].evidence += f" (sex from {evidence})"
        elif evidence and not patients[0].evidence:
            patients[0].evidence = evidence
    return PatientSuggestion(count=count, patients=patients)


def _ordinal(word: str) -> int | None:
    word = word.lower()
    return int(word[:-2]) if word[0].isdigit() else _ORDINAL_NUMBERS.get(word)


def _text(title: str, abstract: str) -> str:
    title = title.strip()
    # A translated title is printed in brackets: "[Phenylketonuria in a 10-year-old girl]."
    if title.startswith("[") and "]" in title:
        title = title[1 : title.rindex("]")]
    if title and title[-1] not in ".?!":
        title += "."
    return f"{title} {abstract}".strip()


def _about_animals(*, title: str, abstract: str, mesh: list[str]) -> bool:
    descriptors = set(mesh)
    if "Animals" in descriptors and "Humans" not in descriptors:
        return True
    if "Humans" in descriptors:
        return False
    return bool(_ANIMALS.search(title))


def _number(text: str) -> Decimal | None:
    text = text.lower().strip()
    half = Decimal("0.5") if ("1/2" in text or "½" in text or "-and-a-half" in text) else Decimal(0)
    text = text.replace("1/2", "").replace("½", "").replace("-and-a-half", "").strip()
    if re.fullmatch(r"\d+(?:\.\d)?", text):
        return Decimal(text) + half
    words = re.split(r"[- ]", text)
    if all(word in _NUMBER_WORDS for word in words):
        return Decimal(sum(_NUMBER_WORDS[word] for word in words)) + half
    return None


def _unit(text: str | None) -> str:
    text = (text or "").lower()
    if text.startswith(("y",)):
        return "years"
    if text.startswith("mo"):
        return "months"
    if text.startswith("w"):
        return "weeks"
    if text.startswith("d"):
        return "days"
    if text.startswith("h"):
        return "hours"
    return ""


def _age(amount: str, unit: str) -> Age | None:
    value = _number(amount)
    unit = _unit(unit)
    if value is None or not unit:
        return None
    if unit == "hours":
        value, unit = (value / 24).quantize(Decimal("0.01")), "days"
    limits = {"years": 120, "months": 240, "weeks": 520, "days": 1000}
    if value > limits[unit]:
        return None
    return Age(value=value, unit=unit)


def _sex(noun: str | None) -> str:
    noun = (noun or "").lower()
    if re.fullmatch(_FEMALE_NOUNS, noun):
        return FEMALE
    if re.fullmatch(_MALE_NOUNS, noun):
        return MALE
    return ""


def _plural(noun: str | None) -> bool:
    noun = (noun or "").lower()
    return (noun.endswith("s") and noun not in {"twins"}) or noun in {"women", "men", "children", "gentlemen"}


def _mentions(text: str, parts: list[tuple[int, str]]) -> list[Mention]:
    """The phrases that introduce a patient, in order, each patient once."""
    found: list[Mention] = []
    for pattern in (_AGE_OLD, _AGED, _OF_AGE, _DECADE):
        for match in pattern.finditer(text):
            if _NOT_PRESENTATION_BEFORE.search(text[max(0, match.start() - 40) : match.start()]):
                continue
            if _NOT_PRESENTATION_AFTER.search(text[match.end() : match.end() + 30]):
                continue
            if _RELATIVE.search(text[max(0, match.start() - 30) : match.start()]):
                continue
            groups = match.groupdict()
            noun = groups.get("noun")
            if pattern is _DECADE:
                age = Age(value=Decimal(_decade(groups["decade"])), unit="years", approximate=True)
            else:
                unit = groups.get("unit") or ("years" if pattern is _AGED else "")
                age = _age(groups["amount"], unit)
                if age is None:
                    continue
            # "47-year-old" with no noun after it: still a person ("a 47-year-old with ...") unless it names a
            # thing ("a 10-year-old fracture"): trusted only before "with", "who", "presented" or a comma.
            if (
                pattern is _AGE_OLD
                and noun is None
                and not re.match(r"\s*(?:,|with|who|presented|presenting|was|had|developed)\b", text[match.end() :])
            ):
                continue
            if _plural(noun):
                continue  # "two 20-year-old men": a group, counted by _counts
            found.append(
                Mention(
                    start=match.start(),
                    end=match.end(),
                    age=age,
                    sex=_sex(noun),
                    sentence=_sentence_at(parts, match.start()),
                )
            )
    found.sort(key=lambda mention: mention.start)
    return _distinct(found)


def _decade(text: str) -> int:
    text = text.lower().rstrip("s").rstrip("'")
    if text.isdigit():
        return int(text)
    return _DECADES[text + "s"] if text + "s" in _DECADES else _DECADES[text.replace("ie", "ies")]


def _distinct(mentions: list[Mention]) -> list[Mention]:
    """Drops overlapping matches and later mentions of a patient already met ("the 47-year-old woman")."""
    kept: list[Mention] = []
    for mention in mentions:
        if any(mention.start < other.end and other.start < mention.end for other in kept):
            continue
        if any(_same_patient(mention, other) for other in kept):
            continue
        kept.append(mention)
    return kept


def _same_patient(one: Mention, other: Mention) -> bool:
    if one.age and other.age and (one.age.value, one.age.unit) != (other.age.value, other.age.unit):
        return False
    return not (one.sex and other.sex and one.sex != other.sex)


def _counts(text: str, parts: list[tuple[int, str]]) -> list[Mention]:
    """Groups of patients the report says it describes: "three patients are presented", "twin girls aged 4"."""
    groups: list[Mention] = []
    for match in _COUNT.finditer(text):
        amount = match.group("count").lower()
        count = 2 if amount.startswith("twin") else _number(amount)
        if count is None or not 2 <= count <= 20:
            continue
        sentence = _sentence_at(parts, match.start())
        if _LITERATURE.search(_LITERATURE_REVIEWED.sub("", sentence)) or not _COUNT_CONTEXT.search(sentence):
            continue
        # "two female infants": the sex may be a word before the noun.
        sex = _sex(match.group("noun")) or _group_sex(match.group(0))
        group = Mention(match.start(), match.end(), None, sex, int(count), sentence)
        # "twin girls aged 4" (one age for all), "two brothers, aged 9 and 11" (one age each, in order).
        aged = _GROUP_AGES.match(text[match.end() :])
        if aged:
            unit = aged.group("unit") or "years"
            ages = [_age(amount, unit) for amount in re.split(r"\s*(?:,|and)\s*", aged.group("amounts"))]
            if len(ages) == 1:
                group.age = ages[0]
            elif len(ages) == group.count and all(ages):
                group.ages = ages
        groups.append(group)
    for match in _TWINS.finditer(text):
        groups.append(Mention(match.start(), match.end(), None, "", 2, _sentence_at(parts, match.start())))
    for match in _PARENT_AND.finditer(text):
        children = _number(match.group("count"))
        if children is not None and 2 <= children + 1 <= 20:
            sentence = _sentence_at(parts, match.start())
            groups.append(Mention(match.start(), match.end(), None, "", int(children) + 1, sentence))
    # "one case of true triploidy and two cases of triploid mosaicism": three patients.
    for match in _ONE_AND_MORE.finditer(text):
        more = _number(match.group("count"))
        if more is not None and 2 <= more + 1 <= 20:
            sentence = _sentence_at(parts, match.start())
            groups.append(Mention(match.start(), match.end(), None, "", int(more) + 1, sentence))
    return groups


def _with_anchors(text: str, parts: list[tuple[int, str]], individuals: list[Mention], count: int) -> list[Mention]:
    anchors = [
        Mention(match.start(), match.end(), None, _sex(match.group("noun")), 1, _sentence_at(parts, match.start()))
        for match in _ANCHOR.finditer(text)
        if not any(match.start() < m.end and m.start < match.end() for m in individuals)
    ]
    return sorted(individuals + anchors[: count - len(individuals)], key=lambda mention: mention.start)


def _group_sex(phrase: str) -> str:
    sexes = {_sex(word) for word in re.findall(r"\b(?:female|male)\b", phrase, re.IGNORECASE)}
    return sexes.pop() if len(sexes) == 1 else ""


def _single(text: str, parts: list[tuple[int, str]], title: str) -> str | None:
    """The sentence that says the report describes one patient, or None."""
    for match in _SINGLE.finditer(text):
        sentence = _sentence_at(parts, match.start())
        if not _GENERAL.search(sentence):
            return sentence
    if _CASE_TITLE.search(title):
        return _sentence_at(parts, 0)
    return None


def _sentence_at(parts: list[tuple[int, str]], position: int) -> str:
    chosen = ""
    for start, sentence in parts:
        if start > position:
            break
        chosen = sentence
    return chosen


def _single_patient_sex(text: str, parts: list[tuple[int, str]], mesh: list[str]) -> tuple[str, str]:
    """The sex of the one patient a report describes, from its words or, failing them, from MeSH."""
    words = set()
    for match in re.finditer(rf"\b(?:{_FEMALE_NOUNS}|{_MALE_NOUNS})\b", text, re.IGNORECASE):
        before = text[max(0, match.start() - 30) : match.start()]
        if not _RELATIVE.search(before) and not re.search(r"\b(?:maternal|paternal)\s*$", before, re.IGNORECASE):
            words.add((_sex(match.group(0)), match.start()))
    female_pronoun = _PRONOUNS_FEMALE.search(text)
    male_pronoun = _PRONOUNS_MALE.search(text)
    sexes = {sex for sex, _ in words}
    if female_pronoun:
        sexes.add(FEMALE)
    if male_pronoun:
        sexes.add(MALE)
    descriptors = set(mesh)
    from_mesh = {FEMALE} if "Female" in descriptors else set()
    if "Male" in descriptors:
        from_mesh.add(MALE)
    if len(sexes) == 1 and (not from_mesh or from_mesh == sexes):
        (sex,) = sexes
        where = min([start for s, start in words if s == sex], default=None)
        if where is None:
            where = (female_pronoun or male_pronoun).start()
        return sex, _sentence_at(parts, where)
    if not sexes and len(from_mesh) == 1:
        (sex,) = from_mesh
        return sex, f"MeSH: {sex.capitalize()}"
    return "", ""


def _patient(mention: Mention) -> SuggestedPatient:
    at = mention.start if mention.count == 1 else None
    return SuggestedPatient(age=mention.age, sex=mention.sex, evidence=mention.sentence, at=at)
