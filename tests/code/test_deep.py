"""labutils.deep: encoder, dataset, network, training loop, classifier, temperature, shifts."""

import numpy as np
import pandas as pd
import pytest
import torch
from numpy.testing import assert_allclose
from torch import nn
from torch.utils.data import TensorDataset

from labutils.deep import (UNKNOWN, DeepTabularClassifier, EmbeddingMLP, FrameDataset,
                           TabularEncoder, fit_module, fit_temperature, shift_images)


@pytest.fixture
def frame():
    rng = np.random.default_rng(0)
    n = 300
    x = rng.normal(size=n)
    return pd.DataFrame({"x": x, "z": rng.normal(2, 3, size=n),
                         "city": rng.choice(["a", "b", "c"], n, p=[0.5, 0.45, 0.05]),
                         "y": ((x > 0) ^ (rng.random(n) < 0.1)).astype(int)})


def small_classifier(**changes):
    settings = dict(hidden=(8,), epochs=3, batch_size=64, lr=0.01, seed=0)
    return DeepTabularClassifier(["x", "z"], ["city"], **{**settings, **changes})


# TabularEncoder


def test_encoder_standardises_with_training_statistics(frame):
    "TabularEncoder: training numerics get mean 0 and standard deviation 1"
    numeric, codes = TabularEncoder(["x", "z"], ["city"]).fit(frame).transform(frame)
    assert numeric.dtype == np.float32 and codes.dtype == np.int64
    assert_allclose(numeric.mean(axis=0), 0, atol=1e-6)
    assert_allclose(numeric.std(axis=0), 1, atol=1e-5)


def test_encoder_constant_column_is_not_divided_by_zero():
    "TabularEncoder: a constant numeric column encodes as zeros"
    data = pd.DataFrame({"x": [2.0, 2.0, 2.0]})
    numeric, codes = TabularEncoder(["x"], []).fit(data).transform(data)
    assert numeric.tolist() == [[0.0], [0.0], [0.0]] and codes.shape == (3, 0)


def test_encoder_maps_unseen_rare_and_missing_categories_to_unknown(frame):
    "TabularEncoder: unseen, rare (below min_count) and missing categories get code 0"
    enc = TabularEncoder(["x"], ["city"], min_count=20).fit(frame)
    assert enc.vocab_["city"] == ["a", "b"] and enc.cardinalities == [3]
    new = pd.DataFrame({"x": [0.0] * 5, "city": ["a", "b", "c", "never seen", None]})
    assert enc.transform(new)[1][:, 0].tolist() == [1, 2, 0, 0, 0]


def test_encoder_imputes_median_and_adds_indicator():
    "TabularEncoder: impute=True fills the training median and flags the gap"
    train = pd.DataFrame({"x": [1.0, 2.0, 3.0, np.nan], "w": [1.0, 2.0, 3.0, 4.0]})
    enc = TabularEncoder(["x", "w"], [], impute=True).fit(train)
    assert enc.numeric_names_ == ["x", "w", "x_missing"]
    numeric, _ = enc.transform(pd.DataFrame({"x": [np.nan], "w": [np.nan]}))
    x_median = (2.0 - enc.mean_[0]) / enc.scale_[0]
    w_median = (2.5 - enc.mean_[1]) / enc.scale_[1]
    assert_allclose(numeric[0], [x_median, w_median, 1.0], rtol=1e-6)


def test_encoder_rejects_nans_without_imputer(frame):
    "TabularEncoder: missing numerics without impute=True are an error, at fit and transform"
    holed = frame.assign(x=frame["x"].where(frame.index > 0))
    with pytest.raises(ValueError, match=r"\['x'\] have missing values and there is no imputer"):
        TabularEncoder(["x"], ["city"]).fit(holed)
    enc = TabularEncoder(["x"], ["city"]).fit(frame)
    with pytest.raises(ValueError, match="no imputer"):
        enc.transform(holed)


def test_encoder_rejects_missing_columns_and_bad_frames(frame):
    "TabularEncoder: missing columns, non-frames, empty frames and infinities are errors"
    enc = TabularEncoder(["x"], ["city"]).fit(frame)
    with pytest.raises(ValueError, match=r"lacks the column\(s\) \['city'\]"):
        enc.transform(frame[["x"]])
    with pytest.raises(ValueError, match=r"lacks the column\(s\) \['x'\]"):
        TabularEncoder(["x"], []).fit(frame[["city"]])
    with pytest.raises(TypeError, match="must be a pandas DataFrame, got ndarray"):
        enc.transform(frame.to_numpy())
    with pytest.raises(ValueError, match="is empty"):
        enc.transform(frame.iloc[:0])
    with pytest.raises(ValueError, match="infinite values"):
        enc.transform(frame.assign(x=np.inf))
    with pytest.raises(TypeError, match=r"\['city'\] are not numeric"):
        TabularEncoder(["city"], []).fit(frame)


def test_encoder_rejects_bad_arguments():
    "TabularEncoder: column lists, overlaps, impute and min_count are checked"
    with pytest.raises(TypeError, match="must be a list of column names"):
        TabularEncoder("x", [])
    with pytest.raises(TypeError, match=r"must hold column names \(str\)"):
        TabularEncoder([1], [])
    with pytest.raises(ValueError, match="at least one numeric or categorical"):
        TabularEncoder([], [])
    with pytest.raises(ValueError, match="both numeric and categorical"):
        TabularEncoder(["x"], ["x"])
    with pytest.raises(TypeError, match="impute must be True or False"):
        TabularEncoder(["x"], [], impute="yes")
    with pytest.raises(ValueError, match="min_count must be at least 1"):
        TabularEncoder(["x"], [], min_count=0)
    with pytest.raises(RuntimeError, match="not fitted yet"):
        TabularEncoder(["x"], []).cardinalities


# FrameDataset


def test_frame_dataset_indexes_rows_and_batches(frame):
    "FrameDataset: one row or a list of rows, with labels last"
    enc = TabularEncoder(["x", "z"], ["city"]).fit(frame)
    data = FrameDataset(enc, frame, frame["y"])
    numeric, codes, y = data[[0, 5, 7]]
    assert len(data) == len(frame) and numeric.shape == (3, 2) and codes.shape == (3, 1)
    assert y.tolist() == frame["y"].iloc[[0, 5, 7]].astype(float).tolist()
    assert len(FrameDataset(enc, frame)[0]) == 2


def test_frame_dataset_rejects_bad_inputs(frame):
    "FrameDataset: an unfitted or wrong encoder and mismatched or non-binary labels are errors"
    enc = TabularEncoder(["x"], ["city"]).fit(frame)
    with pytest.raises(TypeError, match="must be a fitted TabularEncoder"):
        FrameDataset("encoder", frame)
    with pytest.raises(RuntimeError, match="not fitted yet"):
        FrameDataset(TabularEncoder(["x"], []), frame)
    with pytest.raises(ValueError, match="y has 3 labels for 300 rows"):
        FrameDataset(enc, frame, [0, 1, 0])
    with pytest.raises(ValueError, match="only 0 and 1"):
        FrameDataset(enc, frame, np.full(len(frame), 2))


# EmbeddingMLP


def test_embedding_mlp_shapes_and_dimension_rule():
    "EmbeddingMLP: one logit per row; embedding widths follow the capped rule of thumb"
    torch.manual_seed(0)
    net = EmbeddingMLP(3, [2, 50, 5000], hidden=(8, 4), max_embedding_dim=10)
    assert [e.embedding_dim for e in net.embeddings] == [2, 10, 10]
    out = net(torch.zeros(5, 3), torch.zeros(5, 3, dtype=torch.long))
    assert out.shape == (5,)


def test_embedding_mlp_rejects_bad_arguments():
    "EmbeddingMLP: widths, cardinalities, dropout and inputs are checked"
    with pytest.raises(ValueError, match="n_numeric must be at least 0"):
        EmbeddingMLP(-1, [3])
    with pytest.raises(TypeError, match="cardinalities must be a list of ints"):
        EmbeddingMLP(1, 3)
    with pytest.raises(ValueError, match="each cardinality must be at least 1"):
        EmbeddingMLP(1, [0])
    with pytest.raises(ValueError, match="at least one numeric or categorical input"):
        EmbeddingMLP(0, [])
    with pytest.raises(ValueError, match="hidden must be a non-empty tuple"):
        EmbeddingMLP(1, [3], hidden=())
    with pytest.raises(ValueError, match=r"dropout must be in \[0, 1\)"):
        EmbeddingMLP(1, [3], dropout=1.0)
    with pytest.raises(TypeError, match="max_embedding_dim must be an int"):
        EmbeddingMLP(1, [3], max_embedding_dim=2.5)


# fit_module


def linear_data(n=200, seed=0):
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, 2, generator=g)
    return TensorDataset(X, (X[:, 0] > 0).float())


def linear_net():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(2, 1), nn.Flatten(0))


def test_fit_module_early_stopping_keeps_best_weights():
    "fit_module: with patience it stops, and the module keeps the lowest-validation-loss epoch"
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 1), nn.Flatten(0))
    train, valid = linear_data(64, seed=0), linear_data(64, seed=1)
    history = fit_module(net, train, valid=valid, epochs=200, patience=3, batch_size=16,
                         lr=0.2)
    assert list(history.columns) == ["train_loss", "valid_loss"] and history.index[0] == 1
    best = history["valid_loss"].idxmin()
    assert len(history) == best + 3 < 200
    X, y = valid.tensors
    final = nn.functional.binary_cross_entropy_with_logits(net(X), y).item()
    assert final == pytest.approx(history["valid_loss"].min(), rel=1e-6)
    assert not net.training


def test_fit_module_without_valid_runs_all_epochs_and_handles_classes():
    "fit_module: no validation set runs every epoch; multi-class outputs use cross-entropy"
    g = torch.Generator().manual_seed(0)
    X = torch.randn(90, 2, generator=g)
    data = TensorDataset(X, (X[:, 0] > 0).long() + (X[:, 1] > 0).long())
    torch.manual_seed(0)
    history = fit_module(nn.Linear(2, 3), data, epochs=4, batch_size=30, lr=0.1)
    assert len(history) == 4 and history["valid_loss"].isna().all()
    assert history["train_loss"].iloc[-1] < history["train_loss"].iloc[0]


def test_fit_module_applies_augment():
    "fit_module: augment sees every training batch"
    calls = []

    def augment(batch):
        calls.append(len(batch[0]))
        return batch

    fit_module(linear_net(), linear_data(100), epochs=2, batch_size=40, lr=0.1,
               augment=augment)
    assert calls == [40, 40, 20, 40, 40, 20]


def test_fit_module_is_bit_identical_across_runs():
    "fit_module: two runs from the same seed give bit-identical weights"
    runs = []
    for _ in range(2):
        net = linear_net()
        fit_module(net, linear_data(), epochs=3, batch_size=32, lr=0.05, seed=3)
        runs.append(torch.cat([p.detach().flatten() for p in net.parameters()]))
    assert torch.equal(runs[0], runs[1])
    other = linear_net()
    fit_module(other, linear_data(), epochs=3, batch_size=32, lr=0.05, seed=4)
    assert not torch.equal(runs[0], torch.cat([p.detach().flatten()
                                               for p in other.parameters()]))


@pytest.mark.parametrize("changes, error, message", [
    (dict(epochs=0), ValueError, "epochs must be at least 1"),
    (dict(epochs=2.5), TypeError, "epochs must be an int"),
    (dict(batch_size=0), ValueError, "batch_size must be at least 1"),
    (dict(batch_size=-3), ValueError, "batch_size must be at least 1"),
    (dict(lr=0.0), ValueError, "lr must be a positive number"),
    (dict(lr=float("nan")), ValueError, "lr must be a positive number"),
    (dict(weight_decay=-1.0), ValueError, "weight_decay must be a non-negative number"),
    (dict(patience=2), ValueError, "patience needs a validation set"),
    (dict(patience=0, valid="v"), ValueError, "patience must be at least 1"),
    (dict(valid=[1, 2]), TypeError, "valid must be a torch Dataset"),
    (dict(augment=3), TypeError, "augment must be callable"),
    (dict(seed=-1), ValueError, "seed must be at least 0"),
])
def test_fit_module_rejects_bad_arguments(changes, error, message):
    "fit_module: every argument is checked with a clear message"
    data = linear_data(20)
    if changes.get("valid") == "v":
        changes["valid"] = data
    arguments = {**dict(epochs=1, batch_size=8, lr=0.1), **changes}
    with pytest.raises(error, match=message):
        fit_module(linear_net(), data, **arguments)


def test_fit_module_rejects_bad_module_and_data():
    "fit_module: a non-module, a non-dataset and an empty dataset are errors"
    with pytest.raises(TypeError, match="module must be a torch.nn.Module"):
        fit_module("net", linear_data(), epochs=1, batch_size=8, lr=0.1)
    with pytest.raises(TypeError, match="train must be a torch Dataset"):
        fit_module(linear_net(), np.zeros((4, 2)), epochs=1, batch_size=8, lr=0.1)
    with pytest.raises(ValueError, match="train is empty"):
        fit_module(linear_net(), linear_data(0), epochs=1, batch_size=8, lr=0.1)


# DeepTabularClassifier


def test_classifier_learns_and_reports_history(frame):
    "DeepTabularClassifier: learns a simple rule, early-stops and exposes embeddings"
    clf = small_classifier(epochs=40, patience=3)
    clf.fit(frame[:200], frame["y"][:200], eval_set=(frame[200:], frame["y"][200:]))
    p = clf.predict_proba(frame[200:])
    assert p.shape == (100, 2) and np.allclose(p.sum(axis=1), 1)
    assert ((p[:, 1] > 0.5) == frame["y"][200:]).mean() > 0.75
    assert len(clf.history_) == clf.history_["valid_loss"].idxmin() + 3
    emb = clf.embeddings("city")
    assert emb.index[0] == UNKNOWN and list(emb.index[1:]) == ["a", "b", "c"]
    assert list(emb.columns) == [f"city_emb{i}" for i in range(emb.shape[1])]


def test_classifier_logits_match_probabilities(frame):
    "DeepTabularClassifier: predict_proba is the sigmoid of decision_function"
    clf = small_classifier().fit(frame, frame["y"])
    z = clf.decision_function(frame)
    assert_allclose(clf.predict_proba(frame)[:, 1], 1 / (1 + np.exp(-z)))


def test_classifier_scores_unseen_categories_and_missing_numerics(frame):
    "DeepTabularClassifier: unseen categories use the unknown vector; NaNs are imputed"
    clf = small_classifier().fit(frame, frame["y"])
    new = pd.DataFrame({"x": [0.5, np.nan], "z": [1.0, 2.0], "city": ["zzz", None]})
    assert np.isfinite(clf.predict_proba(new)).all()
    assert clf.encoder_.transform(new)[1][:, 0].tolist() == [0, 0]


def test_classifier_refit_is_bit_identical_to_early_stopped_run(frame):
    "DeepTabularClassifier: refitting for the best epoch reproduces the early-stopped weights"
    stopped = small_classifier(epochs=20, patience=2).fit(
        frame[:200], frame["y"][:200], eval_set=(frame[200:], frame["y"][200:]))
    best = int(stopped.history_["valid_loss"].idxmin())
    refit = small_classifier(epochs=best).fit(frame[:200], frame["y"][:200])
    for a, b in zip(stopped.module_.parameters(), refit.module_.parameters()):
        assert torch.equal(a, b)


def test_classifier_rejects_bad_arguments(frame):
    "DeepTabularClassifier: epochs, batch size, lr, eval_set, columns and labels are checked"
    with pytest.raises(ValueError, match="epochs must be at least 1"):
        small_classifier(epochs=0)
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        small_classifier(batch_size=0)
    with pytest.raises(TypeError, match="batch_size must be an int"):
        small_classifier(batch_size="64")
    with pytest.raises(ValueError, match="lr must be a positive number"):
        small_classifier(lr=-0.1)
    with pytest.raises(ValueError, match="patience must be at least 1"):
        small_classifier(patience=0)
    with pytest.raises(ValueError, match=r"lacks the column\(s\) \['z'\]"):
        small_classifier().fit(frame.drop(columns="z"), frame["y"])
    with pytest.raises(TypeError, match="eval_set must be a tuple"):
        small_classifier().fit(frame, frame["y"], eval_set=[frame, frame["y"]])
    with pytest.raises(ValueError, match="y has 299 labels for 300 rows"):
        small_classifier().fit(frame, frame["y"][1:])
    with pytest.raises(RuntimeError, match="not fitted yet"):
        small_classifier().predict_proba(frame)
    with pytest.raises(RuntimeError, match="not fitted yet"):
        small_classifier().embeddings("city")
    fitted = small_classifier(epochs=1).fit(frame, frame["y"])
    with pytest.raises(ValueError, match="'x' is not a categorical input"):
        fitted.embeddings("x")
    with pytest.raises(ValueError, match=r"lacks the column\(s\) \['city'\]"):
        fitted.predict_proba(frame[["x", "z"]])


# fit_temperature


def test_fit_temperature_recovers_scale_and_keeps_ranking():
    "fit_temperature: logits inflated by 2 give T near 2; T = 1 for calibrated logits"
    rng = np.random.default_rng(1)
    z = rng.normal(0, 1.5, 20_000)
    y = (rng.random(len(z)) < 1 / (1 + np.exp(-z))).astype(int)
    assert fit_temperature(2 * z, y) == pytest.approx(2.0, rel=0.05)
    assert fit_temperature(z, y) == pytest.approx(1.0, rel=0.05)
    assert fit_temperature(0.5 * z, y) < 1


@pytest.mark.parametrize("logits, y, error, message", [
    ([0.1, np.nan], [0, 1], ValueError, "NaN or infinite"),
    ([0.1, 0.2, 0.3], [0, 1], ValueError, "one value per label"),
    ([[0.1, 0.2]], [0, 1], ValueError, "must be 1-D"),
    ([0.1, 0.2], [1, 1], ValueError, "single class"),
    ([0.1, 0.2], [0, 2], ValueError, "only 0 and 1"),
])
def test_fit_temperature_rejects_bad_inputs(logits, y, error, message):
    "fit_temperature: non-finite logits, length mismatches and one-class labels are errors"
    with pytest.raises(error, match=message):
        fit_temperature(logits, y)


# shift_images


def test_shift_images_moves_and_zero_fills():
    "shift_images: right/down/left/up moves with zero fill; per-image shifts; zero is identity"
    image = torch.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    assert shift_images(image, 0, 1)[0, 0].tolist() == [[0, 0, 0], [1, 2, 3], [4, 5, 6]]
    assert shift_images(image, -1, 0)[0, 0].tolist() == [[2, 3, 0], [5, 6, 0], [8, 9, 0]]
    assert torch.equal(shift_images(image, 0, 0), image)
    assert shift_images(image, 5, 0).abs().sum() == 0
    pair = torch.cat([image, image])
    moved = shift_images(pair, torch.tensor([1, -1]), torch.tensor([0, 0]))
    assert torch.equal(moved[0], shift_images(image, 1, 0)[0])
    assert torch.equal(moved[1], shift_images(image, -1, 0)[0])
    assert shift_images(pair[:0], 1, 1).shape == (0, 1, 3, 3)


@pytest.mark.parametrize("images, dx, message", [
    (np.zeros((1, 1, 3, 3)), 1, "must be a tensor of shape"),
    (torch.zeros(1, 3, 3), 1, "must be a tensor of shape"),
    (torch.zeros(2, 1, 3, 3), 0.5, "dx must be an int or an integer tensor"),
    (torch.zeros(2, 1, 3, 3), torch.tensor([1, 2, 3]), "one shift per image \\(2\\)"),
    (torch.zeros(2, 1, 3, 3), True, "dx must be an int"),
])
def test_shift_images_rejects_bad_inputs(images, dx, message):
    "shift_images: non-4-D inputs and non-integer or mis-sized shifts are errors"
    with pytest.raises(ValueError, match=message):
        shift_images(images, dx, 0)
