"""Gradient descent from scratch on the least-squares objective.

The objective is ``f(w) = ||X w - y||² / (2 n)``: its gradient is
``X.T (X w - y) / n`` and its curvature is the Hessian ``X.T X / n``, whose
extreme eigenvalues ``mu`` and ``L`` set the step size and the speed of
convergence. There is no intercept: centre ``X`` and ``y`` first.

Introduced in the chapter "Mathematics for ML" (``chapters/math.md``).
"""

from __future__ import annotations

import numbers

import numpy as np

from ._checks import check_int

__all__ = ["METHODS", "least_squares_loss", "smoothness_constants", "gradient_descent"]

#: The update rules :func:`gradient_descent` knows.
METHODS = ("batch", "sgd", "minibatch")


def _as_float(label: str, value: object) -> np.ndarray:
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{label} must be a numeric array, got {type(value).__name__}.") from None


def _check_X(X: object) -> np.ndarray:
    X = _as_float("X", X)
    if X.ndim != 2:
        raise ValueError(
            f"X must be a 2-D array of shape (n_samples, n_features), got shape {X.shape}; "
            "reshape a single feature with X.reshape(-1, 1)."
        )
    if X.size == 0:
        raise ValueError(f"X is empty (shape {X.shape}); pass at least one row and one column.")
    if not np.isfinite(X).all():
        raise ValueError("X contains NaN or infinite values; impute or drop them first.")
    return X


def _check_Xy(X: object, y: object) -> tuple[np.ndarray, np.ndarray]:
    X = _check_X(X)
    y = _as_float("y", y)
    if y.ndim != 1 or len(y) != len(X):
        raise ValueError(
            f"y must be 1-D with one value per row of X ({len(X)}), got shape {y.shape}."
        )
    if not np.isfinite(y).all():
        raise ValueError("y contains NaN or infinite values; drop those rows first.")
    return X, y


def least_squares_loss(X: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    """The objective ``||X w - y||² / (2 n)``.

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
    y : array of shape (n_samples,)
    w : array of shape (n_features,)

    Returns
    -------
    float

    Examples
    --------
    >>> least_squares_loss([[1.0], [2.0]], [1.0, 1.0], [0.0])
    0.5
    """
    X, y = _check_Xy(X, y)
    w = _as_float("w", w)
    if w.shape != (X.shape[1],):
        raise ValueError(f"w must have shape ({X.shape[1]},) to match X, got {w.shape}.")
    r = X @ w - y
    return float(r @ r / (2 * len(y)))


def smoothness_constants(X: np.ndarray) -> tuple[float, float]:
    """Strong convexity ``mu`` and smoothness ``L`` of the least-squares objective.

    They are the smallest and largest eigenvalues of ``X.T X / n``; their
    ratio ``L / mu`` is the condition number that slows gradient descent.

    Parameters
    ----------
    X : array of shape (n_samples, n_features)

    Returns
    -------
    (mu, L) : tuple of float

    Examples
    --------
    >>> smoothness_constants([[1.0, 0.0], [0.0, 3.0]])
    (0.5, 4.5)
    """
    X = _check_X(X)
    eig = np.linalg.eigvalsh(X.T @ X / len(X))
    return float(max(eig[0], 0.0)), float(eig[-1])


def gradient_descent(
    X: np.ndarray,
    y: np.ndarray,
    *,
    lr: float | None = None,
    n_iter: int = 100,
    tol: float = 0.0,
    method: str = "batch",
    batch_size: int = 32,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Minimise ``||X w - y||² / (2 n)`` from ``w = 0`` by (stochastic) gradient descent.

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
        Centre it (and ``y``) first: the model has no intercept.
    y : array of shape (n_samples,)
    lr : float, optional
        The step size. ``None`` uses ``1 / L``, the classical safe step for the
        full gradient (see :func:`smoothness_constants`); stochastic methods
        usually need a smaller one.
    n_iter : int, default 100
        The number of updates (one gradient step each, whatever the method).
    tol : float, default 0.0
        Stop early once the full gradient's Euclidean norm is at most ``tol``.
    method : {"batch", "sgd", "minibatch"}, default "batch"
        The full gradient, the gradient of one random row, or of
        ``batch_size`` rows drawn without replacement.
    batch_size : int, default 32
        Rows per step for ``"minibatch"`` (capped at ``n_samples``).
    seed : int, default 0
        Seeds the row sampling of the stochastic methods.

    Returns
    -------
    w : array of shape (n_features,)
        The last iterate.
    history : array
        The full objective at ``w_0 = 0`` and after every update, so
        ``history[k]`` is ``f(w_k)``. If the iterates overflow (a step size
        above ``2 / L`` diverges), the run stops and the last entry is ``inf``.

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    >>> w, history = gradient_descent(X, X @ np.array([1.0, -1.0]), n_iter=500)
    >>> np.round(w, 6), bool(history[-1] < 1e-12)
    (array([ 1., -1.]), True)
    """
    X, y = _check_Xy(X, y)
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {METHODS}.")
    n_iter = check_int("n_iter", n_iter, low=1)
    batch_size = check_int("batch_size", batch_size, low=1)
    seed = check_int("seed", seed, low=0)
    if isinstance(tol, bool) or not isinstance(tol, numbers.Real) or not tol >= 0:
        raise ValueError(f"tol must be a non-negative number, got {tol!r}.")
    if lr is None:
        lr = 1.0 / smoothness_constants(X)[1]
    elif isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not 0 < lr < np.inf:
        raise ValueError(f"lr must be a positive finite number (or None for 1/L), got {lr!r}.")
    n = len(y)
    rows = {"batch": n, "sgd": 1, "minibatch": min(batch_size, n)}[method]
    rng = np.random.default_rng(seed)
    w = np.zeros(X.shape[1])
    history = [least_squares_loss(X, y, w)]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(n_iter):
            idx = slice(None) if rows == n else rng.choice(n, size=rows, replace=False)
            w = w - lr * X[idx].T @ (X[idx] @ w - y[idx]) / rows
            residual = X @ w - y
            history.append(float(residual @ residual / (2 * n)))
            if not np.isfinite(history[-1]):
                history[-1] = np.inf
                break
            if tol > 0 and np.linalg.norm(X.T @ residual / n) <= tol:
                break
    return w, np.asarray(history)
