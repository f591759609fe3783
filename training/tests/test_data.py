import os
import shutil

import numpy as np
import torch

from histoscope_train import data as D


def test_idc_loader_reads_fixture(fixtures_dir):
    ds = D.load_idc(os.path.join(fixtures_dir, "idc"))
    assert ds.native_size == 50 and ds.patient_level
    assert len(ds.records) >= 12
    assert {r.label for r in ds.records} == {0, 1}
    arr = D.load_images(ds.records, 50)
    assert arr.shape == (len(ds.records), 50, 50, 3) and arr.dtype == np.uint8
    # the slide-border patch (50x42) is padded with white at the bottom
    small = [i for i, r in enumerate(ds.records) if D.read_rgb(r.path).shape[0] < 50]
    assert small, "fixture should contain one smaller border patch"
    i = small[0]
    h = D.read_rgb(ds.records[i].path).shape[0]
    assert (arr[i, h:] == 255).all()
    assert (arr[i, :h] == D.read_rgb(ds.records[i].path)).all()


def test_kaggle_loader_reads_tiffs(fixtures_dir):
    ds = D.load_kaggle(os.path.join(fixtures_dir, "pcam"))
    assert ds.native_size == 96 and not ds.patient_level
    assert len(ds.records) == 6 and {r.label for r in ds.records} == {0, 1}
    img = D.read_rgb(ds.records[0].path)
    assert img.shape == (96, 96, 3) and img.dtype == np.uint8
    arr = D.load_images(ds.records, 96)
    assert arr.shape == (6, 96, 96, 3)
    # centre crop to 50 for a 50x50 model
    assert D.fit_to_size(img, 50).shape == (50, 50, 3)
    assert (D.fit_to_size(img, 50) == img[23:73, 23:73]).all()


def test_folder_loader(tmp_path, fixtures_dir):
    ds = D.load_idc(os.path.join(fixtures_dir, "idc"))
    for r in ds.records:
        d = tmp_path / ("cancer" if r.label else "non-cancer")
        d.mkdir(exist_ok=True)
        shutil.copyfile(r.path, d / os.path.basename(r.path))
    f = D.load_folder(str(tmp_path), positive_class="cancer", group_by_prefix=True)
    assert f.classes == ["non-cancer", "cancer"]
    assert sum(r.label for r in f.records) == sum(r.label for r in ds.records)
    assert {r.group for r in f.records} == {r.group for r in ds.records}


def test_patient_split_never_shares_a_patient(fixtures_dir):
    recs = []
    rng = np.random.default_rng(0)
    for p in range(120):
        n = int(rng.integers(5, 300))
        for i in range(n):
            recs.append(D.Record(f"{p}_{i}.png", int(rng.random() < 0.3), str(p)))
    for seed in (0, 1, 42):
        assign = D.split_groups(recs, seed=seed)
        split_of = {}
        for r in recs:
            s = assign[r.group]
            assert split_of.setdefault(r.group, s) == s
        groups = {s: {g for g, v in assign.items() if v == s} for s in D.SPLITS}
        assert not (groups["train"] & groups["val"]) and not (groups["train"] & groups["test"]) \
            and not (groups["val"] & groups["test"])
        assert all(groups[s] for s in D.SPLITS)
    assert D.split_groups(recs, seed=3) == D.split_groups(recs, seed=3)  # seeded
    ds = D.load_idc(os.path.join(fixtures_dir, "idc"))
    a = D.split_groups(ds.records, seed=0, val_frac=0.34, test_frac=0.34)
    assert set(a) == {r.group for r in ds.records}


def test_split_file_roundtrip(tmp_path):
    recs = [D.Record(f"{p}_{i}", i % 2, str(p)) for p in range(20) for i in range(4)]
    a = D.split_groups(recs, seed=1)
    path = tmp_path / "split.csv"
    D.write_split(str(path), recs, a, 1)
    assert D.read_split(str(path)) == a


def test_augment_shapes_range_and_seed():
    x = torch.rand(6, 3, 50, 50)
    a = D.augment(x, torch.Generator().manual_seed(1))
    b = D.augment(x, torch.Generator().manual_seed(1))
    assert a.shape == x.shape and torch.equal(a, b)
    assert a.min() >= 0 and a.max() <= 1
    assert not torch.equal(a, x)


def test_to_input_matches_java_formula():
    img = np.arange(2 * 50 * 50 * 3, dtype=np.int64).reshape(2, 50, 50, 3) % 256
    img = img.astype(np.uint8)
    mean, std = [0.8, 0.6, 0.7], [0.15, 0.2, 0.15]
    x = D.to_input(img, mean, std)
    assert x.shape == (2, 3, 50, 50) and x.dtype == torch.float32
    v = np.float32(img[1, 7, 9, 2]) / np.float32(255.0)
    assert x[1, 2, 7, 9].item() == np.float32((v - np.float32(0.7)) / np.float32(0.15))
