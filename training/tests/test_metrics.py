import numpy as np
import pytest

from histoscope_train.metrics import (bootstrap_auc_ci, confusion, roc_auc, roc_curve, threshold_metrics,
                                      youden_threshold)

Y = np.array([0, 0, 0, 0, 1, 1, 1])
P = np.array([0.1, 0.4, 0.35, 0.8, 0.7, 0.9, 0.3])


def test_auc_hand_computed():
    # positive/negative pairs: 3 x 4 = 12. Pos 0.7 beats 0.1,0.4,0.35 (3); 0.9 beats all 4; 0.3 beats 0.1 (1)
    assert roc_auc(Y, P) == pytest.approx(8 / 12)
    assert roc_auc([0, 1], [0.5, 0.5]) == pytest.approx(0.5)  # ties count 1/2
    assert np.isnan(roc_auc([1, 1], [0.2, 0.3]))


def test_threshold_metrics_hand_computed():
    m = threshold_metrics(Y, P, 0.5)
    # predicted positive: 0.8 (neg), 0.7, 0.9 (pos) -> TP 2, FP 1, TN 3, FN 1
    assert confusion(Y, P, 0.5) == (2, 1, 3, 1)
    assert m["sensitivity"] == pytest.approx(2 / 3)
    assert m["specificity"] == pytest.approx(3 / 4)
    assert m["balanced_accuracy"] == pytest.approx((2 / 3 + 3 / 4) / 2)
    assert m["accuracy"] == pytest.approx(5 / 7)
    assert m["precision"] == pytest.approx(2 / 3)
    assert m["f1"] == pytest.approx(2 * 2 / (2 * 2 + 1 + 1))
    assert m["confusion_matrix"]["matrix"] == [[3, 1], [1, 2]]


def test_roc_curve_and_youden():
    fpr, tpr, thr = roc_curve(Y, P)
    assert fpr[0] == 0 and tpr[0] == 0 and fpr[-1] == 1 and tpr[-1] == 1
    t = youden_threshold(Y, P)
    # best J = 2/3 - 0 ... enumerate: threshold 0.7 -> TPR 2/3, FPR 1/4 (0.8) => J=0.4167;
    # threshold 0.9 -> 1/3,0 => 0.333; 0.3 -> 1, 3/4 ... => 0.25. Best: predict positive for p >= 0.7
    pred_j = max(threshold_metrics(Y, P, tt)["sensitivity"] + threshold_metrics(Y, P, tt)["specificity"] - 1
                 for tt in np.unique(P))
    m = threshold_metrics(Y, P, t)
    assert m["sensitivity"] + m["specificity"] - 1 == pytest.approx(pred_j)
    assert 0.4 < t <= 0.7


def test_bootstrap_ci_contains_auc():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    p = rng.random(300) * 0.6 + 0.4 * y
    lo, hi = bootstrap_auc_ci(y, p, n_boot=200)
    a = roc_auc(y, p)
    assert lo < a < hi
    g = np.repeat(np.arange(30), 10)
    lo2, hi2 = bootstrap_auc_ci(y, p, n_boot=200, groups=g)
    assert lo2 < a < hi2
