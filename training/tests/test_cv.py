"""Patient-level folds, the cross-validation table and its decision rule, stain normalisation, patient balance."""
import csv
import gzip
import json
import os

import numpy as np
import pytest
import torch

from histoscope_train import cv
from histoscope_train import data as D


def _patients(n_large=12, n_small=40, seed=0):
    rng = np.random.default_rng(seed)
    patients = {}
    for i in range(n_large):
        patients[f"L{i}"] = (int(rng.integers(300, 2000)), 0)
    for i in range(n_small):
        patients[f"S{i}"] = (40, 0)
    return {p: (n, int(n * rng.uniform(0, 0.8))) for p, (n, _) in patients.items()}


def test_every_patient_is_in_exactly_one_fold_and_folds_are_alike():
    patients = _patients()
    folds = cv.assign_folds(patients, k=5, seed=1)
    assert set(folds) == set(patients)
    assert set(folds.values()) == set(range(5))
    for large in (True, False):
        sizes = np.bincount([f for p, f in folds.items() if (patients[p][0] > 100) == large], minlength=5)
        assert sizes.max() - sizes.min() <= 1, sizes  # each fold gets its share of whole slides and samples
    shares = [np.mean([patients[p][1] / patients[p][0] for p in folds if folds[p] == f]) for f in range(5)]
    assert max(shares) - min(shares) < 0.15, shares  # sorted by IDC share before dealing: similar mixes


def test_fold_splits_keep_the_package_test_patients_out_of_every_fold(tmp_path):
    records = [D.Record(path=f"{g}/{i}.png", label=i % 3 == 0, group=g) for g in "ABCDEFGHIJKL" for i in range(10)]
    split = tmp_path / "split.csv"
    D.write_split(str(split), records, {**{g: "train" for g in "ABCDEFGHIJ"}, "K": "test", "L": "test"}, 42)
    paths = cv.write_fold_splits(str(split), records, str(tmp_path / "folds"), k=5)
    held_out = []
    for path in paths:
        assign = D.read_split(path)
        assert assign["K"] == assign["L"] == "test"
        held_out += [p for p, s in assign.items() if s == "val"]
        assert {s for s in assign.values()} == {"train", "val", "test"}
    assert sorted(held_out) == list("ABCDEFGHIJ")  # every non-test patient is held out exactly once


def _kept_fold(root, recipe, fold, y, p):
    run = os.path.join(root, recipe, f"fold{fold}")
    os.makedirs(os.path.join(run, "eval"))
    with gzip.open(os.path.join(run, "eval", "predictions_val.csv.gz"), "wt", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "patient_id", "label", "probability"])
        for i, (label, prob) in enumerate(zip(y, p)):
            w.writerow([i, f"p{fold}_{i % 7}", label, prob])
    with open(os.path.join(run, "eval", "metrics.json"), "w") as f:
        json.dump({"test": {"auc": 0.9}}, f)
    with open(os.path.join(run, "log.csv"), "w") as f:
        f.write("epoch,seconds_per_epoch\n1,300\n2,300\n")


def _write_recipe(root, recipe, separation, seed):
    rng = np.random.default_rng(seed)
    for fold in range(5):
        y = rng.integers(0, 2, 400)
        p = 1 / (1 + np.exp(-(rng.normal(0, 1, 400) + separation * (2 * y - 1))))
        _kept_fold(root, recipe, fold, y, p)


def test_a_recipe_is_kept_only_when_it_wins_by_more_than_the_fold_spread(tmp_path):
    _write_recipe(tmp_path, "base", 0.8, 0)
    _write_recipe(tmp_path, "much_better", 2.0, 1)
    _write_recipe(tmp_path, "same", 0.8, 2)
    recipes = cv.summary(str(tmp_path))
    assert recipes["base"]["decision"] == "baseline"
    assert recipes["much_better"]["decision"].startswith("keep")
    assert recipes["same"]["decision"].startswith("not kept")
    base = recipes["base"]
    assert len(base["folds"]) == 5 and base["auc_sd"] > 0
    assert all(0.5 < f["balanced_accuracy"] < 1 for f in base["folds"])
    table = cv.markdown_table(recipes)
    assert "| much_better |" in table and "5/5" in table


def test_a_recipe_with_missing_folds_is_undecided(tmp_path):
    _write_recipe(tmp_path, "base", 0.8, 0)
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 100)
    _kept_fold(tmp_path, "partial", 0, y, rng.random(100))
    recipes = cv.summary(str(tmp_path))
    assert recipes["partial"]["decision"].startswith("undecided")
    assert recipes["partial"]["folds"][0]["balanced_accuracy"] is None  # no other fold to take a threshold from


def test_the_cross_fold_threshold_is_not_taken_from_the_scored_fold(tmp_path):
    # fold 0's scores are shifted up: a threshold of its own would fit it, the other folds' does not
    rng = np.random.default_rng(4)
    for fold in range(3):
        y = rng.integers(0, 2, 300)
        z = rng.normal(0, 1, 300) + 1.5 * (2 * y - 1) + (3.0 if fold == 0 else 0.0)
        _kept_fold(tmp_path, "base", fold, y, 1 / (1 + np.exp(-z)))
    fig = cv.recipe_figures(os.path.join(tmp_path, "base"))
    fold0 = fig["folds"][0]
    assert fold0["auc"] > 0.9
    assert fold0["balanced_accuracy"] < 0.8  # the borrowed threshold sits far below fold 0's scores


def _patches(fixtures_dir):
    records = D.load_idc(os.path.join(fixtures_dir, "idc")).records[:8]
    return np.stack([D.fit_to_size(D.read_rgb(r.path), 50) for r in records])


def test_reinhard_moves_each_patch_to_the_reference_statistics(fixtures_dir):
    patches = _patches(fixtures_dir)
    reference = D.stain_reference(patches)
    x = torch.as_tensor(patches).permute(0, 3, 1, 2).float() / 255
    recoloured = x * torch.tensor([0.7, 1.0, 1.1]).view(1, 3, 1, 1)  # a colour shift between labs
    normalised = D.reinhard_normalise(recoloured.clamp(0, 1), reference)
    mean, _ = D.tissue_statistics(normalised)
    assert torch.allclose(mean, torch.tensor(reference["mean"], dtype=torch.float64).expand_as(mean), atol=0.05)
    # the same tissue under two stainings ends up closer together than it started
    before = (recoloured - x).abs().mean()
    after = (normalised - D.reinhard_normalise(x, reference)).abs().mean()
    assert after < before / 1.5


def test_normalisation_is_part_of_the_input_in_training_and_inference(fixtures_dir):
    patches = torch.as_tensor(_patches(fixtures_dir))
    reference = D.stain_reference(patches.numpy())
    plain = D.batch_to_input(patches, [0.5] * 3, [0.2] * 3)
    normalised = D.batch_to_input(patches, [0.5] * 3, [0.2] * 3, stain=reference)
    assert not torch.allclose(plain, normalised)
    assert torch.isfinite(normalised).all()


def test_patient_balanced_weights_give_every_patient_the_same_mass():
    groups = ["a"] * 1000 + ["b"] * 40 + ["c"] * 10
    w = D.patient_balanced_weights(groups)
    mass = {g: float(w[[i for i, x in enumerate(groups) if x == g]].sum()) for g in "abc"}
    assert mass["a"] == pytest.approx(mass["b"]) == pytest.approx(mass["c"])


def test_the_report_section_shows_each_recipe_with_its_decision(tmp_path):
    _write_recipe(tmp_path, "base", 0.8, 0)
    _write_recipe(tmp_path, "reinhard", 0.8, 5)
    section = "\n".join(cv.report_section(str(tmp_path)))
    assert "cross-validation" in section
    assert "| base | the shipped recipe" in section and "| reinhard | Reinhard" in section
    assert "baseline" in section and ("not kept" in section or "keep" in section)
