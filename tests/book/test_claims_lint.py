"""The claims lint over the whole book: every claim can fail, and no result number is typed by hand.

Claims are read from the committed reference notebooks (chapters/<name>.ipynb), which the build
reproduces within a tolerance (test_references.py); prose, captions and alt text from the MyST
sources. labutils.claimlint holds the rules; tests/code/test_claimlint.py plants one defect of
each kind to show that the rules catch it.
"""

import json
import re
from pathlib import Path

import pytest

from labutils.claimlint import claim_problems, typed_numbers

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted(p for p in (ROOT / "chapters").glob("*.md") if re.search(r"^kernelspec:", p.read_text(), re.M))

#: Phrases the lint cannot tell from results, each with the reason it is not one. At most 20.
ALLOWED = {
    "CC BY 4.0": "a licence's name (datasheets)",
    "correlation coefficient of 0.2 can be": "a hypothetical value in an explanation (eda)",
    "among the cases it scores 0.3, 30% are": "the definition of calibration (evaluation)",
    "middle blob to 0.5": "the simulation's true probability, by construction (evaluation)",
    "correlation above 0.99": "the set-up of the duplicated feature (explainability)",
    "far below 0.8": "the four-fifths rule's threshold (fairness)",
    "score near 0.3, about 30%": "the definition of calibration (fairness)",
    "as the guide prints": "fairlearn's user-guide example, quoted as published (fairness)",
    "ESL reports about 3%": "the published number that a claim's source= records (leakage)",
    "It prints a coefficient of": "scikit-learn's example output, quoted as published and reproduced by claims (math)",
    "the example's 0.0255": "scikit-learn's published bias-variance decomposition, reproduced by claims (math)",
    "against fixed bands": "the PSI rule-of-thumb bands 0.1 and 0.25, set-up (monitoring)",
    "more than 0.005 fails the gate": "the release gate's tolerance, set-up (reproducibility)",
    "around 100 MB in memory": "Dask's documented partition-size rule of thumb (scaling)",
    "we guess that about 5%": "a parameter the chapter chooses (clustering)",
}


def _records(notebook: Path) -> list[dict]:
    cells = json.loads(notebook.read_text())["cells"]
    return [o["metadata"]["labutils"] for c in cells for o in c.get("outputs", [])
            if "labutils" in o.get("metadata", {})]


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda md: md.stem)
def test_every_claim_can_fail(md):
    "claims lint: no claim without a bound, no uninformative range, no exact claim without a source"
    findings = claim_problems(_records(md.with_suffix(".ipynb")), where=md.stem)
    assert not findings, f"{md.name}:\n" + "\n".join(f"  {f.problem}: {f.text}" for f in findings)


@pytest.mark.parametrize("md", CHAPTERS, ids=lambda md: md.stem)
def test_no_result_number_is_typed_by_hand(md):
    "claims lint: prose, captions and alt text state no result number that a claim does not glue"
    findings = typed_numbers(md.read_text(), where=md.stem, allowed=ALLOWED)
    assert not findings, (f"{md.name}: glue these numbers from claims, describe the figure's shape without "
                          "numbers, or (set-up only) add the phrase to ALLOWED with a reason:\n"
                          + "\n".join(f"  {f.problem}: {f.text}" for f in findings))


def test_allow_list_is_short_and_every_entry_is_used():
    "claims lint: the allow-list has at most 20 explained entries, and each still matches a chapter"
    assert len(ALLOWED) <= 20
    text = " ".join(re.sub(r"\s+", " ", md.read_text()) for md in CHAPTERS)
    unused = [phrase for phrase in ALLOWED if phrase not in text]
    assert not unused, f"remove allow-list entries that no chapter uses: {unused}"
