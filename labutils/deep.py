"""Neural networks for the book's tables and small images, trained reproducibly with PyTorch.

A tabular network needs three things that a tree model does not: numbers on a
common scale with no missing values, categories turned into integer indices
for **entity embeddings** (Guo and Berkhahn, 2016), and a training loop with a
validation set for early stopping. :class:`TabularEncoder` does the first two
(fitted on the training data only), :class:`FrameDataset` serves the encoded
rows to a ``DataLoader`` a batch at a time, :class:`EmbeddingMLP` is the
network and :func:`fit_module` the loop (AdamW, seeded, early stopping on the
validation loss). :class:`DeepTabularClassifier` wraps them with ``fit`` and
``predict_proba``, so it can be measured like any scikit-learn model.
:func:`fit_temperature` calibrates logits on validation data (temperature
scaling) and :func:`shift_images` moves images by whole pixels, for
augmentation and for shifted test sets.

Importing this module sets PyTorch to one intra-op thread, like every other
library in the book (``labutils.setup`` sets the thread variables before any
library loads; PyTorch reads them too, and this makes it explicit).

Introduced in the chapter "Deep learning with PyTorch, when it pays" (``chapters/deep.md``).
"""

from __future__ import annotations

import copy
import numbers
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import torch
from scipy.optimize import minimize_scalar
from torch import nn
from torch.nn import functional as F
from torch.utils.data import BatchSampler, DataLoader, Dataset, RandomSampler

from ._checks import check_binary, check_int

__all__ = ["DeepTabularClassifier", "EmbeddingMLP", "FrameDataset", "TabularEncoder", "fit_module",
           "fit_temperature", "shift_images"]

torch.set_num_threads(1)

#: The row name of the embedding shared by unseen, rare and missing categories.
UNKNOWN = "(unknown)"
_CHUNK = 8192  # rows per forward pass when scoring


def _check_frame(label: str, frame: object, columns: Sequence[str]) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{label} must be a pandas DataFrame, got {type(frame).__name__}.")
    if frame.empty:
        raise ValueError(f"{label} is empty; pass at least one row.")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{label} lacks the column(s) {missing}; it has {list(frame.columns)}.")
    return frame


def _check_columns(label: str, columns: object) -> list[str]:
    if isinstance(columns, str) or not isinstance(columns, Sequence):
        raise TypeError(f"{label} must be a list of column names, got {columns!r}.")
    if not all(isinstance(c, str) for c in columns):
        raise TypeError(f"{label} must hold column names (str), got {list(columns)!r}.")
    return list(columns)


def _check_positive(label: str, value: object, *, zero: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) \
            or value < 0 or (value == 0 and not zero):
        raise ValueError(f"{label} must be a {'non-negative' if zero else 'positive'} number, got {value!r}.")
    return float(value)


class TabularEncoder:
    """Standardised numerics and integer category codes for a network, learned from training rows only.

    Numeric columns are standardised with the training mean and standard
    deviation. Missing numeric values are an error unless ``impute=True``,
    which fills them with the training median and appends one 0/1 indicator
    column per numeric column that had missing values in training (a missing
    value is often informative). Each categorical column gets codes
    ``1..k`` for the categories seen at least ``min_count`` times in training,
    and code **0 for every other value**: categories unseen in training, rare
    ones and missing values share one "unknown" index, whose embedding the
    network learns from the rare training categories.

    Parameters
    ----------
    numeric, categorical : list of str
        The columns to encode; either may be empty, not both.
    impute : bool, default False
        Median-fill missing numerics and add indicators; otherwise reject them.
    min_count : int, default 1
        Categories seen fewer times in training map to the unknown code 0.

    Attributes
    ----------
    vocab_ : dict of str to list
        The known categories of each categorical column; category ``vocab_[c][i]`` has code ``i + 1``.
    numeric_names_ : list of str
        The encoded numeric columns: ``numeric``, then ``"<column>_missing"`` indicators.

    Examples
    --------
    >>> train = pd.DataFrame({"x": [1.0, 3.0, np.nan], "city": ["a", "b", "a"]})
    >>> enc = TabularEncoder(["x"], ["city"], impute=True).fit(train)
    >>> num, codes = enc.transform(pd.DataFrame({"x": [np.nan], "city": ["z"]}))
    >>> enc.numeric_names_, num.round(2).tolist(), codes.tolist(), enc.cardinalities
    (['x', 'x_missing'], [[0.0, 1.0]], [[0]], [3])
    """

    def __init__(self, numeric: Sequence[str], categorical: Sequence[str], *, impute: bool = False,
                 min_count: int = 1) -> None:
        self.numeric = _check_columns("numeric", numeric)
        self.categorical = _check_columns("categorical", categorical)
        if not self.numeric and not self.categorical:
            raise ValueError("name at least one numeric or categorical column.")
        overlap = sorted(set(self.numeric) & set(self.categorical))
        if overlap:
            raise ValueError(f"column(s) {overlap} are listed as both numeric and categorical.")
        if not isinstance(impute, bool):
            raise TypeError(f"impute must be True or False, got {impute!r}.")
        self.impute = impute
        self.min_count = check_int("min_count", min_count, low=1)

    def _numbers(self, frame: pd.DataFrame, label: str) -> np.ndarray:
        bad = [c for c in self.numeric if not pd.api.types.is_numeric_dtype(frame[c])]
        if bad:
            raise TypeError(f"{label}: numeric column(s) {bad} are not numeric; list them as categorical.")
        values = frame[self.numeric].to_numpy(dtype=float, na_value=np.nan)
        if np.isinf(values).any():
            raise ValueError(f"{label}: numeric columns hold infinite values; replace them first.")
        holes = [c for c, any_nan in zip(self.numeric, np.isnan(values).any(axis=0)) if any_nan]
        if holes and not self.impute:
            raise ValueError(f"{label}: numeric column(s) {holes} have missing values and there is no imputer; "
                             "fill them first or pass impute=True (median fill plus a missing-value indicator).")
        return values

    def fit(self, frame: pd.DataFrame) -> TabularEncoder:
        """Learn the scaling, the medians and the vocabularies from training rows; returns ``self``."""
        frame = _check_frame("frame", frame, self.numeric + self.categorical)
        values = self._numbers(frame, "frame")
        missing = np.isnan(values)
        with np.errstate(all="ignore"):
            median = np.nan_to_num(np.nanmedian(values, axis=0) if values.size else np.zeros(0))
        filled = np.where(missing, median, values)
        scale = filled.std(axis=0)
        self.median_, self.mean_ = median, filled.mean(axis=0)
        self.scale_ = np.where(scale > 0, scale, 1.0)
        self.indicators_ = [c for c, m in zip(self.numeric, missing.any(axis=0)) if m]
        self.numeric_names_ = self.numeric + [f"{c}_missing" for c in self.indicators_]
        self.vocab_ = {}
        for column in self.categorical:
            counts = frame[column].astype(object).value_counts(dropna=True)
            self.vocab_[column] = sorted(counts.index[counts >= self.min_count], key=str)
        return self

    @property
    def cardinalities(self) -> list[int]:
        """Number of codes of each categorical column, the unknown code 0 included."""
        self._check_fitted()
        return [len(self.vocab_[c]) + 1 for c in self.categorical]

    def _check_fitted(self) -> None:
        if not hasattr(self, "vocab_"):
            raise RuntimeError("this TabularEncoder is not fitted yet; call fit(train_frame) first.")

    def transform(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Encode rows: ``(numeric, codes)``, float32 of shape (n, len(numeric_names_)) and int64 (n, len(categorical)).

        Raises
        ------
        TypeError, ValueError
            On a non-DataFrame, missing columns, non-numeric numerics, or missing numerics without ``impute``.
        """
        self._check_fitted()
        frame = _check_frame("frame", frame, self.numeric + self.categorical)
        values = self._numbers(frame, "frame")
        missing = np.isnan(values)
        scaled = (np.where(missing, self.median_, values) - self.mean_) / self.scale_
        flags = missing[:, [self.numeric.index(c) for c in self.indicators_]]
        numeric = np.hstack([scaled, flags]).astype(np.float32)
        codes = np.zeros((len(frame), len(self.categorical)), dtype=np.int64)
        for j, column in enumerate(self.categorical):
            known = pd.Index(self.vocab_[column], dtype=object).get_indexer(frame[column].astype(object))
            codes[:, j] = known + 1  # unseen, rare and missing: -1 + 1 = 0
        return numeric, codes


class FrameDataset(Dataset):
    """A feature frame as a PyTorch ``Dataset``: encoded once, indexed a whole batch at a time.

    ``dataset[i]`` is ``(numeric, codes)`` or ``(numeric, codes, y)`` for row
    ``i``; ``i`` may also be a list or tensor of rows, which returns the batch
    in one call. Pass a ``BatchSampler`` and ``batch_size=None`` to a
    ``DataLoader`` (as :func:`fit_module` does) to skip the per-row collation
    that makes tabular training slow.

    Parameters
    ----------
    encoder : TabularEncoder
        Fitted on the training rows.
    frame : DataFrame
        Rows with the encoder's columns.
    y : array-like of shape (n,), optional
        Binary labels.

    Examples
    --------
    >>> frame = pd.DataFrame({"x": [1.0, 2.0, 3.0], "city": ["a", "b", "a"]})
    >>> data = FrameDataset(TabularEncoder(["x"], ["city"]).fit(frame), frame, [0, 1, 1])
    >>> len(data), [t.shape for t in data[[0, 2]]]
    (3, [torch.Size([2, 1]), torch.Size([2, 1]), torch.Size([2])])
    """

    def __init__(self, encoder: TabularEncoder, frame: pd.DataFrame, y: object = None) -> None:
        if not isinstance(encoder, TabularEncoder):
            raise TypeError(f"encoder must be a fitted TabularEncoder, got {type(encoder).__name__}.")
        numeric, codes = encoder.transform(frame)
        self.tensors: tuple[torch.Tensor, ...] = (torch.from_numpy(numeric), torch.from_numpy(codes))
        if y is not None:
            labels = check_binary("y", y)
            if len(labels) != len(frame):
                raise ValueError(f"y has {len(labels)} labels for {len(frame)} rows; pass one per row.")
            self.tensors += (torch.from_numpy(labels.astype(np.float32)),)

    def __len__(self) -> int:
        return len(self.tensors[0])

    def __getitem__(self, index: object) -> tuple[torch.Tensor, ...]:
        return tuple(t[index] for t in self.tensors)


def _embedding_dim(cardinality: int, max_dim: int) -> int:
    """fastai's rule of thumb, capped: about 1.6 * cardinality ** 0.56."""
    return max(1, min(max_dim, round(1.6 * cardinality**0.56)))


class EmbeddingMLP(nn.Module):
    """A multilayer perceptron over standardised numerics and one embedding per categorical column.

    Each categorical column's codes (from :class:`TabularEncoder`) look up a
    learned vector of ``min(max_embedding_dim, round(1.6 * k ** 0.56))``
    numbers, ``k`` being its number of codes; the vectors and the numerics are
    concatenated and passed through ``hidden`` ReLU layers with dropout to one
    logit per row.

    Parameters
    ----------
    n_numeric : int
        Width of the numeric input (``len(encoder.numeric_names_)``).
    cardinalities : list of int
        Number of codes per categorical column (``encoder.cardinalities``).
    hidden : tuple of int, default (64, 32)
    dropout : float, default 0.1
    max_embedding_dim : int, default 16

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> net = EmbeddingMLP(2, [5, 300], hidden=(8,))
    >>> [e.embedding_dim for e in net.embeddings], net(torch.zeros(3, 2), torch.zeros(3, 2, dtype=torch.long)).shape
    ([4, 16], torch.Size([3]))
    """

    def __init__(self, n_numeric: int, cardinalities: Sequence[int], *, hidden: Sequence[int] = (64, 32),
                 dropout: float = 0.1, max_embedding_dim: int = 16) -> None:
        super().__init__()
        n_numeric = check_int("n_numeric", n_numeric, low=0)
        if isinstance(cardinalities, str) or not isinstance(cardinalities, Sequence):
            raise TypeError(f"cardinalities must be a list of ints, got {cardinalities!r}.")
        cards = [check_int("each cardinality", c, low=1) for c in cardinalities]
        if n_numeric == 0 and not cards:
            raise ValueError("the network needs at least one numeric or categorical input.")
        if not isinstance(hidden, Sequence) or not hidden:
            raise ValueError(f"hidden must be a non-empty tuple of layer widths, got {hidden!r}.")
        widths = [check_int("each hidden width", h, low=1) for h in hidden]
        if isinstance(dropout, bool) or not isinstance(dropout, numbers.Real) or not 0 <= dropout < 1:
            raise ValueError(f"dropout must be in [0, 1), got {dropout!r}.")
        max_dim = check_int("max_embedding_dim", max_embedding_dim, low=1)
        self.embeddings = nn.ModuleList(nn.Embedding(c, _embedding_dim(c, max_dim)) for c in cards)
        layers: list[nn.Module] = []
        width = n_numeric + sum(e.embedding_dim for e in self.embeddings)
        for out in widths:
            layers += [nn.Linear(width, out), nn.ReLU(), nn.Dropout(float(dropout))]
            width = out
        self.layers = nn.Sequential(*layers, nn.Linear(width, 1))

    def forward(self, numeric: torch.Tensor, codes: torch.Tensor) -> torch.Tensor:
        """Logits of shape (n,) for ``numeric`` (n, n_numeric) and ``codes`` (n, n_categorical)."""
        vectors = [emb(codes[:, j]) for j, emb in enumerate(self.embeddings)]
        return self.layers(torch.cat([numeric, *vectors], dim=1)).squeeze(1)


def _loss(output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Log loss: binary for one logit per row, cross-entropy for one logit per class."""
    if output.ndim == 1:
        return F.binary_cross_entropy_with_logits(output, target.float())
    return F.cross_entropy(output, target.long())


def _outputs(module: nn.Module, inputs: Sequence[torch.Tensor]) -> torch.Tensor:
    """The module's outputs in evaluation mode, in chunks, without gradients."""
    module.eval()
    with torch.no_grad():
        chunks = [module(*(t[i:i + _CHUNK] for t in inputs)) for i in range(0, len(inputs[0]), _CHUNK)]
    return torch.cat(chunks)


def _check_dataset(label: str, data: object) -> Dataset:
    if not isinstance(data, Dataset) or not hasattr(data, "__len__"):
        raise TypeError(f"{label} must be a torch Dataset with a length (FrameDataset, TensorDataset), "
                        f"got {type(data).__name__}.")
    if len(data) == 0:
        raise ValueError(f"{label} is empty.")
    return data


def fit_module(
    module: nn.Module,
    train: Dataset,
    *,
    epochs: int,
    batch_size: int,
    lr: float,
    valid: Dataset | None = None,
    weight_decay: float = 0.01,
    patience: int | None = None,
    augment: Callable[[tuple[torch.Tensor, ...]], tuple[torch.Tensor, ...]] | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """Train a network with AdamW on shuffled mini-batches, with early stopping on a validation set.

    The loss is the log loss: binary cross-entropy when the module returns one
    logit per row, cross-entropy when it returns one per class. Each item of a
    dataset is ``(*inputs, target)``. The shuffling and everything random in
    the module (dropout) are seeded with ``seed``, so two calls on the same
    freshly seeded module give the same weights. With ``valid``, the
    validation loss is computed after every epoch (in evaluation mode, which
    draws no random numbers) and the module ends with the weights of the epoch
    where it was lowest; with ``patience``, training stops after that many
    epochs without a new lowest validation loss.

    Parameters
    ----------
    module : torch.nn.Module
        Trained in place; left in evaluation mode.
    train : Dataset
        Indexable by a list of rows (:class:`FrameDataset`, ``TensorDataset``).
    epochs, batch_size : int
        At least 1.
    lr : float
        AdamW's learning rate (Loshchilov and Hutter, 2019).
    valid : Dataset, optional
    weight_decay : float, default 0.01
        AdamW's decoupled weight decay.
    patience : int, optional
        Needs ``valid``.
    augment : callable, optional
        Maps a training batch ``(*inputs, target)`` to a new one (e.g. random shifts).
    seed : int, default 0

    Returns
    -------
    DataFrame
        Indexed by epoch (from 1): ``train_loss`` (mean over the epoch's
        batches, in training mode) and ``valid_loss`` (NaN without ``valid``).

    Raises
    ------
    TypeError, ValueError
        On a non-module, non-datasets, non-positive ``epochs``, ``batch_size``
        or ``lr``, or ``patience`` without ``valid``.

    Examples
    --------
    >>> from torch.utils.data import TensorDataset
    >>> g = torch.Generator().manual_seed(0)
    >>> X = torch.randn(200, 2, generator=g)
    >>> data = TensorDataset(X, (X[:, 0] > 0).float())
    >>> _ = torch.manual_seed(0)
    >>> net = nn.Sequential(nn.Linear(2, 1), nn.Flatten(0))
    >>> history = fit_module(net, data, valid=data, epochs=20, batch_size=32, lr=0.05)
    >>> bool(history["valid_loss"].iloc[-1] < history["valid_loss"].iloc[0])
    True
    """
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be a torch.nn.Module, got {type(module).__name__}.")
    train = _check_dataset("train", train)
    epochs = check_int("epochs", epochs, low=1)
    batch_size = check_int("batch_size", batch_size, low=1)
    lr = _check_positive("lr", lr)
    weight_decay = _check_positive("weight_decay", weight_decay, zero=True)
    if valid is not None:
        valid_all = _check_dataset("valid", valid)[list(range(len(valid)))]
    if patience is not None:
        patience = check_int("patience", patience, low=1)
        if valid is None:
            raise ValueError("patience needs a validation set: pass valid=, or leave patience=None.")
    if augment is not None and not callable(augment):
        raise TypeError(f"augment must be callable or None, got {type(augment).__name__}.")
    seed = check_int("seed", seed, low=0)
    torch.manual_seed(seed)
    sampler = BatchSampler(RandomSampler(train, generator=torch.Generator().manual_seed(seed)),
                           batch_size=batch_size, drop_last=False)
    loader = DataLoader(train, sampler=sampler, batch_size=None)
    optimiser = torch.optim.AdamW(module.parameters(), lr=lr, weight_decay=weight_decay)
    rows, best, best_state, best_epoch = [], np.inf, None, 0
    for epoch in range(1, epochs + 1):
        module.train()
        total, seen = 0.0, 0
        for batch in loader:
            *inputs, target = augment(batch) if augment is not None else batch
            loss = _loss(module(*inputs), target)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total, seen = total + loss.item() * len(target), seen + len(target)
        valid_loss = np.nan
        if valid is not None:
            valid_loss = _loss(_outputs(module, valid_all[:-1]), valid_all[-1]).item()
            if valid_loss < best:
                best, best_state, best_epoch = valid_loss, copy.deepcopy(module.state_dict()), epoch
        rows.append((epoch, total / seen, valid_loss))
        if patience is not None and epoch - best_epoch >= patience:
            break
    if best_state is not None:
        module.load_state_dict(best_state)
    module.eval()
    return pd.DataFrame(rows, columns=["epoch", "train_loss", "valid_loss"]).set_index("epoch")


class DeepTabularClassifier:
    """A binary classifier for a feature frame: :class:`TabularEncoder`, :class:`EmbeddingMLP` and :func:`fit_module`.

    ``fit(X, y)`` encodes the training rows, builds the network from a
    seeded generator and trains it for ``epochs`` epochs; with
    ``eval_set=(X_valid, y_valid)`` it also early-stops on the validation loss
    and keeps the best epoch's weights. Because the training is seeded, a
    refit with ``epochs`` set to that best epoch and no ``eval_set``
    reproduces those weights. Categories unseen in training (and those seen
    fewer than ``min_count`` times) share the unknown embedding.

    Parameters
    ----------
    numeric, categorical : list of str
        The input columns.
    hidden : tuple of int, default (64, 32)
    dropout : float, default 0.1
    max_embedding_dim : int, default 16
        See :class:`EmbeddingMLP`.
    epochs : int, default 10
    batch_size : int, default 512
    lr : float, default 1e-3
    weight_decay : float, default 0.01
    patience : int, optional
        Early-stopping patience, used with ``eval_set``.
    min_count : int, default 1
    impute : bool, default True
        Median-fill missing numerics and add indicators (see :class:`TabularEncoder`).
    seed : int, default 0

    Attributes
    ----------
    encoder_ : TabularEncoder
    module_ : EmbeddingMLP
    history_ : DataFrame
        The losses per epoch, from :func:`fit_module`.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"x": rng.normal(size=600), "city": rng.choice(["a", "b", "c"], 600)})
    >>> y = ((X["x"] > 0) | (X["city"] == "a")).astype(int)
    >>> clf = DeepTabularClassifier(["x"], ["city"], hidden=(16,), epochs=30, batch_size=64, lr=0.01)
    >>> p = clf.fit(X[:400], y[:400]).predict_proba(X[400:])[:, 1]
    >>> bool(((p > 0.5) == y[400:]).mean() > 0.9), clf.embeddings("city").shape
    (True, (4, 3))
    """

    classes_ = np.array([0, 1])

    def __init__(self, numeric: Sequence[str], categorical: Sequence[str], *, hidden: Sequence[int] = (64, 32),
                 dropout: float = 0.1, max_embedding_dim: int = 16, epochs: int = 10, batch_size: int = 512, lr: float = 1e-3,
                 weight_decay: float = 0.01, patience: int | None = None, min_count: int = 1,
                 impute: bool = True, seed: int = 0) -> None:
        self.encoder = TabularEncoder(numeric, categorical, impute=impute, min_count=min_count)
        self.hidden, self.dropout, self.max_embedding_dim = tuple(hidden), dropout, max_embedding_dim
        self.epochs = check_int("epochs", epochs, low=1)
        self.batch_size = check_int("batch_size", batch_size, low=1)
        self.lr, self.weight_decay = _check_positive("lr", lr), _check_positive("weight_decay", weight_decay, zero=True)
        self.patience = None if patience is None else check_int("patience", patience, low=1)
        self.seed = check_int("seed", seed, low=0)

    def fit(self, X: pd.DataFrame, y: object, *, eval_set: tuple[pd.DataFrame, object] | None = None
            ) -> DeepTabularClassifier:
        """Encode ``X``, build a seeded network and train it; returns ``self``."""
        self.encoder_ = copy.deepcopy(self.encoder).fit(X)
        train = FrameDataset(self.encoder_, X, y)
        valid = None
        if eval_set is not None:
            if not isinstance(eval_set, tuple) or len(eval_set) != 2:
                raise TypeError("eval_set must be a tuple (X_valid, y_valid).")
            valid = FrameDataset(self.encoder_, *eval_set)
        torch.manual_seed(self.seed)
        self.module_ = EmbeddingMLP(len(self.encoder_.numeric_names_), self.encoder_.cardinalities,
                                    hidden=self.hidden, dropout=self.dropout,
                                    max_embedding_dim=self.max_embedding_dim)
        self.history_ = fit_module(self.module_, train, valid=valid, epochs=self.epochs,
                                   batch_size=self.batch_size, lr=self.lr, weight_decay=self.weight_decay,
                                   patience=self.patience if valid is not None else None, seed=self.seed)
        return self

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        """The network's logits for the rows of ``X``, shape (n,)."""
        if not hasattr(self, "module_"):
            raise RuntimeError("this DeepTabularClassifier is not fitted yet; call fit(X, y) first.")
        inputs = [torch.from_numpy(a) for a in self.encoder_.transform(X)]
        return _outputs(self.module_, inputs).numpy().astype(float)

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Probabilities of the two classes, shape (n, 2)."""
        prob = 1 / (1 + np.exp(-self.decision_function(X)))
        return np.column_stack([1 - prob, prob])

    def embeddings(self, column: str) -> pd.DataFrame:
        """The learned embedding of one categorical column: a row per category, the unknown one first."""
        if not hasattr(self, "module_"):
            raise RuntimeError("this DeepTabularClassifier is not fitted yet; call fit(X, y) first.")
        if column not in self.encoder_.categorical:
            raise ValueError(f"{column!r} is not a categorical input; choose from {self.encoder_.categorical}.")
        weight = self.module_.embeddings[self.encoder_.categorical.index(column)].weight.detach().numpy()
        index = pd.Index([UNKNOWN, *self.encoder_.vocab_[column]], name=column)
        return pd.DataFrame(weight, index=index, columns=[f"{column}_emb{i}" for i in range(weight.shape[1])])


def fit_temperature(logits: object, y: object) -> float:
    """The temperature ``T`` that minimises the log loss of ``sigmoid(logits / T)``: temperature scaling.

    Guo et al. (2017) calibrate a network by dividing its logits by one
    number fitted on validation data. ``T > 1`` softens overconfident
    probabilities, ``T < 1`` sharpens underconfident ones; the ranking, and
    so the ROC-AUC, does not change.

    Parameters
    ----------
    logits : array-like of shape (n,)
        Validation logits of the positive class.
    y : array-like of shape (n,)
        Binary validation labels.

    Returns
    -------
    float
        ``T`` in ``[exp(-5), exp(5)]``.

    Raises
    ------
    ValueError
        On non-finite logits, labels of another length or a single class.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> true_logit = rng.normal(0, 2, 5000)
    >>> y = rng.random(5000) < 1 / (1 + np.exp(-true_logit))
    >>> round(fit_temperature(3 * true_logit, y), 1)
    3.0
    """
    z = np.asarray(logits, dtype=float)
    labels = check_binary("y", y)
    if z.ndim != 1 or len(z) != len(labels):
        raise ValueError(f"logits must be 1-D with one value per label ({len(labels)}), got shape {z.shape}.")
    if not np.isfinite(z).all():
        raise ValueError("logits contain NaN or infinite values.")
    if labels.min() == labels.max():
        raise ValueError("y holds a single class; a temperature needs both classes.")
    sign = 2 * labels - 1

    def log_loss(log_t: float) -> float:
        return float(np.logaddexp(0, -sign * z / np.exp(log_t)).mean())

    return float(np.exp(minimize_scalar(log_loss, bounds=(-5, 5), method="bounded", options={"xatol": 1e-6}).x))


def shift_images(images: torch.Tensor, dx: int | torch.Tensor, dy: int | torch.Tensor) -> torch.Tensor:
    """Move images by whole pixels, right by ``dx`` and down by ``dy``, filling with zeros (no wrap-around).

    Parameters
    ----------
    images : Tensor of shape (n, channels, height, width)
    dx, dy : int or integer Tensor of shape (n,)
        One shift for all images, or one per image; negative moves left or up.

    Returns
    -------
    Tensor
        Same shape as ``images``.

    Examples
    --------
    >>> image = torch.arange(9.0).reshape(1, 1, 3, 3)
    >>> shift_images(image, 1, 0)[0, 0].tolist()
    [[0.0, 0.0, 1.0], [0.0, 3.0, 4.0], [0.0, 6.0, 7.0]]
    """
    if not isinstance(images, torch.Tensor) or images.ndim != 4:
        raise ValueError("images must be a tensor of shape (n, channels, height, width).")
    n, channels, height, width = images.shape
    shifts = []
    for label, value in [("dx", dx), ("dy", dy)]:
        shift = torch.as_tensor(value)
        if shift.dtype.is_floating_point or shift.dtype == torch.bool or shift.ndim > 1 \
                or (shift.ndim == 1 and len(shift) != n):
            raise ValueError(f"{label} must be an int or an integer tensor with one shift per image ({n}).")
        shifts.append(shift.expand(n).long())
    dx, dy = shifts
    pad = int(max(dx.abs().max(), dy.abs().max(), 0)) if n else 0
    padded = F.pad(images, (pad, pad, pad, pad))
    rows = torch.arange(height)[None, :] + pad - dy[:, None]
    cols = torch.arange(width)[None, :] + pad - dx[:, None]
    return padded[torch.arange(n)[:, None, None, None], torch.arange(channels)[None, :, None, None],
                  rows[:, None, :, None], cols[:, None, None, :]]
