"""Domain guard: out-of-domain set builders, the folded Mahalanobis score, its place in the ONNX graph, and the
shipped package's guard on fixtures (natural photographs must be flagged, its reference ood_score reproduced)."""
import csv
import glob
import json
import os

import numpy as np
import onnx
import pytest
import torch

from histoscope_train import data as D
from histoscope_train import domain_guard as G
from histoscope_train import export as E
from histoscope_train import onnx_runner
from histoscope_train.common import round_weights_fp16
from histoscope_train.guard_features import read_photos
from histoscope_train.models import build_model

SHIPPED = os.path.join(os.path.dirname(__file__), "..", "..", "models", "xception-nasnetmobile-idc")


def _idc(fixtures_dir):
    paths = sorted(glob.glob(os.path.join(fixtures_dir, "idc", "patches", "*", "*.png")))
    return np.stack([D.fit_to_size(D.read_rgb(p), 50) for p in paths])


def test_out_of_domain_sets_are_what_they_say(fixtures_dir):
    x = _idc(fixtures_dir)
    g = G.greyscale(x)
    assert g.shape == x.shape and (g[..., 0] == g[..., 1]).all() and (g[..., 1] == g[..., 2]).all()
    ihc = G.ihc_like(x).astype(float)
    # eosin pink (red > green) becomes DAB brown: in H&E red exceeds blue on average, IHC-like adds brown, no pink
    od = -np.log((ihc + 1) / 256)
    hed = od @ G.HED_FROM_RGB
    assert hed[..., 1].mean() < 0.5 * (-np.log((x.astype(float) + 1) / 256) @ G.HED_FROM_RGB)[..., 1].mean()
    assert hed[..., 2].mean() > 0.05  # DAB present
    b = G.blur(x)
    assert np.abs(np.diff(b.astype(float), axis=2)).mean() < 0.5 * np.abs(np.diff(x.astype(float), axis=2)).mean()
    e = G.enlarged(x)
    assert e.shape == x.shape
    assert np.abs(np.diff(e.astype(float), axis=2)).mean() < np.abs(np.diff(x.astype(float), axis=2)).mean()
    photos = read_photos(os.path.join(fixtures_dir, "photos"))
    assert len(photos) >= 4
    crops = G.photo_crops(photos, 12, seed=1)
    assert crops.shape == (12, 50, 50, 3) and crops.dtype == np.uint8


def test_folded_guard_is_the_mahalanobis_distance_to_the_nearer_class():
    rng = np.random.default_rng(0)
    d, n = 40, 600
    y = rng.integers(0, 2, n)
    mix = rng.normal(size=(d, d)) / np.sqrt(d)
    f = rng.normal(size=(n, d)) @ mix + y[:, None] * 2.0
    guard, info = G.fit_guard(f, y, components=10)
    # explicit computation, float64: PCA space, class means, Ledoit-Wolf covariance
    from sklearn.covariance import LedoitWolf
    mean = f.mean(0)
    _, _, vt = np.linalg.svd(f - mean, full_matrices=False)
    z = (f - mean) @ vt[:10].T
    mus = [z[y == c].mean(0) for c in (0, 1)]
    cov = LedoitWolf(assume_centered=True).fit(np.concatenate([z[y == c] - mus[c] for c in (0, 1)])).covariance_
    prec = np.linalg.inv(cov)
    q = rng.normal(size=(5, d)) * 3
    zq = (q - mean) @ vt[:10].T
    expected = np.sqrt(np.min([np.einsum("ij,jk,ik->i", zq - m, prec, zq - m) for m in mus], axis=0) / 10)
    got = guard(torch.as_tensor(q, dtype=torch.float32)).numpy()[:, 0]
    assert np.allclose(got, expected, rtol=1e-3)
    # in-domain scores about 1, far points far above
    inside = guard(torch.as_tensor(f, dtype=torch.float32)).numpy()
    assert 0.5 < np.median(inside) < 1.5
    far = guard(torch.as_tensor(f[:20] + 10 * rng.normal(size=(20, d)), dtype=torch.float32)).numpy()
    assert far.min() > np.quantile(inside, 0.99)
    assert G.threshold_for_share(inside[:, 0], 0.05) == pytest.approx(np.quantile(inside, 0.95))


def test_guard_is_a_second_output_of_the_graph_and_matches_pytorch(tmp_path):
    torch.manual_seed(0)
    model = build_model("smallcnn").eval()
    x = torch.randn(64, 3, 50, 50)
    with torch.no_grad():
        feats = model.features(x).numpy()
    guard, _ = G.fit_guard(feats, (feats[:, 0] > np.median(feats[:, 0])).astype(int), components=8)
    round_weights_fp16(model)
    round_weights_fp16(guard)
    path = str(tmp_path / "m.onnx")
    info = E.export_onnx(model, path, 50, fp16=True, guard=guard)
    proto = onnx.load(path)
    assert [o.name for o in proto.graph.output] == ["probability", "ood_score"]
    assert info["bytes"] > 0
    q = torch.randn(3, 3, 50, 50)
    p, o = onnx_runner.run(path, {"input": q})
    with torch.no_grad():
        p_ref, o_ref = E.shipped_module(model, guard=guard)(q)
    assert o.shape == (3, 1) and p.shape == (3, 1)
    assert np.max(np.abs(o - o_ref.numpy())) < 1e-4
    assert np.max(np.abs(p - p_ref.numpy())) < 1e-5


def test_colour_statistics_are_what_they_say_and_the_same_for_every_dihedral_view(fixtures_dir):
    x = _idc(fixtures_dir)
    mean, std = [0.8, 0.6, 0.7], [0.1, 0.15, 0.1]
    cs = G.ColourStats(mean, std).eval()
    names = list(G.COLOUR_STATS)
    with torch.no_grad():
        s = cs(D.to_input(x, mean, std)).numpy()
        grey = cs(D.to_input(G.greyscale(x), mean, std)).numpy()
        ihc = cs(D.to_input(G.ihc_like(x), mean, std)).numpy()
        views = [cs(D.dihedral(D.to_input(x, mean, std), k)).numpy() for k in range(8)]
    assert s.shape == (len(x), len(names))
    # the H/E/D means against an explicit numpy colour deconvolution
    od = -np.log((x.astype(np.float64) + 1) / 256)
    hed = np.clip(od @ G.HED_FROM_RGB, 0, None).reshape(len(x), -1, 3)
    assert np.allclose(s[:, :3], hed.mean(1), atol=2e-3)
    assert np.allclose(s[:, 3:6], hed.std(1), atol=2e-3)
    # greyscale: nearly all tissue pixels near-grey, no chroma; H&E: few; IHC-like: eosin share gone, DAB share up
    g, c = names.index("grey_fraction"), names.index("chroma_mean")
    assert (grey[:, g] > 0.2).all() and (s[:, g] < 0.05).all() and (grey[:, c] < 0.01).all()
    e, d = names.index("e_share"), names.index("d_share")
    assert (ihc[:, e] < 0.02).all() and s[:, e].mean() > 0.1
    assert ihc[:, d].mean() > s[:, d].mean() + 0.05
    for v in views:  # the app averages ood_score over the 8 views: the colour terms must not depend on the view
        assert np.allclose(v, s, rtol=1e-4, atol=1e-5)


def _combined_guard(model, mean, std, rng):
    x = torch.randn(64, 3, 50, 50)
    with torch.no_grad():
        feats = model.features(x).numpy()
        stats = G.ColourStats(mean, std)(x).numpy()
    fg, _ = G.fit_guard(feats, (feats[:, 0] > np.median(feats[:, 0])).astype(int), components=8)
    terms = [G.fit_colour_term(stats, [0, 1, 2, 3, 4, 5, 7, 9, 10], False, 2.0),
             G.fit_colour_term(stats, [0, 1, 2, 3, 12, 13, 14], True, 1.5),
             G.fit_colour_term(stats, list(G.SCALE_STATS), False, 2.0),        # lags, variogram, DoG (2.3.2)
             G.fit_colour_term(stats, [G.COLOUR_STATS.index("h_lag1_over_lag4")], True, 2.0)]
    return G.CombinedGuard(fg, 0.7, G.ColourStats(mean, std), terms)


def test_combined_guard_with_colour_terms_is_the_graph_output_and_matches_pytorch(tmp_path):
    torch.manual_seed(1)
    model = build_model("smallcnn").eval()
    guard = _combined_guard(model, [0.8, 0.6, 0.7], [0.1, 0.15, 0.1], np.random.default_rng(0))
    round_weights_fp16(model)
    round_weights_fp16(guard)
    path = str(tmp_path / "m.onnx")
    E.export_onnx(model, path, 50, fp16=True, guard=guard)
    assert [o.name for o in onnx.load(path).graph.output] == ["probability", "ood_score"]
    q = torch.randn(4, 3, 50, 50)
    p, o = onnx_runner.run(path, {"input": q})
    with torch.no_grad():
        p_ref, o_ref = E.shipped_module(model, guard=guard)(q)
        parts = [guard.feature_guard(model.features(q)) * guard.feature_weight] + \
                [t(guard.colour_stats(q)) for t in guard.terms]
    assert np.max(np.abs(o - o_ref.numpy())) < 1e-4 and np.max(np.abs(p - p_ref.numpy())) < 1e-5
    # the score is the largest of its terms
    assert np.allclose(o_ref.numpy(), torch.stack(parts).amax(0).numpy())


@pytest.fixture(scope="module")
def shipped():
    with open(os.path.join(SHIPPED, "model-card.json")) as f:
        card = json.load(f)
    if "domain_guard" not in card:
        pytest.skip("the shipped package has no domain guard")
    return card


def test_shipped_card_states_the_guard_the_resolution_and_the_operating_points(shipped):
    g = shipped["domain_guard"]
    assert g["output"] == "ood_score" and g["aggregation"] == "mean over TTA views"
    assert g["threshold"] > 0 and g["validation_flagged_share"] == pytest.approx(0.05, abs=0.005)
    assert shipped["microns_per_pixel"] == 4.0 and shipped["microns_per_pixel_source"]
    assert shipped["microns_per_pixel_check"]
    ops = shipped["operating_points"]
    assert ops["patch"]["threshold"] == shipped["threshold"]
    for k in ("patch", "slide"):
        assert ops[k]["grey_zone"]["low"] <= ops[k]["threshold"] <= ops[k]["grey_zone"]["high"]
    assert ops["tile"]["smoothing_sigma_tiles"] == 2.0 and 0 < ops["tile"]["threshold"] < 1
    assert ops["slide"]["score"] and isinstance(ops["slide"]["score_parameters"], dict)


def test_shipped_guard_reproduces_its_reference_and_flags_photographs_not_tissue(shipped, fixtures_dir):
    ref = os.path.join(SHIPPED, "reference")
    with open(os.path.join(ref, "probabilities.csv")) as f:
        rows = list(csv.DictReader(f))[:2]
    photos = G.photo_crops(read_photos(os.path.join(fixtures_dir, "photos")), 4, seed=3)
    ref_images = np.stack([D.read_rgb(os.path.join(ref, r["file"])) for r in rows])
    x = D.to_input(np.concatenate([ref_images, photos]), shipped["input"]["mean"], shipped["input"]["std"])
    p, o = onnx_runner.run(os.path.join(SHIPPED, "model.onnx"), {"input": x})
    assert np.max(np.abs(o[:2, 0] - np.array([float(r["ood_score"]) for r in rows]))) < 1e-4
    assert np.max(np.abs(p[:2, 0] - np.array([float(r["probability"]) for r in rows]))) < 1e-4
    t = shipped["domain_guard"]["threshold"]
    assert (o[2:, 0] > t).all(), o[2:, 0]
    assert (o[:2, 0] <= t).all()


def test_shipped_guard_flags_greyscale_and_ihc_like_versions_of_tissue_it_accepts(shipped, fixtures_dir):
    """The colour terms (2.3.1): greyscale and haematoxylin + DAB recolourings of in-domain patches are flagged."""
    x = _idc(fixtures_dir)
    mean, std = shipped["input"]["mean"], shipped["input"]["std"]
    model = os.path.join(SHIPPED, "model.onnx")
    t = shipped["domain_guard"]["threshold"]
    _, o = onnx_runner.run(model, {"input": D.to_input(x, mean, std)})
    kept = o[:, 0] <= t
    assert kept.mean() >= 0.75, o[:, 0]
    for fn in (G.greyscale, G.ihc_like):
        _, oo = onnx_runner.run(model, {"input": D.to_input(fn(x[kept]), mean, std)})
        assert (oo[:, 0] > t).all(), (fn.__name__, oo[:, 0])


def _blob_field(rng, side: int, radius: float, count: int) -> np.ndarray:
    """A pink H&E-like RGB patch [side,side,3] with ``count`` haematoxylin discs of ``radius`` px at random places."""
    yy, xx = np.mgrid[:side, :side]
    h = np.zeros((side, side))
    for r, c in rng.uniform(0, side, (count, 2)):
        h = np.maximum(h, ((yy - r) ** 2 + (xx - c) ** 2 <= radius ** 2) * 0.9)
    od = 0.25 * G.RGB_FROM_HED[1] + h[..., None] * G.RGB_FROM_HED[0]      # eosin background + nuclei
    return np.clip(np.rint(256.0 * np.exp(-od) - 1.0), 0, 255).astype(np.uint8)


def test_scale_statistics_tell_enlarged_nuclei_from_native_ones_and_do_not_depend_on_the_view():
    """2.3.2: nuclei of 2-3 px (the model's 4 um/px) against the same kind of tissue seen 4x enlarged (nuclei of
    8-12 px, as in a 1 um/px scan such as PCam). The lag-1/lag-4 ratio of H, the lag-1 variogram and the
    fine-scale DoG energy fall; the coarse-to-fine DoG ratio rises. Every statistic is the same for the 8 views."""
    rng = np.random.default_rng(5)
    native = np.stack([_blob_field(rng, 50, 1.2, 120) for _ in range(6)])
    sharp_big = np.stack([_blob_field(rng, 50, 4.8, 8) for _ in range(3)])   # a sharp scan at 4x magnification
    enlarged = np.concatenate([sharp_big, G.enlarged(native[:3], seed=2)])   # and a native crop enlarged 4x
    mean, std = [0.8, 0.6, 0.7], [0.1, 0.15, 0.1]
    cs = round_weights_fp16(G.ColourStats(mean, std)).eval()
    names = list(G.COLOUR_STATS)
    assert len(names) == 29 and list(G.SCALE_STATS) == list(range(17, 29))
    with torch.no_grad():
        s_nat = cs(D.to_input(native, mean, std)).numpy()
        s_big = cs(D.to_input(enlarged, mean, std)).numpy()
        x = D.to_input(np.concatenate([native, enlarged]), mean, std)
        s = cs(x).numpy()
        views = [cs(D.dihedral(x, k)).numpy() for k in range(8)]
    for v in views:
        assert np.allclose(v, s, rtol=1e-4, atol=1e-5)
    col = names.index
    assert s_big[:, col("h_lag1_over_lag4")].max() < s_nat[:, col("h_lag1_over_lag4")].min()
    assert s_big[:, col("h_vario1")].max() < s_nat[:, col("h_vario1")].min()
    assert s_big[:, col("h_dog12")].max() < s_nat[:, col("h_dog12")].min()
    assert s_big[:, col("h_dog24_over_dog12")].min() > s_nat[:, col("h_dog24_over_dog12")].max()
    # a term fitted on native patches only (Mahalanobis of the log coarseness) flags every enlarged one
    term = G.fit_colour_term(s_nat, [col("h_lag1_over_lag4")], True)
    with torch.no_grad():
        d_nat = term(torch.as_tensor(s_nat)).numpy()[:, 0]
        d_big = term(torch.as_tensor(s_big)).numpy()[:, 0]
    assert d_big.min() > 3 * np.median(d_nat)
