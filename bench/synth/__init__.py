"""Synthetic case reports in the shape of real ones, for the benchmarks (issue 5).

profile.py learns the shape from the real PubMed baseline files into profile.json (committed, so that nothing else
needs the baseline files); generate.py writes any number of PubMed XML records from it, deterministically from a
seed, that the project's importer reads like a baseline file.

    python -m bench.synth.profile --files var/baseline --out bench/synth/profile.json
    python -m bench.synth.generate --reports 100000 --seed 1 --out var/synth/synth-100k.xml.gz

Generated records cannot be mistaken for real ones: PMIDs start at 100,000,000 (PubMed's are below 50 million),
PMCIDs at PMC100000000, DOIs are under the unassigned prefix 10.99999, and the rare words, names and journals the
real files cannot supply are made-up words (see generate.pseudo_word).
"""

from pathlib import Path

PROFILE = Path(__file__).resolve().parent / "profile.json"
PMID_BASE = 100_000_000  # the first generated record's PMID
PMCID_BASE = 100_000_000
# PMIDs and PMCIDs of cited articles that are not among the generated records: a range no record ever gets.
EXTERNAL_ID_BASE = 500_000_000
DOI_PREFIX = "10.99999"
