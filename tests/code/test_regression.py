"""labutils.regression: a last-digit difference passes, a real change fails, and the report is readable."""

import json

import pytest

from labutils.regression import (compare_notebooks, compare_outputs, compare_text, executed_notebook,
                                 read_sanitizers)


def _stream(text, name="stdout"):
    return {"output_type": "stream", "name": name, "text": text}


def _glue(value):
    return {"output_type": "display_data", "metadata": {"scrapbook": {}},
            "data": {"application/papermill.record/text/plain": value}}


@pytest.mark.parametrize(("reference", "actual"), [
    ("AUC 0.661", "AUC 0.662"),                      # another CPU rounds the other way
    ("0.00387771", "0.0038777"),                     # six significant digits, last digit lost
    ("<td>0.123</td><td>4.56e-05</td>", "<td>0.124</td><td>4.57e-05</td>"),
    ("mean   0.5\nstd    1.25", "mean   0.5\nstd   1.251"),  # table padding moves
    ("-0.000", "0.000"),
])
def test_last_digit_differences_pass(reference, actual):
    "compare_text: differences of one unit in the last printed digit, or within rtol, agree"
    assert compare_text(reference, actual) is None


@pytest.mark.parametrize(("reference", "actual", "words"), [
    ("AUC 0.661", "AUC 0.665", "number 0.661 became 0.665"),
    ("0.00387771", "0.0038820", "number"),
    ("150,000 flights", "150,001 flights", "integer 000 became 001"),
    ("commit 3fa9b2c", "commit 3fa9b2d", "text"),
    ("late: 20.1%", "early: 20.1%", "text"),
    ("a 1.0 b", "a 1.0 b 2.0", "different number of numbers"),
    ("12", "12.0", "integer"),
])
def test_real_changes_fail(reference, actual, words):
    "compare_text: a change beyond the tolerance, any integer change and any text change fail"
    found = compare_text(reference, actual)
    assert found is not None and words in found


def test_tolerance_is_relative_and_stated():
    "compare_text: rtol scales with the number; a looser rtol accepts what the default refuses"
    assert compare_text("1000.0", "1001.0") is None           # 1e-3 of 1000 plus one unit
    assert compare_text("1000.00", "1003.00") is not None
    assert compare_text("1000.00", "1003.00", rtol=5e-3) is None


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"reference": ["a"], "actual": "a"}, TypeError),
    ({"reference": "a", "actual": "a", "rtol": -1}, ValueError),
    ({"reference": "a", "actual": "a", "atol": float("nan")}, ValueError),
])
def test_compare_text_rejects_bad_arguments(kwargs, error):
    "compare_text: non-strings and negative or NaN tolerances are refused with a message"
    with pytest.raises(error, match="must be"):
        compare_text(**kwargs)


def test_glue_records_compare_with_tolerance():
    "compare_outputs: glued values (myst-nb records) use the same tolerance"
    assert compare_outputs([_glue("0.00387771")], [_glue("0.0038777")]) == []
    assert compare_outputs([_glue("0.00387771")], [_glue("0.0039")])


def test_streams_are_joined_and_images_ignored():
    "compare_outputs: split writes to a stream equal one write; PNG data are not compared"
    image = {"output_type": "display_data", "data": {"image/png": "AAAA", "text/plain": "<Figure>"}}
    other = {"output_type": "display_data", "data": {"image/png": "BBBB", "text/plain": "<Figure>"}}
    assert compare_outputs([_stream("a 1\nb 2\n"), image], [_stream("a 1\n"), _stream("b 2\n"), other]) == []


def test_missing_output_kind_is_reported():
    "compare_outputs: a cell that stops printing, or starts writing to stderr, fails"
    assert "missing ['stream:stdout']" in compare_outputs([_stream("x")], [])[0]
    assert "unexpected ['stream:stderr']" in compare_outputs([_stream("x")], [_stream("x"), _stream("w", "stderr")])[0]


def test_compare_outputs_rejects_a_string():
    "compare_outputs: outputs are a list of dicts, not text"
    with pytest.raises(TypeError, match="list of output dicts"):
        compare_outputs("0.5", [])


def test_sanitizers_apply_before_comparison(root):
    "compare_outputs: the book's sanitizers hide timings and addresses"
    sanitizers = read_sanitizers(root / "tests" / "nbval_sanitize.cfg")
    ref, new = [_stream("fit in 1.20 s at 0x7f00aa\n")], [_stream("fit in 9.75 s at 0x7f11bb\n")]
    assert compare_outputs(ref, new, sanitizers=sanitizers) == []
    assert compare_outputs(ref, new)


def test_read_sanitizers_needs_an_existing_file(tmp_path):
    "read_sanitizers: a missing file names the file to pass"
    with pytest.raises(ValueError, match="does not exist"):
        read_sanitizers(tmp_path / "missing.cfg")


def _notebook(path, cells):
    path.write_text(json.dumps({"cells": [{"cell_type": "code", "metadata": {"tags": tags}, "source": src,
                                           "outputs": outs} for src, tags, outs in cells]}))
    return path


def test_notebooks_report_the_failing_cell_with_a_diff(tmp_path):
    "compare_notebooks: the report names the cell and shows a unified diff of reference and new output"
    ref = _notebook(tmp_path / "ref.ipynb", [("x = 1", [], []), ("print(auc)", [], [_stream("AUC 0.7412\n")])])
    new = _notebook(tmp_path / "new.ipynb", [("x = 1", [], []), ("print(auc)", [], [_stream("AUC 0.7712\n")])])
    (problem,) = compare_notebooks(ref, new)
    assert problem.startswith("code cell 2 (print(auc))") and "-AUC 0.7412" in problem and "+AUC 0.7712" in problem


def test_a_failing_cell_fails_even_when_outputs_are_ignored(tmp_path):
    "compare_notebooks: an error output fails, also in a cell tagged nbval-ignore-output"
    error = {"output_type": "error", "ename": "ClaimError", "evalue": "claim 'x' = 2 is above 1", "traceback": []}
    ref = _notebook(tmp_path / "ref.ipynb", [("claim()", ["nbval-ignore-output"], [])])
    new = _notebook(tmp_path / "new.ipynb", [("claim()", ["nbval-ignore-output"], [error])])
    assert "raised ClaimError" in compare_notebooks(ref, new)[0]


def test_ignored_and_skipped_cells(tmp_path):
    "compare_notebooks: nbval-ignore-output and nbval-skip cells may change their outputs"
    ref = _notebook(tmp_path / "ref.ipynb", [("t()", ["nbval-ignore-output"], [_stream("1\n")]),
                                             ("u()", ["nbval-skip"], [_stream("2\n")])])
    new = _notebook(tmp_path / "new.ipynb", [("t()", ["nbval-ignore-output"], [_stream("5\n")]),
                                             ("u()", ["nbval-skip"], [])])
    assert compare_notebooks(ref, new) == []


def test_changed_source_or_cell_count_asks_for_references(tmp_path):
    "compare_notebooks: a reference out of step with the chapter says to run make references"
    ref = _notebook(tmp_path / "ref.ipynb", [("a = 1", [], [])])
    assert "make references" in compare_notebooks(ref, _notebook(tmp_path / "n1.ipynb", [("a = 2", [], [])]))[0]
    assert "make references" in compare_notebooks(ref, _notebook(tmp_path / "n2.ipynb", []))[0]


def test_unreadable_notebook_is_a_clear_error(tmp_path):
    "compare_notebooks: a file that is not a notebook names the file"
    (tmp_path / "bad.ipynb").write_text("not json")
    with pytest.raises(ValueError, match="bad.ipynb"):
        compare_notebooks(tmp_path / "bad.ipynb", tmp_path / "bad.ipynb")


def test_executed_notebook_needs_the_builds_cache(tmp_path, root):
    "executed_notebook: without the build's cache it says to run make book"
    with pytest.raises(ValueError, match="make book"):
        executed_notebook(root / "chapters" / "leakage.md", tmp_path / "no-cache")


def test_compare_notebooks_accepts_a_notebook_dict(tmp_path):
    "compare_notebooks: the executed side may be a notebook dict (as executed_notebook returns)"
    ref = _notebook(tmp_path / "ref.ipynb", [("print(1)", [], [_stream("1\n")])])
    assert compare_notebooks(ref, json.loads(ref.read_text())) == []

