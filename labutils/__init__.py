"""labutils: the small helper package behind ML Engineering Lab.

Each module belongs to the chapter that introduces it:

* :mod:`labutils.claims` — numbers the prose states, checked at build time ("Data leakage").
* :mod:`labutils.datasets` — offline data with checksums, synthetic generators ("Data leakage").
* :mod:`labutils.evaluation` — held-out scores, cost curves and thresholds
  ("Data leakage", "Problem framing"); calibration, bootstrap intervals, slices and
  model-comparison tests ("Model evaluation deep dive").
* :mod:`labutils.eda` — column profiles, rates with intervals, ECDFs ("Exploratory data analysis").
* :mod:`labutils.optim` — gradient descent from scratch ("Mathematics for ML").
* :mod:`labutils.stats` — Bayes' rule, bootstrap intervals, bias–variance ("Mathematics for ML").
* :mod:`labutils.features` — cyclical encodings, missingness with known ground truth,
  selection recall ("Feature engineering").
* :mod:`labutils.validation` — the flights data contract and a quality gate
  ("Data validation and contracts").
* :mod:`labutils.fairness` — the shared Adult model, group rates with bootstrap intervals,
  four-fifths ratio, Chouldechova's identity, reweighing, fairness over time
  ("Bias and fairness tracking").
* :mod:`labutils.modelcard` — model cards and dataset summaries ("Model cards and datasheets").
* :mod:`labutils.models` — the shared flights features, time split and model ("Supervised models" on).
* :mod:`labutils.protocol` — choices made on validation, test reads on the record ("Model evaluation deep dive").
* :mod:`labutils.benchmark` — fit time, latency, size and Pareto fronts ("Supervised models").
* :mod:`labutils.clustering` — choosing k, DBSCAN's radius, segment-then-model ("Clustered models").
* :mod:`labutils.erroranalysis` — worst slices with intervals ("Error analysis and iteration").
* :mod:`labutils.tracking` — quiet MLflow, environment snapshots, a release gate
  ("Reproducibility and experiment tracking").
* :mod:`labutils.featurestore` — Feast's concepts on DuckDB and SQLite, a skew report, real Feast
  through a subprocess bridge in its own venv
  ("Feature stores and point-in-time correctness").
* :mod:`labutils.serving` — a strict, fast FastAPI app (native or ONNX Runtime), servers in a
  thread or a process, model bundles, a load test
  ("Deployment strategies").
* :mod:`labutils.deployment` — canary routing and judging, batch and streaming scoring,
  shadow comparison ("Deployment strategies").
* :mod:`labutils.deep` — tabular encoding, entity-embedding MLPs, a seeded training loop,
  temperature scaling ("Deep learning with PyTorch, when it pays").
* :mod:`labutils.experiments` — hashing assignment, a traffic simulator with known truth, sample
  size and simulated power, Welch and delta-method tests, CUPED, SRM, daily looks and the mixture
  SPRT, a declared decision rule ("Online experiments").
* :mod:`labutils.pipeline` — the flights model's release: validated configs, data contract, train,
  evaluate, a gate before promotion, registry approvals and lineage ("MLOps and CI/CD").
* :mod:`labutils.design` — capacity estimates computed in code, architecture diagrams drawn offline
  ("How to design an ML system").
* :mod:`labutils.forecasting` — hourly demand from sales, point-in-time lags, rolling-origin backtests,
  seasonal-naive/ETS/LightGBM forecasters, rolling conformal intervals, the newsvendor staffing plan
  ("Case study: demand forecasting for staffing").
* :mod:`labutils.fraud` — card transactions with fraud rings and delayed chargebacks, streaming features
  that run the same offline and online, precision at capacity ("Case study: real-time fraud detection").
* :mod:`labutils.recsys` — MovieLens loaded offline and verified, a point-in-time replay of requests,
  co-occurrence retrieval, ranking features, Recall@k/NDCG@k/MAP@k with paired user-clustered
  intervals, coverage and popularity bias ("Case study: movie recommendations").
* :mod:`labutils.drift` — PSI, drift reports, Page–Hinkley ("Monitoring, drift and retraining").
* :mod:`labutils.scaling` — partitioned parquet scoring for Dask ("Scaling out with Dask").
* :mod:`labutils.leakage` — leakage screening and time-based splits ("Data leakage").
* :mod:`labutils.plotting` — the book's figure style.
* :mod:`labutils.mlops` — the ML Test Score and a Dockerfile linter ("MLOps and CI/CD").
* :mod:`labutils.sphinxext` — the Sphinx extension behind the Claims ledger
  and the Runtime report (used by the build, not by chapters).
* :mod:`labutils.regression` — executed chapters against their reference
  notebooks, numbers within a tolerance (used by ``make test``, not by chapters).

Modules are imported on first use, so ``import labutils.serving`` in the serving
image needs only the serving stack (no plotting, fairness or validation packages).
"""

import importlib
from typing import Any

_MODULES = ("benchmark", "claims", "clustering", "datasets", "deep", "deployment", "design", "drift",
            "eda", "erroranalysis", "evaluation", "experiments", "fairness", "features", "featurestore",
            "forecasting", "fraud", "leakage", "mlops", "modelcard", "models", "optim", "pipeline",
            "plotting", "protocol", "recsys", "regression", "scaling", "serving", "stats", "tracking", "validation")
_RUNTIME = ("BUDGET_CPU_SECONDS", "BUDGET_MIB", "THREAD_VARIABLES", "over_budget", "report_resources", "setup")

__all__ = sorted(_MODULES + _RUNTIME)
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _RUNTIME:
        return getattr(importlib.import_module("._runtime", __name__), name)
    raise AttributeError(f"module 'labutils' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
