"""Evaluate a trained checkpoint on the validation and test patients of its split.

    python3 -m histoscope_train.evaluate --run runs/xception_nasnet --data-root "$IDC_DATA_ROOT"

Test-time augmentation (``--tta auto`` keeps ``dihedral8`` only if it raises the validation AUC) and
Platt calibration (``--calibration platt``) are fitted on VALIDATION; the decision threshold is then
chosen on the calibrated validation probabilities (Youden's J) and applied once to the test
patients. Writes ``RUN/eval/metrics.json``, ``RUN/eval/predictions_{val,test}.csv`` and
``RUN/eval/roc_test.csv``. By default the weights are evaluated exactly as they are shipped
(rounded to float16 when the fp32 model would exceed the ONNX size limit, see export.py).
"""
from __future__ import annotations

import argparse
import logging
import csv
import os
import time

import numpy as np
import torch

from . import data as D
from .common import get_device, load_model, needs_fp16, round_weights_fp16, write_json
from .logsetup import configure_logging
from . import calibration as C
from .metrics import full_report, roc_curve, youden_threshold, threshold_metrics, roc_auc

log = logging.getLogger(__name__)


def split_records(cfg, data_root, split_file):
    kw = {}
    if cfg["data"] == "folder":
        kw = {"positive_class": cfg.get("positive_class"), "group_by_prefix": cfg.get("group_by_prefix", False)}
    ds = D.load_dataset(cfg["data"], data_root, **kw)
    assign = D.read_split(split_file)
    return ds, assign, {s: [r for r in ds.records if assign.get(r.group) == s] for s in D.SPLITS}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", required=True, help="training output folder (best.pt, split.csv)")
    p.add_argument("--checkpoint", default=None, help="default RUN/best.pt")
    p.add_argument("--data-root", required=True)
    p.add_argument("--split-file", default=None, help="default RUN/split.csv")
    p.add_argument("--out", default=None, help="default RUN/eval")
    p.add_argument("--fp16", default="auto", choices=["auto", "yes", "no"],
                   help="evaluate with weights rounded to float16 as shipped (auto: when needed)")
    p.add_argument("--max-val", type=int, default=None)
    p.add_argument("--max-test", type=int, default=None)
    p.add_argument("--n-boot", type=int, default=2000)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--device", default="auto")
    p.add_argument("--tta", default="auto", choices=["auto", "none", "dihedral8"],
                   help="test-time augmentation of the shipped probability (auto: dihedral8 if it raises val AUC)")
    p.add_argument("--calibration", default="platt", choices=["platt", "none"])
    p.add_argument("--calibration-prevalence", type=float, default=None,
                   help="share of IDC patches the calibrated probability refers to; the validation patients' "
                        "classes are weighted to it in the Platt fit (default: their own share)")
    p.add_argument("--prevalence-source", default=None,
                   help="where --calibration-prevalence comes from (written to the metrics and the card)")
    args = p.parse_args(argv)
    if args.calibration_prevalence is not None and not args.prevalence_source:
        p.error("--calibration-prevalence needs --prevalence-source: a prevalence must say where it comes from")

    torch.set_num_threads(args.threads)
    device = get_device(args.device)
    ckpt = args.checkpoint or os.path.join(args.run, "best.pt")
    model, cfg, ck = load_model(ckpt, device)
    fp16 = needs_fp16(model, args.fp16)
    if fp16:
        round_weights_fp16(model)
    out = args.out or os.path.join(args.run, "eval")
    os.makedirs(out, exist_ok=True)
    _, assign, recs = split_records(cfg, args.data_root, args.split_file or os.path.join(args.run, "split.csv"))
    cache = os.path.join(os.path.dirname(os.path.abspath(args.run)), "cache")
    res = {"checkpoint": os.path.abspath(ckpt), "epoch": ck.get("epoch"), "weights_fp16": fp16,
           "arch": cfg["arch"], "input_size": cfg["input_size"], "native_size": cfg["native_size"]}
    preds = {}
    for split, lim in (("val", args.max_val), ("test", args.max_test)):
        # same seeded validation subset as train.py used (seed + 1) when --max-val is given
        rs = D.subset(recs[split], lim, cfg["seed"] + (1 if split == "val" else 2))
        x = torch.from_numpy(D.load_images(rs, cfg["native_size"], cache, f"decode {split}"))
        t = time.time()
        logits = C.view_logits(model, x, cfg["mean"], cfg["std"], device,
                               tta="none" if args.tta == "none" else "dihedral8", stain=cfg.get("stain_reference"))
        dt = time.time() - t
        y = np.array([r.label for r in rs])
        preds[split] = (rs, y, logits)
        res[f"{split}_inference_images_per_second"] = len(rs) * len(logits) / max(dt, 1e-9)
    # ---- choices made on validation only: TTA, then calibration, then the threshold
    yv, yt = preds["val"][1], preds["test"][1]
    lv, lt = preds["val"][2], preds["test"][2]
    auc_plain, auc_tta = roc_auc(yv, C.probabilities(lv[:1])), roc_auc(yv, C.probabilities(lv))
    tta = args.tta if args.tta != "auto" else ("dihedral8" if auc_tta > auc_plain else "none")
    if tta == "none":
        lv, lt = lv[:1], lt[:1]
    prevalence = args.calibration_prevalence
    a, b = C.fit_platt(lv, yv, prevalence=prevalence) if args.calibration == "platt" else (1.0, 0.0)
    res["tta"] = tta
    res["tta_choice"] = {"val_auc_single_view": auc_plain, "val_auc_dihedral8": auc_tta, "chosen": tta,
                         "rule": "dihedral8 if it raises the validation AUC" if args.tta == "auto" else "given"}
    res["calibration"] = {"method": args.calibration, "a": a, "b": b,
                          "formula": "p = mean over TTA views of sigmoid(a * logit + b)",
                          "fitted_on": "validation patients (maximum likelihood"
                                       + (")" if prevalence is None else ", classes weighted to the stated prevalence)"),
                          "validation_prevalence": float(yv.mean()),
                          "prevalence": float(yv.mean()) if prevalence is None else prevalence,
                          "prevalence_source": args.prevalence_source or "the validation patients' own share"}
    variants = {}
    for name, (views, ca, cb) in {"single view, uncalibrated": (1, 1.0, 0.0),
                                  "TTA, uncalibrated": (8, 1.0, 0.0),
                                  "shipped": (len(lv), a, b)}.items():
        if views > len(preds["val"][2]):
            continue
        pv_ = C.probabilities(preds["val"][2][:views], ca, cb)
        pt_ = C.probabilities(preds["test"][2][:views], ca, cb)
        variants[name] = {"views": views, "a": ca, "b": cb, "val_auc": roc_auc(yv, pv_), "test_auc": roc_auc(yt, pt_),
                          "val_ece": C.expected_calibration_error(yv, pv_),
                          "test_ece": C.expected_calibration_error(yt, pt_)}
    res["variants"] = variants
    pv, pt = C.probabilities(lv, a, b), C.probabilities(lt, a, b)
    res["test_reliability"] = {"before": C.reliability(yt, C.probabilities(preds["test"][2][:1])),
                               "after": C.reliability(yt, pt)}
    res["test_ece"] = C.expected_calibration_error(yt, pt)
    res["test_ece_before"] = C.expected_calibration_error(yt, C.probabilities(preds["test"][2][:1]))
    for split, prob in (("val", pv), ("test", pt)):
        rs = preds[split][0]
        with open(os.path.join(out, f"predictions_{split}.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "patient_id", "label", "probability"])
            for r, pr in zip(rs, prob):
                w.writerow([r.rid, r.group, r.label, f"{pr:.7g}"])
    thr = youden_threshold(yv, pv)
    res["threshold"] = thr
    res["threshold_method"] = "Youden's J (max sensitivity+specificity-1) on the validation patients"
    res["val"] = full_report(yv, pv, thr, groups=[r.group for r in preds["val"][0]], n_boot=args.n_boot)
    res["val"]["accuracy_at_0.5"] = threshold_metrics(yv, pv, 0.5)["accuracy"]
    rs_t = preds["test"][0]
    res["test"] = full_report(yt, pt, thr, groups=[r.group for r in rs_t], n_boot=args.n_boot)
    res["test"]["accuracy_at_0.5"] = threshold_metrics(yt, pt, 0.5)["accuracy"]
    res["test"]["patients"] = len({r.group for r in rs_t})
    res["val"]["patients"] = len({r.group for r in preds["val"][0]})
    fpr, tpr, th = roc_curve(yt, pt)
    with open(os.path.join(out, "roc_test.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["fpr", "tpr", "threshold"])
        for f_, t_, h_ in zip(fpr, tpr, th):
            w.writerow([f"{f_:.6g}", f"{t_:.6g}", f"{h_:.7g}"])
    write_json(os.path.join(out, "metrics.json"), res)
    tm = res["test"]
    log.info(f"[eval] threshold {thr:.4f} (val) | test: AUC {tm['auc']:.4f} CI95 {tm['auc_ci95'][0]:.4f}-"
          f"{tm['auc_ci95'][1]:.4f} bal.acc {tm['balanced_accuracy']:.4f} sens {tm['sensitivity']:.4f} "
          f"spec {tm['specificity']:.4f} F1 {tm['f1']:.4f} acc {tm['accuracy']:.4f} | tta {tta} "
          f"platt a={a:.4f} b={b:.4f} ECE {res['test_ece_before']:.4f} -> {res['test_ece']:.4f}")
    return res


if __name__ == "__main__":
    configure_logging()
    main()
