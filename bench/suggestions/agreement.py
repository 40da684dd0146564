"""How far two independent readings of the same case reports agree: the labels' own margin of error.

    python bench/suggestions/agreement.py        # case_labels.jsonl against case_labels_second_reading.jsonl

A second reader labelled 40 reports drawn at random (20 from the tuning parts, 20 from held_out_2) without seeing
the first labels. For each field: how many values each reading gives, how many both give, and the share of each
reading's values the other has (with 95 % Wilson intervals). Values are compared as evaluate_case.py compares a
suggestion with a label (same MeSH descriptor, or same name; patients by position; the case report by report).
"""

import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))
sys.path.insert(0, str(HERE))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebase.settings")
    import django

    django.setup()
    from evaluate_case import _age, _key, _share

    from reports.mesh import thesaurus

    mesh = thesaurus()
    first = {label["pmid"]: label for label in _lines(HERE / "case_labels.jsonl")}
    second = _lines(HERE / "case_labels_second_reading.jsonl")
    counts = {
        name: [0, 0, 0] for name in ("count", "age", "sex", "conditions", "certainty", "interventions", "outcomes")
    }

    def compare(name: str, a: set, b: set) -> None:
        counts[name][0] += len(a)
        counts[name][1] += len(b)
        counts[name][2] += len(a & b)

    for label in second:
        other = first[label["pmid"]]
        compare("count", {other["patient_count"]} - {None}, {label["patient_count"]} - {None})
        for position in range(max(len(other["patients"]), len(label["patients"]))):
            a = other["patients"][position] if position < len(other["patients"]) else None
            b = label["patients"][position] if position < len(label["patients"]) else None
            compare(
                "age",
                {_age(a["age"]["value"], a["age"]["unit"])} if a and a["age"] else set(),
                {_age(b["age"]["value"], b["age"]["unit"])} if b and b["age"] else set(),
            )
            compare("sex", {a["sex"]} - {None} if a else set(), {b["sex"]} - {None} if b else set())

        def case(patients: list[dict]) -> tuple[dict, dict]:
            conditions = {
                _key(c["name"], c.get("mesh_ui"), mesh): c["certainty"] for p in patients for c in p["conditions"]
            }
            treatments = {
                _key(t["intervention"], t.get("mesh_ui"), mesh): {o["result"] for o in t["outcomes"]}
                for p in patients
                for t in p["treatments"]
            }
            return conditions, treatments

        (ca, ta), (cb, tb) = case(other["patients"]), case(label["patients"])
        compare("conditions", set(ca), set(cb))
        compare("certainty", {(k, v) for k, v in ca.items() if k in cb}, {(k, v) for k, v in cb.items() if k in ca})
        compare("interventions", set(ta), set(tb))
        compare(
            "outcomes",
            {(k, r) for k, results in ta.items() for r in results},
            {(k, r) for k, results in tb.items() for r in results},
        )
    print(f"Agreement of two readings on {len(second)} case reports")
    print(f"{'':14} {'first':>6} {'second':>6} {'both':>5} {'first found by second':>22} {'second found by first':>22}")
    for name, (a, b, both) in counts.items():
        print(f"{name:14} {a:6} {b:6} {both:5} {_share(both, a):>22} {_share(both, b):>22}")


def _lines(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


if __name__ == "__main__":
    main()
