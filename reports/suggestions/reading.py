"""The case a report's title and abstract state in words: conditions with their certainty, findings, treatments
in order with dose, route and target, and each treatment's outcome.

Names come from the lexicon (MeSH and the reviewed extra list). What a name means for the patient comes from the
words around it, ConText-style: a trigger ("no evidence of", "suspected", "ruled out", "her mother had") governs
the names after it (or before it, for "... was ruled out") up to the end of its clause. A sentence that says
nothing of a patient ("Sjogren's syndrome is a chronic autoimmune disorder ...") lends no condition of its own.
Only linear-time regular expressions and one pass of the automaton are used, so a long or odd text stays quick.
"""

import functools
import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from reports.suggestions.lexicon import CONDITION, DRUG, FINDING, PROCEDURE, Mention, Term, lexicon
from reports.suggestions.patients import sentences

OTHER = "other"
TREATMENT_KINDS = {DRUG, PROCEDURE, OTHER}

# A sentence about a patient, not about a disease in general.
_PATIENT = re.compile(
    r"\b(?:patient|patients|case|she|he|her|his|him|woman|man|girl|boy|infant|child|neonate|newborn|baby|mother"
    r"|father|we\s+(?:report|describe|present)|year-old|years?\s+old|month-old|our|presented|admitted|underwent"
    r"|received|developed|was\s+(?:treated|given|started|diagnosed|found|admitted)|were\s+(?:treated|given)"
    # The narrative of the case, told without naming the patient: "Two years later nephrectomy was performed".
    r"|(?:was|were)\s+(?:performed|done|noted|seen|observed|detected|revealed|begun|made|interpreted|operated"
    r"|removed|excised|resected|discovered|demonstrated|confirmed)|later|subsequently|on\s+admission"
    r"|at\s+(?:operation|surgery|autopsy|laparotomy)|postoperative(?:ly)?)\b",
    re.I,
)
# Triggers, each with what it says and whether it governs the names after it ("forward") or before it.
_TRIGGERS = [
    (re.compile(p, re.I), meaning, direction)
    for p, meaning, direction in (
        (
            r"\b(?:no|not|without|absence\s+of|free\s+of|negative\s+for|no\s+(?:evidence|signs?|history)\s+of"
            r"|rule\s+out|ruled\s+out|exclusion\s+of|excluded|misdiagnos\w*\s+as|mistaken\s+for|mimick?\w*"
            r"|simulat\w*|masquerad\w*\s+as|pseudo|differential\s+diagnosis\s+(?:of|includes?))\b",
            "ruled_out",
            "forward",
        ),
        (
            r"\b(?:(?:was|were|been|is)\s+(?:ruled\s+out|excluded|not\s+(?:found|confirmed|present)))\b",
            "ruled_out",
            "backward",
        ),
        (
            r"\b(?:suspected|suspicion\s+of|suspicious\s+(?:of|for)|possible|possibly|presumed|presumptive|query"
            r"|questionable|thought\s+to\s+(?:be|have)|working\s+diagnosis)\b",
            "suspected",
            "forward",
        ),
        (
            r"\b(?:probable|probably|likely|consistent\s+with|compatible\s+with|suggestive\s+of|suggesting)\b",
            "probable",
            "forward",
        ),
        (
            r"\b(?:confirmed|proven|proved|diagnosed\s+(?:as|with)|diagnosis\s+of|definitive\s+diagnosis"
            r"|established)\b",
            "confirmed",
            "forward",
        ),
        (r"\b(?:was|were)\s+(?:confirmed|proven|established)\b", "confirmed", "backward"),
        (
            r"\b(?:mother|father|sister|brother|sibling|son|daughter|parents?|relatives?|family\s+history\s+of"
            r"|cousin|aunt|uncle|grandmother|grandfather|twin)\b",
            "other_person",
            "forward",
        ),
        (
            r"\b(?:should|must|recommended|may\s+be|can\s+be|could\s+be|is\s+advised|are\s+advised|review\s+of"
            r"|literature)\b",
            "hypothetical",
            "forward",
        ),
    )
]
# A clause ends at these: a trigger's reach stops there.
_CLAUSE_END = re.compile(
    r"[;:]|,\s*(?:but|however|whereas|although|while|and\s+then)\b"
    r"|\s(?:but|however|whereas|although|which|who|based\s+on|on\s+the\s+basis\s+of)\s",
    re.I,
)

# A name used for what is measured, not given: "serum calcium", "methotrexate levels", "anti-insulin antibodies".
_MEASURED_AFTER = re.compile(
    r"^[\s-]*(?:(?:and|or|,)\s+[\w-]+\s+)?(?:levels?|concentrations?|absorption|excretion|studies|scan|scintigraphy|antibod\w*|assays?|tests?|receptors?|deficiency|metabolism|staining|titers?"
    r"|titres?|clearance|-?positive|-?negative|binding|uptake|intoxication|overdose|poisoning|ingestion|abuse"
    r"|dependence|withdrawal\s+syndrome|allergy|hypersensitivity|resistance|resistant|mediated|PET|uptake)\b",
    re.I,
)
_MEASURED_BEFORE = re.compile(
    r"(?:serum|plasma|urinary|urine|blood|anti|elevated|low|high|raised|increased)[\s-]*$", re.I
)
# Words that say something was given or done, near a drug or procedure.
_GIVEN = re.compile(
    r"\b(?:treat\w*|therap\w*|given|gave|giving|received|receiving|administ\w*|started|initiated|commenced|begun"
    r"|prescribed|dose|doses|dosage|mg|mcg|µg|daily|weekly|infusion|injection|injected|responded|response"
    r"|required|requiring|needed|needing|on\s+\w+\s+therapy"
    r"|respond|failed|refractory|resistant\s+to|despite|switched|discontinu\w*|withdraw\w*|stopped|cessation"
    r"|underwent|undergone|undergo|performed|operated|excised|resected|removed|managed|course|courses|cycles?"
    r"|regimen|induced|induction|caused|after|following|on\s+(?:oral|intravenous)|taking|took|use\s+of|using"
    r"|with\s+(?:oral|intravenous|topical)|successful\w*|improv\w*|resolv\w*|remission|led\s+to|resulted\s+in)\b",
    re.I,
)

# Outcome words, strongest first: the one list both the text rules and the MeSH rules (terms.py) read.
OUTCOMES = [
    (result, re.compile(pattern, re.I))
    for result, pattern in (
        (
            "failed",
            r"\b(?:failed|failure\s+of|fails?|refractory|unresponsive|resistant\s+to|no\s+response"
            r"|did\s+not\s+respond|not\s+respond\w*|ineffective|without\s+(?:any\s+)?(?:improvement|response"
            r"|benefit|effect|success)|no\s+(?:clinical\s+)?(?:improvement|benefit|effect)|no\s+sustained"
            r"|despite|unsuccessful\w*|not\s+effective|to\s+no\s+avail)\b",
        ),
        (
            "adverse_event",
            r"\b(?:induced|caused|due\s+to|secondary\s+to|side[\s-]effects?|adverse|toxicity|toxic"
            r"|complication\s+of|reaction\s+to|attributed\s+to|related\s+to|associated\s+with\s+the\s+use"
            r"|(?:while|during)\s+(?:receiving|taking|treatment\s+with|therapy\s+with))\b",
        ),
        ("worsened", r"\b(?:worsen\w*|deteriorat\w*|progress(?:ed|ion|ive)|exacerbat\w*|aggravat\w*|relaps\w*)\b"),
        (
            "resolved",
            r"\b(?:resolv\w*|resolution|disappear\w*|complete(?:ly)?\s+(?:remission|recovery|response"
            r"|resolution|regression|cure)|cured|cure|successful\w*|recovered\s+(?:fully|completely)"
            r"|full\s+recovery|normali[sz]\w*|remission|healed|eradicat\w*|correction|uneventful\w*"
            r"|free\s+of\s+(?:disease|recurrence|symptoms|tumou?r|relapse)|no\s+(?:evidence\s+of\s+)?(?:\w+\s+)?recurrence"
            r"|disease[\s-]free|symptom[\s-]free|asymptomatic|corrected|success|(?:is|was|remains?|remained)\s+well"
            r"|reversed|(?:became|become|returned\s+to|back\s+to)\s+normal)\b",
        ),
        (
            "improved",
            r"\b(?:improv\w*|responded|response|partial\w*|recover\w*|better|relie\w*|reduc\w*|decreas\w*"
            r"|regress\w*|effective|benefit\w*|subsided|amelior\w*|alleviat\w*|controlled|beneficial"
            r"|doing\s+well|good\s+(?:result|outcome|recovery|response)|satisfactor\w*|intact|survived"
            r"|cytoreduction|shrinkage|shrank)\b",
        ),
        ("unchanged", r"\b(?:unchanged|no\s+change|stable|persist\w*|no\s+effect)\b"),
    )
]
_WITHDRAWN = re.compile(
    r"\b(?:withdraw\w*|discontinu\w*|cessation|stopp\w*|tapering|taper\w*)\s+(?:of\s+)?(?:the\s+)?\w*\s*$", re.I
)
_DIED = re.compile(r"\b(?:died|death|fatal|expired|succumbed)\b", re.I)

_DOSE = re.compile(
    r"^[^.;]{0,40}?\b(?P<amount>\d+(?:[.,]\d+)?)\s*(?P<unit>mg/kg/day|mg/kg/d|mg/kg|mg/m2|mg/m²|mg/day|mg/d|mg|g/day"
    r"|g/kg|g|µg/kg|µg|mcg|ug|IU/kg|IU|units?|U/kg|mL/kg|ml/kg|mEq)\b",
    re.I,
)
_FREQUENCY = re.compile(
    r"\b(?P<frequency>once\s+daily|twice\s+daily|three\s+times\s+(?:a\s+)?daily|four\s+times\s+(?:a\s+)?daily|daily"
    r"|every\s+\d+\s+(?:hours|days|weeks|months)|weekly|monthly|twice\s+(?:a\s+)?week(?:ly)?|per\s+day|a\s+day"
    r"|/day|b\.?i\.?d\.?|t\.?i\.?d\.?|q\.?i\.?d\.?|nightly|at\s+bedtime)\b",
    re.I,
)
_ROUTES = [
    (route, re.compile(pattern, re.I))
    for route, pattern in (
        ("oral", r"\b(?:orally|oral|by\s+mouth|p\.o\.)\b"),
        ("intravenous", r"\b(?:intravenous\w*|i\.v\.|IV)\b"),
        ("intramuscular", r"\b(?:intramuscular\w*|i\.m\.)\b"),
        ("subcutaneous", r"\b(?:subcutaneous\w*|s\.c\.)\b"),
        ("topical", r"\b(?:topical\w*|cream|ointment)\b"),
        ("inhaled", r"\b(?:inhaled|inhalation|nebuli[sz]ed)\b"),
        ("intrathecal", r"\b(?:intrathecal\w*)\b"),
        ("intranasal", r"\b(?:intranasal\w*|nasal\s+spray)\b"),
        ("sublingual", r"\b(?:sublingual\w*)\b"),
        ("rectal", r"\b(?:rectal\w*|suppositor\w*)\b"),
        ("transdermal", r"\b(?:transdermal\w*|patch)\b"),
        ("ophthalmic", r"\b(?:eye\s+drops|ophthalmic)\b"),
    )
]
# "suspected X based on A, B and C", "presented with A and B": the findings of the patient.
_FINDING_LIST = re.compile(
    r"\b(?:based\s+on|on\s+the\s+basis\s+of|presented\s+with|presenting\s+with|complain\w*\s+of|manifest\w*\s+(?:as|by|with)"
    r"|consisting\s+of|symptoms\s+(?:of|were|included)|signs\s+of|showed|revealed|developed)\s+(?P<list>[^.;]+)",
    re.I,
)
_BASED_ON = re.compile(r"\b(?:based\s+on|on\s+the\s+basis\s+of)\s+(?P<list>[^.;]+)", re.I)
_RESULT_WORDS = re.compile(
    r"^(?P<value>elevated|raised|increased|high|low|decreased|reduced|positive|negative|abnormal|normal|markedly\s+elevated)\s+",
    re.I,
)
_LAB_WORDS = re.compile(
    r"\b(?:level|levels|count|factor|antibod\w*|titer|titre|measures?|rate|test|serum|protein)\b", re.I
)


@dataclass
class ReadCondition:
    name: str
    ui: str
    tree_numbers: tuple[str, ...]
    certainty: str  # suspected, probable, confirmed, ruled_out
    evidence: str
    position: int


@dataclass
class ReadOutcome:
    result: str
    evidence: str


@dataclass
class ReadTreatment:
    name: str
    ui: str
    kind: str  # drug, procedure, other
    evidence: str
    position: int
    dose_amount: Decimal | None = None
    dose_unit: str = ""
    frequency: str = ""
    route: str = ""
    target: str = ""  # a condition's name
    outcomes: list[ReadOutcome] = field(default_factory=list)


@dataclass
class ReadFinding:
    name: str
    kind: str  # symptom, sign, lab
    value: str = ""
    notes: str = ""
    evidence: str = ""


@dataclass
class ReadCase:
    conditions: list[ReadCondition] = field(default_factory=list)
    treatments: list[ReadTreatment] = field(default_factory=list)
    findings: list[ReadFinding] = field(default_factory=list)


@dataclass
class _Sentence:
    start: int
    text: str
    about_patient: bool
    mentions: list[Mention]


def read_case(*, title: str, abstract: str) -> ReadCase:
    """What the title and abstract say of the report's patient."""
    text = f"{title.rstrip('.')}. {abstract}" if abstract else title
    parts = []
    for start, sentence in sentences(text):
        parts.append(
            _Sentence(
                start=start,
                text=sentence,
                # A case report's title names its case.
                about_patient=bool(_PATIENT.search(sentence)) or start < len(title),
                mentions=_with_procedures(sentence, lexicon().mentions(sentence)),
            )
        )
    case = ReadCase()
    case.conditions = _conditions(parts)
    case.treatments = _treatments(parts, case.conditions)
    case.findings = _findings(parts, case.conditions)
    return case


# An operation MeSH has no heading for is still named like one: "spondylectomy", "pyeloplasty".
_OPERATION = re.compile(r"\b[a-z]{3,}(?:ectomy|ectomies|otomy|ostomy|plasty|pexy|rrhaphy|desis)\b", re.I)


# A drug newer than the vocabulary is still named like one: the WHO's stems for international non-proprietary names
# ("pembrolizumab", "osimertinib", "empagliflozin").
_DRUG_STEM = re.compile(
    r"\b[a-z]{3,}(?:mab|tinib|ciclib|parib|lisib|rafenib|zomib|cept|kinra|prazole|sartan|gliptin|gliflozin|glutide"
    r"|navir|previr|buvir|tegravir|xaban|gatran|lukast|setron|floxacin|conazole|dronate|parin)\b",
    re.I,
)


def _with_procedures(sentence: str, mentions: list[Mention]) -> list[Mention]:
    """The lexicon's names, and operations and drugs it lacks, named by their word's ending."""
    extra = [
        Mention(m.start(), m.end(), m.group(), Term(m.group().lower(), kind))
        for pattern, kind in ((_OPERATION, PROCEDURE), (_DRUG_STEM, DRUG))
        for m in pattern.finditer(sentence)
        if not any(n.start <= m.start() < n.end or m.start() <= n.start < m.end() for n in mentions)
    ]
    return sorted([*mentions, *extra], key=lambda m: m.start) if extra else mentions


_REACH = 80  # characters: more than the six words a trigger governs


def _meaning(sentence: str, mention: Mention) -> str:
    """What the words around a name say of it: ruled_out, suspected, probable, confirmed, other_person,
    hypothetical, or "" (stated)."""
    # A trigger reaches a few words only: the words around the name are all that is read, so that a long
    # sentence full of names is read in linear time.
    window_start = max(0, mention.start - _REACH)
    clause_start = window_start
    for end in _CLAUSE_END.finditer(sentence, window_start, mention.start):
        clause_start = end.end()
    window_end = min(len(sentence), mention.end + _REACH)
    clause_end = window_end
    if found := _CLAUSE_END.search(sentence, mention.end, window_end):
        clause_end = found.start()
    before = sentence[clause_start : mention.start]
    after = sentence[mention.end : clause_end]
    meanings = []
    for pattern, meaning, direction in _TRIGGERS:
        if direction == "forward":
            # A trigger governs the next few words only, as far as the name it stands before; a relative only
            # what is said of them at once ("her mother had X", "family history of X").
            reach = 3 if meaning == "other_person" else 6
            if any(len(before[m.end() :].split()) <= reach for m in pattern.finditer(before)):
                meanings.append(meaning)
        elif (m := pattern.search(after)) and len(after[: m.start()].split()) <= 4:
            meanings.append(meaning)
    for meaning in ("other_person", "hypothetical", "ruled_out", "confirmed", "suspected", "probable"):
        if meaning in meanings:
            return meaning
    return ""


def _conditions(parts: list[_Sentence]) -> list[ReadCondition]:
    found: dict[str, ReadCondition] = {}
    general: dict[str, ReadCondition] = {}
    cued: set[str] = set()  # conditions whose certainty some words stated ("suspected", "was ruled out")
    for sentence in parts:
        # What a diagnosis was "based on" is the patient's findings, not more diagnoses.
        evidence_lists = [m.span("list") for m in _BASED_ON.finditer(sentence.text)]
        for mention in sentence.mentions:
            if mention.term.kind != CONDITION or any(a <= mention.start < b for a, b in evidence_lists):
                continue
            meaning = _meaning(sentence.text, mention)
            if meaning in ("other_person", "hypothetical"):
                continue
            key = mention.term.ui or mention.term.name.lower()
            condition = found.get(key) or general.get(key)
            if condition is None:
                condition = ReadCondition(
                    name=mention.term.name,
                    ui=mention.term.ui,
                    tree_numbers=mention.term.tree_numbers,
                    certainty=meaning or "confirmed",
                    evidence=sentence.text,
                    position=sentence.start + mention.start,
                )
                if meaning:
                    cued.add(key)
            elif meaning and (key not in cued or meaning in ("confirmed", "ruled_out")):
                # A certainty said later settles an earlier one: "suspected ..., later confirmed", "... was
                # ruled out"; a name said plainly (a title, a general sentence) settles nothing.
                condition.certainty, condition.evidence = meaning, sentence.text
                cued.add(key)
            if sentence.about_patient:
                found[key] = condition
                general.pop(key, None)
            elif key not in found:
                general[key] = condition
    return sorted(found.values(), key=lambda c: c.position)


# A sentence that says what is generally done, or could be, rather than what was done for this patient ("Surgery is
# the gold standard", "Major surgery is reserved for ...", "medical treatment can be discussed").
_GENERAL = re.compile(
    r"\b(?:should|may|might|can\s+be|could|would|is\s+reserved|reserved\s+for|gold\s+standard|recommend\w*"
    r"|typically|usually|generally|appears?\s+adequate|mainstay|first[\s-]line|treatment\s+of\s+choice"
    r"|avoidance\s+of|avoid\w*|requiring)\b",
    re.I,
)
# ... unless it also says in so many words that this patient had it.
_DONE = re.compile(
    r"\b(?:received|underwent|was\s+(?:treated|given|started|operated|managed)|were\s+(?:given|started)"
    r"|has\s+been\s+treated|we\s+(?:treated|gave|performed|used))\b",
    re.I,
)
# A drug given to test a gland rather than to treat ("stimulation with human chorionic gonadotropin", "TRH resulted
# in an increase in serum thyrotropin levels").
_TESTING = re.compile(
    r"\bstimulation\s+(?:with|by|test)|\b(?:stimulation|tolerance|suppression|challenge|provocation)\s+tests?\b"
    r"|\b(?:increase|rise|decrease|fall)\s+(?:in|of)\s+(?:the\s+)?(?:serum|plasma|blood|urinary)\b",
    re.I,
)


def _treatments(parts: list[_Sentence], conditions: list[ReadCondition]) -> list[ReadTreatment]:
    found: dict[str, ReadTreatment] = {}
    for sentence in parts:
        if _GENERAL.search(sentence.text) and not _DONE.search(sentence.text):
            continue
        testing = bool(_TESTING.search(sentence.text))
        given = [
            m
            for m in sentence.mentions
            if m.term.kind in TREATMENT_KINDS
            and not (testing and m.term.kind == DRUG)
            and _is_given(sentence.text, m)
            and _meaning(sentence.text, m) not in ("hypothetical", "other_person")
        ]
        for mention in given:
            key = mention.term.ui or mention.term.name.lower()
            treatment = found.get(key)
            if treatment is not None and treatment.position < len(parts[0].text) and sentence is not parts[0]:
                # The order is the narrative's: a title names the treatment the report is about, not when it came.
                treatment.position, treatment.evidence = sentence.start + mention.start, sentence.text
            if treatment is None:
                treatment = found[key] = ReadTreatment(
                    name=mention.term.name,
                    ui=mention.term.ui,
                    kind=mention.term.kind,
                    evidence=sentence.text,
                    position=sentence.start + mention.start,
                )
            _dose(treatment, sentence.text, mention)
        for mention, result in _outcomes(sentence.text, given):
            key = mention.term.ui or mention.term.name.lower()
            treatment = found[key]
            same = next((o for o in treatment.outcomes if o.result == result), None)
            if same is None:
                treatment.outcomes.append(ReadOutcome(result, sentence.text))
            elif same.evidence == parts[0].text:
                same.evidence = sentence.text  # the abstract's own sentence says it better than the title
    treatments = sorted(found.values(), key=lambda t: t.position)
    for treatment in treatments:
        treatment.target = _target(treatment, conditions, parts)
    return treatments


def _is_given(sentence: str, mention: Mention) -> bool:
    if _MEASURED_AFTER.search(sentence[mention.end : mention.end + 40]):
        return False
    if _MEASURED_BEFORE.search(sentence[max(0, mention.start - 20) : mention.start]):
        return False
    if mention.term.kind == OTHER:
        return True
    if mention.term.kind == PROCEDURE:
        # An operation named is one done ("had a hysterectomy", "after splenectomy"), unless the words deny it.
        return _meaning(sentence, mention) != "ruled_out"
    # The words that say it was given stand near it: "was treated with X", "X 5 mg daily", "X therapy".
    return bool(_GIVEN.search(sentence, max(0, mention.start - 60), min(len(sentence), mention.end + 50)))


def _outcomes(sentence: str, given: list[Mention]) -> list[tuple[Mention, str]]:
    """The result each clause of the sentence gives for the treatment it names."""
    if not given or re.search(r"\b(?:should|must|recommend\w*|may\s+be|can\s+be)\b", sentence, re.I):
        return []
    found = []
    bounds = [
        0,
        *(m.start() for m in re.finditer(r",?\s+but\s+|;\s*|,\s*however,?\s*|\s+whereas\s+", sentence, re.I)),
        len(sentence),
    ]
    previous = ""
    for start, end in itertools.pairwise(bounds):
        clause = sentence[start:end]
        named = [m for m in given if start <= m.start < end]
        results = [result for result, pattern in OUTCOMES if pattern.search(clause)]
        if (
            named
            and not results
            and previous in ("improved", "resolved")
            and re.match(r",?\s*but\s+not\b", clause, re.I)
        ):
            # "responded to X, but not to Y": Y did not work.
            found += [(mention, "failed") for mention in named]
            continue
        previous = results[0] if results else previous
        if not named or not results:
            continue
        result = results[0]
        # One treatment named twice in a clause ("on X developed a rash that resolved after withdrawal of X")
        # gets one result: what its withdrawal showed, when the clause tells of one.
        withdrawn = {_key(m) for m in named if _WITHDRAWN.search(sentence[start : m.start])}
        for mention in named:
            key = _key(mention)
            if key in withdrawn and not _WITHDRAWN.search(sentence[start : mention.start]):
                continue
            if re.search(r"\bdespite\s+(?:\w+\s+){0,4}$", sentence[start : mention.start], re.I):
                found.append((mention, "failed"))
                continue
            if re.search(
                r"\bbut\s+not\s+(?:to\s+)?(?:\w+\s+){0,2}$", sentence[max(start - 8, 0) : mention.start], re.I
            ):
                found.append((mention, "failed"))
                continue
            if key in withdrawn:
                # What follows a drug's withdrawal says what the drug did: a rash that resolved was the drug's.
                if result in ("resolved", "improved"):
                    found.append((mention, "adverse_event"))
                elif result == "worsened":
                    found.append((mention, "improved"))
                continue
            if result == "adverse_event" and not _caused_by(clause, mention.text):
                continue  # harm in the clause that the words do not lay at this treatment's door
            if _DIED.search(clause) and result in ("failed",) and "despite" not in clause.lower():
                if mention.term.kind == PROCEDURE and re.search(r"\b(?:after|following)\b", clause, re.I):
                    found.append((mention, "adverse_event"))
                continue
            found.append((mention, result))
    return found


def _key(mention: Mention) -> str:
    return mention.term.ui or mention.term.name.lower()


def _caused_by(clause: str, name: str) -> bool:
    """Whether the clause lays harm at this treatment's door: "X-induced", "caused by X", "due to X", "X toxicity",
    "reaction to X", "a complication of X", "developed ... while receiving X"."""
    return bool(_harm_laid_at(name.lower()).search(clause))


@functools.lru_cache(maxsize=4096)
def _harm_laid_at(name: str) -> re.Pattern:
    x = re.escape(name)
    words = r"(?:\w+\s+){0,3}"
    return re.compile(
        rf"{x}[\s-]*(?:induced|associated|related)|(?:induced|caused)\s+by\s+{words}{x}"
        rf"|(?:due|secondary|attributed|related)\s+to\s+{words}{x}|{x}\s+(?:\w+\s+){{0,2}}(?:toxicity|side[\s-]effects?"
        rf"|reaction)|reaction\s+to\s+{words}{x}|complication\s+of\s+{words}{x}"
        rf"|\bdevelop\w*\b.*\b(?:while|during)\s+(?:receiving|taking|treatment\s+with|therapy\s+with)\s+{words}{x}",
        re.I,
    )


def _dose(treatment: ReadTreatment, sentence: str, mention: Mention) -> None:
    after = sentence[mention.end :]
    if treatment.dose_amount is None and treatment.kind == DRUG and (match := _DOSE.search(after)):
        try:
            amount = Decimal(match.group("amount").replace(",", "."))
        except InvalidOperation:
            amount = None
        if amount and amount > 0:
            treatment.dose_amount, treatment.dose_unit = amount, match.group("unit")
    window = sentence[max(0, mention.start - 40) : mention.end + 60]
    if not treatment.frequency and treatment.kind == DRUG and (match := _FREQUENCY.search(window)):
        treatment.frequency = re.sub(r"\s+", " ", match.group("frequency").lower())
    if not treatment.route and treatment.kind == DRUG:
        for route, pattern in _ROUTES:
            if pattern.search(window):
                treatment.route = route
                break


def _target(treatment: ReadTreatment, conditions: list[ReadCondition], parts: list[_Sentence]) -> str:
    """The condition a treatment was given for: the only one the patient has, the one its sentence names, or the
    one the title names."""
    had = [c for c in conditions if c.certainty != "ruled_out"]
    if len(had) == 1:
        return had[0].name
    for sentence in parts:
        if not (sentence.start <= treatment.position < sentence.start + len(sentence.text) + 2):
            continue
        named = [
            c for c in had for m in sentence.mentions if (m.term.ui or m.term.name.lower()) == (c.ui or c.name.lower())
        ]
        if len({c.name for c in named}) == 1:
            return named[0].name
    # Else the disease the case report is about, when its title names one: what the case was treated for.
    if parts:
        title = parts[0]
        main = {c.name for c in had if c.certainty == "confirmed" and c.position < title.start + len(title.text)}
        if len(main) == 1:
            return main.pop()
    return ""


def _findings(parts: list[_Sentence], conditions: list[ReadCondition]) -> list[ReadFinding]:
    found: dict[str, ReadFinding] = {}
    for sentence in parts:
        if not sentence.about_patient:
            continue
        for match in _FINDING_LIST.finditer(sentence.text):
            items = re.split(r",\s*(?:and\s+|or\s+)?|\s+and\s+", match.group("list"))
            for item in items:
                finding = _finding_item(item, sentence.text)
                if finding and finding.name.lower() not in found:
                    found[finding.name.lower()] = finding
        for mention in sentence.mentions:
            if mention.term.kind == FINDING and not _meaning(sentence.text, mention):
                name = mention.text.lower()
                if name not in found and mention.term.name.lower() not in found:
                    found[name] = ReadFinding(name=name, kind="symptom", evidence=sentence.text)
    return list(found.values())


def _finding_item(item: str, sentence: str) -> ReadFinding | None:
    item = re.sub(r"^(?:a|an|the|her|his|their|marked|severe|mild|progressive)\s+", "", item.strip(), flags=re.I)
    notes = ""
    if match := re.match(
        r"(?P<notes>long-standing|longstanding|chronic|recurrent|intermittent|persistent)\s+", item, re.I
    ):
        notes, item = match.group("notes").lower(), item[match.end() :]
    value = ""
    if match := _RESULT_WORDS.match(item):
        value, item = match.group("value").lower(), item[match.end() :]
    item = re.sub(r"^(?:a|an|the)\s+", "", item.strip(), flags=re.I).strip(" ,.")
    words = item.split()
    if not words or len(words) > 5 or not re.match(r"^[a-z]", item, re.I):
        return None
    mentions = lexicon().mentions(item)
    if not value and not any(m.term.kind == FINDING for m in mentions) and not _looks_like_symptom(item):
        return None
    kind = "lab" if value or _LAB_WORDS.search(item) else "symptom"
    return ReadFinding(name=item.lower(), kind=kind, value=value, notes=notes, evidence=sentence)


def _looks_like_symptom(item: str) -> bool:
    return bool(
        re.search(
            r"\b(?:pain|ache|aching|dry|dryness|fatigue|fever|swelling|rash|cough|weakness|nausea"
            r"|vomiting|headache|dyspnea|dyspnoea|itching|pruritus|bleeding|numbness|tingling|loss"
            r"|stiffness|tenderness|discomfort|malaise|diarrh\w+|constipation|seizures?|palpitations?)\b",
            item,
            re.I,
        )
    )
