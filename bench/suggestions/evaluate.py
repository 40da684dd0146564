"""Scores the patient suggestions against the labelled sample, and measures how many baseline case reports get one.

    python bench/suggestions/evaluate.py                      # the development part (tuning + held_out_1)
    python bench/suggestions/evaluate.py --split held_out     # the held-out part: final figures only
    python bench/suggestions/evaluate.py --files var/baseline # also coverage and cost on the baseline files

Precision is the share of suggested values that are right; recall the share of labelled values that were
suggested right. Patients are compared by position (the first suggested with the first labelled). An age is right
when its value and unit are those of the label; a count that the labels leave open (null) is a wrong suggestion.
"""

import argparse
import gzip
import json
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--split", choices=["development", "tuning", "held_out_1", "held_out", "all"], default="development"
    )
    parser.add_argument("--files", help="directory of the baseline .xml.gz files: coverage and cost per record")
    parser.add_argument("--show", action="store_true", help="print every disagreement")
    args = parser.parse_args()

    sys.path.insert(0, str(HERE.parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebase.settings")
    import django

    django.setup()
    from reports.suggestions.patients import suggest_patients

    cases = _lines(HERE / "cases.jsonl")
    labels = {label["pmid"]: label for label in _lines(HERE / "labels.jsonl")}
    scores = {name: {"suggested": 0, "labelled": 0, "right": 0} for name in ("count", "age", "sex")}
    parts = {"development": {"tuning", "held_out_1"}, "all": {"tuning", "held_out_1", "held_out"}}
    chosen = [case for case in cases if case["split"] in parts.get(args.split, {args.split})]
    missing = [case["pmid"] for case in chosen if case["pmid"] not in labels]
    if missing:
        sys.exit(f"{len(missing)} reports of this part have no label yet (labels.jsonl), e.g. PMID {missing[0]}")
    for case in chosen:
        label = labels[case["pmid"]]
        suggestion = suggest_patients(title=case["title"], abstract=case["abstract"], mesh=case["mesh"])
        problems = []
        count = scores["count"]
        count["labelled"] += label["patient_count"] is not None
        if suggestion.count is not None:
            count["suggested"] += 1
            if suggestion.count == label["patient_count"]:
                count["right"] += 1
            else:
                problems.append(f"count {suggestion.count} != {label['patient_count']}")
        for position in range(max(len(suggestion.patients), len(label["patients"]))):
            got = suggestion.patients[position] if position < len(suggestion.patients) else None
            want = label["patients"][position] if position < len(label["patients"]) else {"age": None, "sex": None}
            got_age = _age(got.age.value, got.age.unit) if got and got.age else None
            want_age = _age(want["age"]["value"], want["age"]["unit"]) if want["age"] else None
            _score(scores["age"], got_age, want_age, problems, f"patient {position + 1} age")
            _score(
                scores["sex"], (got.sex or None) if got else None, want["sex"], problems, f"patient {position + 1} sex"
            )
        if problems and args.show:
            print(f"{case['pmid']}: {'; '.join(problems)}")

    print(f"Patient suggestions on the {args.split} part of the labelled sample ({len(chosen)} reports)")
    print(f"{'':8} {'suggested':>9} {'labelled':>8} {'right':>6} {'precision':>9} {'recall':>7}")
    for name, score in scores.items():
        precision = score["right"] / score["suggested"] if score["suggested"] else float("nan")
        recall = score["right"] / score["labelled"] if score["labelled"] else float("nan")
        print(
            f"{name:8} {score['suggested']:9} {score['labelled']:8} {score['right']:6} {precision:9.3f} {recall:7.3f}"
        )
    if args.files:
        _coverage(args.files)


def _lines(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def _age(value, unit: str) -> tuple[Decimal, str]:
    value = Decimal(str(value))
    if unit == "hours":
        value, unit = (value / 24).quantize(Decimal("0.01")), "days"
    return value.normalize(), unit


def _score(score: dict, got, want, problems: list, what: str) -> None:
    score["labelled"] += want is not None
    if got is None:
        if want is not None:
            problems.append(f"{what}: none, label {want}")
        return
    score["suggested"] += 1
    if got == want:
        score["right"] += 1
    else:
        problems.append(f"{what}: {got} != {want}")


def _coverage(directory: str) -> None:
    from reports.importers.pubmed_xml import read_pubmed_xml
    from reports.suggestions import SuggestionInput, suggest_case

    reports = with_patient = 0
    seconds = 0.0
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".xml.gz"):
            continue
        with gzip.open(Path(directory) / name) as stream:
            for record in read_pubmed_xml(stream, source=name):
                if not hasattr(record, "publication_types") or "Case Reports" not in record.publication_types:
                    continue
                reports += 1
                started = time.perf_counter()
                case = suggest_case(SuggestionInput.from_record(record))
                seconds += time.perf_counter() - started
                with_patient += bool(case)
    print(
        f"\nBaseline case reports: {reports}; with at least one suggested patient: {with_patient} "
        f"({with_patient / reports:.1%}); suggestion cost {seconds / reports * 1000:.2f} ms per report"
    )


if __name__ == "__main__":
    main()
