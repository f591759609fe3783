"""REPORT.md sections on what the app's numbers mean: the model's resolution (magnification check), the
operating points for patch, heatmap tile and slide with their grey zones (slide-level table), and the
domain guard (out-of-domain table). Read from a run folder or its kept copy:
eval/magnification.json (histoscope_train.magnification), eval/operating_points.json
(histoscope_train.operating_points) and guard/guard.json (histoscope_train.guard_fit)."""
from __future__ import annotations

import json
import os

OOD_TARGETS = {"greyscale": 0.90, "ihc_like": 0.90, "photos": 0.90, "pcam": 0.75}
OOD_NAMES = {"greyscale": "greyscale", "ihc_like": "IHC-like (haematoxylin + DAB by colour deconvolution)",
             "blur": "strong blur (Gaussian sigma 3 px)", "enlarged_4x": "4x enlarged crops",
             "photos": "natural photographs (scikit-image samples)", "pcam": "PCam lymph node patches (centre 50x50)"}


def _read(folder, name):
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def _pct(v):
    return "–" if v is None else f"{100 * v:.1f} %"


def magnification_section(mag: dict) -> list[str]:
    L = ["## Magnification: the model's training resolution\n",
         f"**{mag['microns_per_pixel']:g} µm per pixel** (card: `microns_per_pixel`). Source: {mag['source']}.\n",
         f"Check on the data: {mag['check']}\n",
         "| patient | patches (IDC) | stitched extent (px) | at 4 µm/px (mm) | if 0.25 µm/px (mm) | if 1 µm/px (mm) | tissue at 4 µm/px (mm²) |",
         "|---|---|---|---|---|---|---|"]
    for p, v in mag["patients"].items():
        L.append(f"| {p} | {v['patches']} ({v['idc_patches']}) | {v['extent_px'][0]} × {v['extent_px'][1]} | "
                 f"{v['extent_mm_at_4um'][0]} × {v['extent_mm_at_4um'][1]} | {v['extent_mm_if_0.25um'][0]} × "
                 f"{v['extent_mm_if_0.25um'][1]} | {v['extent_mm_if_1um'][0]} × {v['extent_mm_if_1um'][1]} | "
                 f"{v['tissue_area_mm2_at_4um']} |")
    n = mag["nuclei"]
    L.append(f"\nNuclei: {n['blobs']} haematoxylin-dense blobs, median equivalent diameter "
             f"{n['median_diameter_px']:.2f} px = {n['median_diameter_um_at_4um']:.1f} µm at 4 µm/px (IQR "
             f"{n['iqr_diameter_um_at_4um'][0]:.1f}–{n['iqr_diameter_um_at_4um'][1]:.1f} µm); {n['method']}.\n")
    L.append("![A complete patient's patches stitched at their x,y, with a 5 mm bar at 4 µm/px](magnification_check.png)\n")
    return L


def operating_points_section(op: dict) -> list[str]:
    p, t, s = op["patch"], op["tile"], op["slide"]
    L = ["## Operating points (chosen on the validation patients, checked once on the test patients)\n",
         "| decision | threshold | grey zone (indeterminate) | validation | test |", "|---|---|---|---|---|"]
    pv, pt = p["validation"], p["test_at_validation_band"]
    L.append(f"| patch label | {p['threshold']:.4f} | {p['grey_zone']['low']:.4f}–{p['grey_zone']['high']:.4f} | "
             f"PPV above {_pct(pv['ppv_above'])}, NPV below {_pct(pv['npv_below'])}, {_pct(pv['share_in_band'])} in band | "
             f"PPV above {_pct(pt['ppv_above'])}, NPV below {_pct(pt['npv_below'])}, {_pct(pt['share_in_band'])} in band |")
    L.append(f"| heatmap outline (tile, smoothed σ {t['smoothing_sigma_tiles']:g}) | {t['threshold']:.4f} | – | "
             f"sensitivity {t['val_sensitivity']:.3f}, specificity {t['val_specificity']:.3f} ({t['val_tiles']} tiles) | "
             f"sensitivity {t['test_sensitivity']:.3f}, specificity {t['test_specificity']:.3f} ({t['test_tiles']} tiles) |")
    sv = s["validation_grey_zone"]
    sg = s["test_grey_zone_check"]
    L.append(f"| slide verdict (`{s['score']}`) | {s['threshold']:.4f} | {s['grey_zone']['low']:.4f}–{s['grey_zone']['high']:.4f} | "
             f"AUC {s['val_auc']:.3f}, sensitivity {s['val_sensitivity']:.3f}, specificity {s['val_specificity']:.3f}; "
             f"PPV above {_pct(sv['ppv_above'])}, NPV below {_pct(sv['npv_below'])} | "
             f"AUC {s['test_auc']:.3f}, sensitivity {s['test_sensitivity']:.3f}, specificity {s['test_specificity']:.3f}; "
             f"PPV above {_pct(sg['ppv_above'])}, NPV below {_pct(sg['npv_below'])}, {_pct(sg['share_in_band'])} in band |")
    L.append(f"\nPatch grey zone rule: {p['rule']}. Tile threshold: {t['method']}. Slide: {s['method']}; grey zone: "
             f"{s['rule']}.\n")
    L.append(f"Heatmap outline, candidates (sensitivity / specificity of the stitched slides' tiles; validation "
             f"slides {', '.join(t['val_slides'])}, test slides {', '.join(t['test_slides'])}; per-tile AUC of the "
             f"smoothed map {t['val_auc']:.4f} validation, {t['test_auc']:.4f} test):\n")
    L.append("| tile threshold | value | validation | test |")
    L.append("|---|---|---|---|")
    for name, c in t["candidates"].items():
        L.append(f"| {name} | {c['threshold']:.4f} | {c['val'][0]:.3f} / {c['val'][1]:.3f} | "
                 f"{c['test'][0]:.3f} / {c['test'][1]:.3f} |")
    L.append(f"\n### Slide-level table: mosaics with IDC vs the same mosaics benign-only\n")
    L.append(f"Validation: {s['val_mosaics']['with_idc']} mosaics with IDC, {s['val_mosaics']['benign_only']} "
             f"benign-only; test: {s['test_mosaics']['with_idc']} with IDC, {s['test_mosaics']['benign_only']} "
             f"benign-only (a patient without IDC has one mosaic). Thresholds by Youden's J on validation; the "
             f"gain over the incumbent is a patient-bootstrap 95 % CI of the validation AUC difference.\n")
    L.append("| slide score | val AUC | gain over incumbent (95 % CI) | test AUC | threshold | val sens / spec | test sens / spec |")
    L.append("|---|---|---|---|---|---|---|")
    for name, r in s["table"].items():
        ci = r["val_auc_gain_over_incumbent_ci95"]
        mark = " **(chosen)**" if name == s["score"] else ""
        L.append(f"| {name}{mark} | {r['val_auc']:.4f} | {ci[0]:+.3f} to {ci[1]:+.3f} | {r['test_auc']:.4f} | "
                 f"{r['threshold']:.4g} | {r['val'][0]:.3f} / {r['val'][1]:.3f} | {r['test'][0]:.3f} / {r['test'][1]:.3f} |")
    reached = (s["test_auc"] >= 0.95 and s["test_sensitivity"] >= 0.95 and s["test_specificity"] >= 0.90)
    L.append(f"\nTarget (issue #22): slide AUC ≥ 0.95 with sensitivity ≥ 0.95 and specificity ≥ 0.90 at the stored "
             f"threshold → {'reached' if reached else 'NOT reached'}; heatmap outline tile sensitivity ≥ 0.90 with "
             f"specificity ≥ 0.85 → "
             f"{'reached' if t['test_sensitivity'] >= 0.90 and t['test_specificity'] >= 0.85 else 'NOT reached'}. "
             f"Most patients of this data folder are sampled, not whole slides: their mosaics hold a few dozen "
             f"scattered patches, and a patient whose few IDC patches the model scores low cannot be told from its "
             f"own benign-only mosaic by any slide score.\n")
    return L


def _scale_name(c: dict) -> str:
    """The scale term of a colour candidate (2.3.2): its statistics subset, in log or raw; '–' when it has none."""
    if not c.get("scale"):
        return "–"
    return f"{'log ' if c['scale_log'] else ''}{c['scale']}"


def _scale_clause(c: dict) -> str:
    if not c.get("scale"):
        return ""
    return (f", and a term for the scale of the haematoxylin structures, `{_scale_name(c)}` (weight "
            f"{c['scale_weight']})")


def guard_section(g: dict) -> list[str]:
    L = ["## Domain guard (second output `ood_score`)\n",
         f"Feature term: `{g.get('feature_term', g['chosen'])}` ({g['fit']['components']} principal components, "
         f"{100 * g['fit']['explained_variance']:.3f} % of the feature variance, Ledoit-Wolf shrinkage "
         f"{g['fit']['shrinkage']:.3f}, fitted on {g['fit']['fit_patches']} training-patient patches). Rule: "
         f"{g['selection_rule']}. Threshold of the shipped score {g['threshold']:.4f}: {_pct(g['validation_flagged_share_single_view'])} "
         f"of the {g['validation_patches']} validation patches flagged (single view), "
         f"{_pct(g.get('validation_flagged_share_tta_mean'))} of {g.get('validation_tta_patches', 0)} with the "
         f"score averaged over the 8 TTA views as the app does.\n",
         "Candidates on the out-of-domain sets built from validation patients (share flagged at 5 % of validation "
         "patches flagged):\n"]
    sets = sorted({k for c in g["candidates"].values() for k in c["ood_val_flagged"]})
    L.append("| candidate | " + " | ".join(OOD_NAMES.get(k, k).split(" (")[0] for k in sets) + " |")
    L.append("|---|" + "---|" * len(sets))
    for name, c in g["candidates"].items():
        mark = " **(chosen)**" if name == g.get("feature_term", g["chosen"]) else ""
        L.append(f"| {name}{mark} | " + " | ".join(_pct(c["ood_val_flagged"].get(k)) for k in sets) + " |")
    if g.get("colour_choice"):
        c = g["colour_choice"]
        fo = g.get("feature_only", {})
        L.append(f"\nThe feature term alone (threshold {fo.get('threshold', float('nan')):.4f}) misses most greyscale, "
                 "IHC-like and PCam patches, so the shipped `ood_score` is the largest of the feature term (in units of "
                 "its training median) and colour/texture terms of the input patch (`domain_guard.ColourStats`, inside "
                 "the graph): Mahalanobis distances of per-patch stain-density, near-grey share and texture statistics "
                 "to the training patches' Gaussian, each in units of its training median times a weight. Chosen "
                 f"(`{g['chosen']}`): raw statistics `{c['raw']}` (weight {c['raw_weight']}), log statistics "
                 f"`{c['log']}` (weight {c['log_weight']})" + _scale_clause(c) + f". Threshold {g['threshold']:.4f}. The best colour "
                 "candidates on the validation-built sets (of "
                 f"{len(g.get('colour_candidates', []))}; each at its own threshold flagging 5 % of validation "
                 "patches):\n")
        scale = any("scale" in r for r in g.get("colour_candidates", []))
        L.append("| raw statistics (weight) | log statistics (weight) | " + ("scale term (weight) | " if scale else "")
                 + " | ".join(OOD_NAMES.get(k, k).split(" (")[0] for k in sets) + " |")
        L.append("|---|---|" + ("---|" if scale else "") + "---|" * len(sets))
        rows = sorted(g.get("colour_candidates", []), key=lambda r: (-r["worst_target"],
                      -(r["ood_val_flagged"].get("blur", 0) + r["ood_val_flagged"].get("enlarged_4x", 0))))[:8]
        for r in rows:
            mark = " **(chosen)**" if r == c else ""
            L.append(f"| {r['raw'] or '–'} ({r['raw_weight']}){mark} | {r['log'] or '–'} ({r['log_weight']}) | "
                     + (f"{_scale_name(r)} ({r['scale_weight']}) | " if scale else "")
                     + " | ".join(_pct(r["ood_val_flagged"].get(k)) for k in sets) + " |")
        L.append(f"\n{len(g.get('colour_candidates', []))} candidates were compared on the same validation-built sets "
                 "(the PCam one has a few dozen patches): the best one's lead of a few patches over the next is partly "
                 "selection luck, so its figures on the test-built sets below are the ones that count.")
    L.append("\nOut-of-domain table: the chosen guard on sets built from the test patients (and the second half of "
             "the PCam samples), and on the test patients' own patches:\n")
    L.append("| set | patches | flagged | target | median ood_score |")
    L.append("|---|---|---|---|---|")
    test = g.get("test", {})
    for k, v in test.items():
        if k.startswith("test_patients"):
            continue
        target = OOD_TARGETS.get(k)
        ok = "" if target is None else (f"≥ {target:.0%} " + ("reached" if v["flagged"] >= target else "NOT reached"))
        L.append(f"| {OOD_NAMES.get(k, k)} | {v['n']} | {_pct(v['flagged'])} | {ok or 'reported'} | "
                 f"{v['median_score']:.3f} |")
    for k, label in (("test_patients_single_view", "test patients' patches (single view)"),
                     ("test_patients_tta_mean", "test patients' patches (mean over 8 TTA views)")):
        if k in test:
            v = test[k]
            L.append(f"| {label} | {v['n']} | {_pct(v['flagged'])} | ≤ 5 % "
                     f"{'reached' if v['flagged'] <= 0.05 else 'NOT reached'} | – |")
    L.append("")
    return L


def sections(run_folder: str | None) -> list[str]:
    """All three sections for the run (or its kept copy); those whose files are missing are left out."""
    if not run_folder:
        return []
    L = []
    mag = _read(run_folder, "eval/magnification.json")
    if mag:
        L += magnification_section(mag)
    op = _read(run_folder, "eval/operating_points.json")
    if op:
        L += operating_points_section(op)
    g = _read(run_folder, "guard/guard.json")
    if g:
        L += guard_section(g)
    return L
