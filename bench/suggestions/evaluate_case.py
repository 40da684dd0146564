"""Scores the suggested cases against the whole-case labels (case_labels.jsonl), field by field, with 95 % intervals.

    python bench/suggestions/evaluate_case.py --files var/baseline                   # development: tuning + held_out_1
    python bench/suggestions/evaluate_case.py --files var/baseline --show conditions # every disagreement on conditions
    python bench/suggestions/evaluate_case.py --files var/baseline --split held_out_2  # held out: once, at the end

The suggestions are read from the PubMed records themselves (the baseline files hold every sampled report), as an
import reads them: title, abstract, keywords, MeSH headings with their qualifiers, substances.

How values are compared:
- patient count: the number of suggested patients (0 when none) against the labelled count, over the reports whose
  count the labels give; accuracy.
- patients are paired by position (the first suggested with the first labelled); age, sex as in evaluate.py.
- conditions and interventions, report by report (the report's patients together), over the reports whose labels
  describe their patients one by one or say there is none: the same MeSH descriptor (the label's UI, or the
  descriptor whose name or entry term the name is), else the same name once lower-cased and stripped of
  punctuation. Precision: right / suggested; recall: right / labelled.
- certainty: the share of matched conditions whose certainty is the label's.
- outcomes: a suggested outcome is right when its treatment matched a labelled one that has that result.
- dose, route and target: the share of matched treatments where the label gives one and the suggestion has the
  same; for the target also the share of suggested targets that are the labelled one.
Rows marked ~ also count a descriptor just above or below the labelled one in MeSH as right. Intervals are Wilson
score intervals at 95 %.
"""

import argparse
import gzip
import json
import math
import os
import re
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
PARTS = {"development": {"tuning", "held_out_1"}, "held_out_2": {"held_out_2"}}
FIELDS = ("count", "age", "sex", "conditions", "conditions ~", "interventions", "interventions ~", "outcomes")


def wilson(right: int, total: int, z: float = 1.96) -> tuple[float, float]:
    if not total:
        return (float("nan"), float("nan"))
    p = right / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return (max(0.0, centre - half), min(1.0, centre + half))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=sorted(PARTS), default="development")
    parser.add_argument("--files", default="var/baseline", help="directory of the baseline .xml.gz files")
    parser.add_argument("--show", nargs="*", help="print the disagreements of these fields (all when none given)")
    args = parser.parse_args()

    sys.path.insert(0, str(HERE.parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebase.settings")
    import django

    django.setup()
    from reports.mesh import thesaurus
    from reports.suggestions import SuggestionInput, suggest_case

    cases = [case for case in _lines(HERE / "cases.jsonl") if case["split"] in PARTS[args.split]]
    labels = {label["pmid"]: label for label in _lines(HERE / "case_labels.jsonl")}
    missing = [case["pmid"] for case in cases if case["pmid"] not in labels]
    if missing:
        sys.exit(f"{len(missing)} reports of this part have no label (case_labels.jsonl), e.g. PMID {missing[0]}")
    records = _records(Path(args.files), {case["pmid"] for case in cases})
    if len(records) < len(cases):
        sys.exit(f"only {len(records)} of {len(cases)} sampled reports are in {args.files}")
    mesh = thesaurus()
    scores = {name: Counter() for name in FIELDS}
    details = Counter()
    errors: dict[str, Counter] = {name: Counter() for name in FIELDS}
    shown = set(args.show or FIELDS) if args.show is not None else set()
    seconds = 0.0
    suggest_case(SuggestionInput(title="Warming up", abstract="A 47-year-old woman."))  # loads MeSH once
    for case in cases:
        label = labels[case["pmid"]]
        started = time.perf_counter()
        patients = suggest_case(SuggestionInput.from_record(records[case["pmid"]]))
        seconds += time.perf_counter() - started
        problems: list[tuple[str, str]] = []
        if label["patient_count"] is not None:
            scores["count"]["labelled"] += 1
            scores["count"]["suggested"] += 1
            if len(patients) == label["patient_count"]:
                scores["count"]["right"] += 1
            else:
                problems.append(("count", f"{len(patients)} patients, label {label['patient_count']}"))
        for position in range(max(len(patients), len(label["patients"]))):
            got = patients[position] if position < len(patients) else None
            want = label["patients"][position] if position < len(label["patients"]) else None
            where = f"patient {position + 1}"
            got_age = _age(got.age_value, got.age_unit) if got and got.age_value is not None else None
            want_age = _age(want["age"]["value"], want["age"]["unit"]) if want and want["age"] else None
            _value(scores["age"], got_age, want_age, problems, "age", where)
            got_sex = got.sex if got and got.sex != "unknown" else None
            _value(scores["sex"], got_sex, want["sex"] if want else None, problems, "sex", where)
        # The case is compared report by report: a group the labels describe only as a group ("12 patients with
        # Crohn's disease") has no labelled case, so its report is left out of these; a report with no patient
        # (count 0) has an empty one.
        if label["patients"] or label["patient_count"] == 0:
            _case(scores, details, patients, label["patients"], mesh, problems)
        for field, problem in problems:
            errors[field][_kind(problem)] += 1
            if field in shown:
                print(f"{case['pmid']} {field}: {problem}")

    print(f"Suggested cases on the {args.split} part of the whole-case labels ({len(cases)} reports)")
    print(f"{'':14} {'suggested':>9} {'labelled':>8} {'right':>6} {'precision':>17} {'recall':>17}")
    for name, score in scores.items():
        found = score["found"] if name.endswith("~") else score["right"]
        print(
            f"{name:14} {score['suggested']:9} {score['labelled']:8} {score['right']:6} "
            f"{_share(score['right'], score['suggested']):>17} {_share(found, score['labelled']):>17}"
        )
    print("(~: a broader or narrower MeSH heading counts as right)")
    print()
    for what in ("certainty", "dose", "route", "target"):
        print(
            f"{what:14} right on {_share(details[f'{what} right'], details[f'{what} labelled'])} "
            f"of {details[f'{what} labelled']} matched with a label"
        )
    print(
        f"target         suggested: right on {_share(details['target suggested right'], details['target suggested'])}"
        f" of {details['target suggested']} matched treatments given one"
    )
    print("\nKinds of error:")
    for name, kinds in errors.items():
        if kinds:
            print(f"  {name}: " + ", ".join(f"{kind} {n}" for kind, n in kinds.most_common()))
    print(f"\nReading cost: {seconds / len(cases) * 1000:.2f} ms per report")


def _case(scores: dict, details: Counter, patients: list, labelled: list[dict], mesh, problems: list) -> None:
    got_conditions = {_key(d.condition, "", mesh): d for p in patients for d in p.diagnoses}
    want_conditions = {_key(c["name"], c.get("mesh_ui"), mesh): c for p in labelled for c in p["conditions"]}
    _near(scores["conditions ~"], got_conditions, want_conditions, mesh)
    for key in _sets(scores["conditions"], got_conditions, want_conditions, problems, "conditions"):
        details["certainty labelled"] += 1
        got, want = got_conditions[key].certainty, want_conditions[key]["certainty"]
        if got == want:
            details["certainty right"] += 1
        else:
            problems.append(("conditions", f"{key} certainty {got}, label {want}"))
    got_treatments = {_key(t.intervention, "", mesh): t for p in patients for t in p.treatments}
    want_treatments = {_key(t["intervention"], t.get("mesh_ui"), mesh): t for p in labelled for t in p["treatments"]}
    _near(scores["interventions ~"], got_treatments, want_treatments, mesh)
    matched = _sets(scores["interventions"], got_treatments, want_treatments, problems, "interventions")
    outcomes = scores["outcomes"]
    for key, treatment in want_treatments.items():
        wanted = {o["result"] for o in treatment["outcomes"]}
        outcomes["labelled"] += len(wanted)
        suggested = {o.result for o in got_treatments[key].outcomes} if key in matched else set()
        outcomes["right"] += len(wanted & suggested)
        for result in wanted - suggested:
            problems.append(("outcomes", f"{key} missed {result}"))
        for result in suggested - wanted:
            problems.append(("outcomes", f"{key} {result} wrong (label {sorted(wanted)})"))
        if key in matched:
            _details(details, got_treatments[key], treatment, mesh)
    for key, treatment in got_treatments.items():
        outcomes["suggested"] += len({o.result for o in treatment.outcomes})
        if key not in want_treatments:
            for outcome in treatment.outcomes:
                problems.append(("outcomes", f"{outcome.result} on {key}, not a labelled treatment"))


def _lines(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def _records(directory: Path, pmids: set[int]) -> dict:
    from reports.importers.pubmed_xml import read_pubmed_xml

    found = {}
    for path in sorted(directory.glob("*.xml.gz")):
        with gzip.open(path) as stream:
            for record in read_pubmed_xml(stream, source=path.name):
                if getattr(record, "pmid", None) in pmids:
                    found[record.pmid] = record
    return found


_MODIFIERS = re.compile(
    r"^(?:(?:a|an|the|bilateral|unilateral|left|right|partial|total|subtotal|radical|complete)\s+)+"
)


def _key(name: str, ui: str | None, mesh) -> str:
    """The same key for a suggestion and a label that name one thing: its MeSH descriptor (the label's UI, the
    descriptor the name is, or the lexicon's term for the whole name), else the name without laterality and extent
    ("bilateral condylectomy" is "condylectomy")."""
    from reports.suggestions.lexicon import lexicon

    if ui:
        return ui
    bare = _MODIFIERS.sub("", re.sub(r"[^a-z0-9]+", " ", name.lower()).strip())
    # The lexicon first: its own terms ("surgical excision" is its "Surgery") have no descriptor, and MeSH would
    # read "Surgery" as the specialty.
    term = lexicon().term(name) or lexicon().term(bare)
    if term:
        return term.ui or term.name.lower()
    named = mesh.named(name)
    if len(named) == 1:
        return named[0].ui
    return bare


def _age(value, unit: str) -> tuple[Decimal, str]:
    value = Decimal(str(value))
    if unit == "hours":
        value, unit = (value / 24).quantize(Decimal("0.01")), "days"
    return value.normalize(), unit


def _value(score: Counter, got, want, problems: list, field: str, where: str) -> None:
    score["labelled"] += want is not None
    if got is None:
        if want is not None:
            problems.append((field, f"{where}: missed {want}"))
        return
    score["suggested"] += 1
    if got == want:
        score["right"] += 1
    else:
        problems.append((field, f"{where}: {got} wrong (label {want})"))


def _sets(score: Counter, got: dict, want: dict, problems: list, field: str) -> set:
    score["suggested"] += len(got)
    score["labelled"] += len(want)
    matched = set(got) & set(want)
    score["right"] += len(matched)
    for key in set(got) - matched:
        problems.append((field, f"{_name(got[key])} ({key}) wrong{_source(got[key])}"))
    for key in set(want) - matched:
        problems.append((field, f"{_name(want[key])} ({key}) missed"))
    return matched


def _near(score: Counter, got: dict, want: dict, mesh) -> None:
    """Right when the same descriptor or one just above or below it in MeSH ("Diabetes Mellitus" for "Diabetes
    Mellitus, Type 1"): how far off the strict figures are."""

    def close(a: str, b: str) -> bool:
        if a == b:
            return True
        first, second = mesh.get(a), mesh.get(b)
        return bool(first and second and (first.is_under(second) or second.is_under(first)))

    score["suggested"] += len(got)
    score["labelled"] += len(want)
    score["right"] += sum(any(close(g, w) for w in want) for g in got)
    score["found"] += sum(any(close(g, w) for g in got) for w in want)


def _name(value) -> str:
    if isinstance(value, dict):
        return value.get("name") or value.get("intervention", "")
    return getattr(value, "condition", None) or getattr(value, "intervention", "")


def _details(details: Counter, got, want: dict, mesh) -> None:
    if want.get("dose"):
        details["dose labelled"] += 1
        amount = Decimal(str(want["dose"]["amount"])) if want["dose"].get("amount") is not None else None
        details["dose right"] += got.dose_amount == amount and got.dose_unit == want["dose"].get("unit", "")
    if want.get("route"):
        details["route labelled"] += 1
        details["route right"] += got.route == want["route"]
    if got.target:
        details["target suggested"] += 1
        details["target suggested right"] += bool(want.get("target")) and _key(got.target, "", mesh) == _key(
            want["target"], "", mesh
        )
    if want.get("target"):
        details["target labelled"] += 1
        right = bool(got.target) and _key(got.target, "", mesh) == _key(want["target"], "", mesh)
        details["target right"] += right
        if not right and os.environ.get("SHOW_TARGETS"):
            print(f"target: {_name(got)}: {got.target!r}, label {want['target']!r}")


def _source(suggested) -> str:
    """Where a suggestion came from, for the kinds of error: MeSH's indexing, a keyword, or the text."""
    evidence = getattr(suggested, "evidence", "")
    if evidence.startswith("MeSH"):
        return " from MeSH"
    if evidence.startswith("Keyword"):
        return " from a keyword"
    return " from the text"


def _kind(problem: str) -> str:
    if " missed" in problem:
        return "missed"
    if "certainty" in problem:
        return "certainty"
    if "not a labelled treatment" in problem:
        return "on a wrong treatment"
    if "patients, label" in problem:
        return "count"
    for source in (" from MeSH", " from a keyword", " from the text"):
        if problem.endswith(source):
            return "wrong" + source
    return "wrong"


def _share(right: int, total: int) -> str:
    if not total:
        return "-"
    low, high = wilson(right, total)
    return f"{right / total:.2f} [{low:.2f}, {high:.2f}]"


if __name__ == "__main__":
    main()
