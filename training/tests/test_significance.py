import math

import numpy as np

from histoscope_train.metrics import roc_auc
from histoscope_train.significance import delong_test, holm, mcnemar_test


def test_delong_aucs_match_the_plain_auc_including_ties():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 400)
    p1 = np.round(y * 0.6 + rng.random(400), 1)  # rounding makes many ties
    p2 = y * 0.2 + rng.random(400)
    r = delong_test(y, p1, p2)
    assert math.isclose(r["auc1"], roc_auc(y, p1), abs_tol=1e-12)
    assert math.isclose(r["auc2"], roc_auc(y, p2), abs_tol=1e-12)


def test_delong_tells_a_real_difference_from_none():
    rng = np.random.default_rng(5)
    y = rng.integers(0, 2, 2000)
    strong = y * 1.5 + rng.normal(size=2000)
    weak = y * 0.5 + rng.normal(size=2000)
    assert delong_test(y, strong, weak)["p_value"] < 1e-6
    same = delong_test(y, strong, strong + 1e-9 * rng.normal(size=2000))
    assert same["p_value"] > 0.5


def test_delong_matches_a_known_variance():
    # For identical scores up to a monotone map the difference is zero and the test is not significant
    y = np.array([0, 0, 1, 1, 0, 1])
    p = np.array([0.1, 0.4, 0.35, 0.8, 0.2, 0.9])
    r = delong_test(y, p, p ** 2)
    assert r["difference"] == 0.0 and r["p_value"] == 1.0


def test_mcnemar_counts_discordant_pairs_and_uses_the_exact_binomial():
    y = np.array([1] * 10)
    a = np.array([1] * 10, dtype=bool)
    b = np.array([1, 1, 0, 0, 0, 0, 0, 0, 0, 0], dtype=bool)
    r = mcnemar_test(y, a, b)
    assert (r["only_first_correct"], r["only_second_correct"]) == (8, 0)
    assert math.isclose(r["p_value"], 2 / 2 ** 8)
    assert mcnemar_test(y, a, a)["p_value"] == 1.0


def test_holm_is_monotone_and_capped():
    adjusted = holm([0.01, 0.04, 0.03, 0.5])
    assert adjusted == [0.04, 0.09, 0.09, 0.5]


def test_delong_standard_error_agrees_with_a_paired_bootstrap():
    rng = np.random.default_rng(11)
    n = 600
    y = rng.integers(0, 2, n)
    shared = rng.normal(size=n)
    p1 = y * 1.0 + shared + 0.5 * rng.normal(size=n)
    p2 = y * 0.8 + shared + 0.5 * rng.normal(size=n)
    r = delong_test(y, p1, p2)
    se_delong = abs(r["difference"] / r["z"])
    diffs = []
    for _ in range(1500):
        i = rng.integers(0, n, n)
        if y[i].min() == y[i].max():
            continue
        diffs.append(roc_auc(y[i], p1[i]) - roc_auc(y[i], p2[i]))
    assert math.isclose(se_delong, float(np.std(diffs)), rel_tol=0.15)
