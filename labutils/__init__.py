"""labutils: the small helper package behind ML Engineering Lab.

Each module belongs to the chapter that introduces it:

* :mod:`labutils.claims` — numbers the prose states, checked at build time.
* :mod:`labutils.datasets` — offline data with checksums, synthetic generators.
* :mod:`labutils.evaluation` — scoring helpers shared by chapters.
* :mod:`labutils.leakage` — leakage screening and time-based splits.
* :mod:`labutils.plotting` — the book's figure style.
* :mod:`labutils.sphinxext` — the Sphinx extension behind the Claims ledger
  and the Runtime report (used by the build, not by chapters).
"""

from . import claims, datasets, evaluation, leakage, plotting
from ._runtime import BUDGET_MIB, BUDGET_SECONDS, report_resources, setup

__all__ = [
    "BUDGET_MIB",
    "BUDGET_SECONDS",
    "claims",
    "datasets",
    "evaluation",
    "leakage",
    "plotting",
    "report_resources",
    "setup",
]
__version__ = "0.1.0"
