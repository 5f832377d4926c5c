"""labutils.optim: least-squares loss, smoothness constants and gradient descent."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from labutils.optim import gradient_descent, least_squares_loss, smoothness_constants


@pytest.fixture
def problem():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3)) * np.array([1.0, 2.0, 0.5])
    y = X @ np.array([1.0, -2.0, 0.5]) + rng.normal(scale=0.1, size=200)
    w_star = np.linalg.lstsq(X, y, rcond=None)[0]
    return X, y, w_star, least_squares_loss(X, y, w_star)


def test_loss_matches_definition(problem):
    "least_squares_loss: equals ||Xw - y||^2 / (2n)"
    X, y, _, _ = problem
    w = np.array([0.3, 0.1, -0.2])
    assert_allclose(least_squares_loss(X, y, w), np.sum((X @ w - y) ** 2) / (2 * len(y)))


def test_smoothness_constants_are_hessian_eigenvalues(problem):
    "smoothness_constants: the extreme eigenvalues of X.T X / n"
    X = problem[0]
    eig = np.linalg.eigvalsh(X.T @ X / len(X))
    assert_allclose(smoothness_constants(X), (eig[0], eig[-1]))


def test_batch_converges_to_closed_form(problem):
    "gradient_descent: full-batch descent with step 1/L reaches the least-squares solution"
    X, y, w_star, f_star = problem
    w, history = gradient_descent(X, y, n_iter=500)
    assert_allclose(w, w_star, rtol=1e-8)
    assert_allclose(history[-1], f_star, rtol=1e-12)
    assert len(history) == 501 and np.all(np.diff(history) <= 1e-12)


def test_batch_obeys_linear_convergence_bound(problem):
    "gradient_descent: the gap stays under (1 - mu/L)^k (f(w_0) - f*) at every step"
    X, y, _, f_star = problem
    mu, L = smoothness_constants(X)
    _, history = gradient_descent(X, y, n_iter=100)
    bound = (1 - mu / L) ** np.arange(101) * (history[0] - f_star)
    assert np.all(history - f_star <= bound * (1 + 1e-9))


def test_step_above_two_over_L_diverges(problem):
    "gradient_descent: a step of 2.5/L makes the loss grow"
    X, y, _, _ = problem
    L = smoothness_constants(X)[1]
    _, history = gradient_descent(X, y, lr=2.5 / L, n_iter=50)
    assert history[-1] > 1e3 * history[0]


def test_overflow_stops_with_inf(problem):
    "gradient_descent: a huge step stops the run and ends the history with inf"
    X, y, _, _ = problem
    _, history = gradient_descent(X, y, lr=1e6, n_iter=10_000)
    assert history[-1] == np.inf and len(history) < 10_001


def test_tol_stops_early(problem):
    "gradient_descent: the run stops once the gradient norm is below tol"
    X, y, _, _ = problem
    w, history = gradient_descent(X, y, n_iter=10_000, tol=1e-6)
    assert len(history) < 10_001
    assert np.linalg.norm(X.T @ (X @ w - y) / len(y)) <= 1e-6


@pytest.mark.parametrize("method", ["sgd", "minibatch"])
def test_stochastic_methods_approach_solution_and_are_seeded(problem, method):
    "gradient_descent: SGD and mini-batch get near the optimum and repeat with the same seed"
    X, y, w_star, f_star = problem
    w, history = gradient_descent(X, y, lr=0.02, method=method, n_iter=3000, seed=1)
    w_again, _ = gradient_descent(X, y, lr=0.02, method=method, n_iter=3000, seed=1)
    assert_allclose(w, w_again)
    assert_allclose(w, w_star, atol=0.05)
    assert history[-1] < 1.1 * f_star


def test_minibatch_of_all_rows_is_batch(problem):
    "gradient_descent: a mini-batch as large as the data is full-batch descent"
    X, y, _, _ = problem
    assert_allclose(gradient_descent(X, y, method="minibatch", batch_size=500, n_iter=20)[0],
                    gradient_descent(X, y, n_iter=20)[0])


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        ({"X": np.ones(5)}, ValueError, "2-D array"),
        ({"X": np.ones((0, 2)), "y": np.ones(0)}, ValueError, "X is empty"),
        ({"X": [["a", "b"]] * 5}, TypeError, "X must be a numeric array"),
        ({"X": np.array([[np.nan, 1.0]] * 5)}, ValueError, "NaN"),
        ({"y": np.ones(4)}, ValueError, "one value per row"),
        ({"y": np.array([1.0, np.nan, 1.0, 1.0, 1.0])}, ValueError, "y contains NaN"),
        ({"method": "adam"}, ValueError, "unknown method 'adam'"),
        ({"lr": 0.0}, ValueError, "lr must be a positive"),
        ({"lr": -1.0}, ValueError, "lr must be a positive"),
        ({"lr": np.nan}, ValueError, "lr must be a positive"),
        ({"batch_size": 0}, ValueError, "batch_size must be at least 1"),
        ({"n_iter": 0}, ValueError, "n_iter must be at least 1"),
        ({"n_iter": 2.5}, TypeError, "n_iter must be an int"),
        ({"tol": -1.0}, ValueError, "tol must be a non-negative"),
        ({"seed": -1}, ValueError, "seed must be at least 0"),
    ],
)
def test_gradient_descent_rejects_bad_input(change, error, match):
    "gradient_descent: bad shapes, NaNs, empty data, unknown methods and bad settings raise"
    args = {"X": np.eye(5, 2), "y": np.ones(5), **change}
    X, y = args.pop("X"), args.pop("y")
    with pytest.raises(error, match=match):
        gradient_descent(X, y, **args)


def test_loss_rejects_wrong_weight_shape(problem):
    "least_squares_loss: weights of the wrong length raise a clear error"
    X, y, _, _ = problem
    with pytest.raises(ValueError, match=r"w must have shape \(3,\)"):
        least_squares_loss(X, y, np.ones(2))
