"""The six-model comparison section of models/REPORT.md: the paper's Tables I-III in one table (our runs),
the paper's own figures beside them, and paired significance tests on the test patients."""
from __future__ import annotations

import csv
import os

import numpy as np

from . import archive
from .models import ARCH_NAMES
from .significance import delong_test, holm, mcnemar_test

ORDER = ["vgg16", "resnet50", "xception", "nasnetmobile", "vgg16_resnet50", "xception_nasnet"]
BASELINE = "smallcnn"

# The reference paper's figures as its text states them (Raheem et al., IJERT 2021, Tables I-III): best of 20 epochs,
# PCam/Kaggle sample, ImageNet-pretrained, 224x224, Tesla T4, random (not patient) split. Theirs, not ours.
PAPER = {
    "vgg16": {"val_acc": "93.12 %", "sec": "294"},
    "resnet50": {"train_acc": "77.59 %", "val_acc": "76.18 %", "sec": "199"},
    "xception": {"val_acc": "90.94 %", "sec": "180"},
    "nasnetmobile": {"val_acc": "83.41 %", "sec": "225"},
    "vgg16_resnet50": {"sec": "401"},
    "xception_nasnet": {"val_acc": "95.65 %", "sec": "5558", "auc": "≈0.989"},
}


def read_predictions(run_path: str, split: str = "test") -> dict[str, tuple[int, float]]:
    """A run's per-patch (label, probability) of one split, keyed by patch id."""
    with archive.open_text(os.path.join(run_path, "eval", f"predictions_{split}.csv")) as f:
        return {r["id"]: (int(r["label"]), float(r["probability"])) for r in csv.DictReader(f)}


def _best_epoch_row(r):
    log = r["log"]
    best_ep = int(r["met"].get("epoch") or len(log))
    return log[best_ep - 1] if 0 < best_ep <= len(log) else log[-1]


def _mean(log, key):
    vals = [l[key] for l in log if key in l]
    return sum(vals) / len(vals) if vals else None


def _table_row(name, r):
    best, t, log = _best_epoch_row(r), r["met"]["test"], r["log"]
    ci = t["auc_ci95"]
    cpu = _mean(log, "cpu_seconds_per_epoch")
    minutes = (sum(l.get("cpu_seconds_per_epoch", l["seconds_per_epoch"]) for l in log)
               + r.get("discarded_seconds", 0.0)) / 60
    return (f"| {name} | {len(log)} ({int(r['met'].get('epoch') or len(log))}) | {minutes:.1f} | "
            f"{100 * best['train_acc']:.2f} % | {100 * best['val_acc']:.2f} % | "
            f"{'–' if cpu is None else f'{cpu:.0f}'} | {_mean(log, 'seconds_per_epoch'):.0f} | "
            f"**{t['auc']:.4f}** ({ci[0]:.3f}–{ci[1]:.3f}) | {t['balanced_accuracy']:.4f} | {t['sensitivity']:.4f} | "
            f"{t['specificity']:.4f} | {t['f1']:.4f} | {r['cfg']['params'] / 1e6:.1f} M |")


def paired_tests(first, second) -> dict:
    """DeLong and McNemar for two evaluated runs, on the test patches both scored."""
    a, b = read_predictions(first["path"]), read_predictions(second["path"])
    ids = sorted(set(a) & set(b))
    y = np.array([a[i][0] for i in ids])
    pa, pb = np.array([a[i][1] for i in ids]), np.array([b[i][1] for i in ids])
    d = delong_test(y, pa, pb)
    m = mcnemar_test(y, pa >= first["met"]["threshold"], pb >= second["met"]["threshold"])
    return {"n": len(ids), "delong": d, "mcnemar": m}


def section(runs: dict, default, baseline) -> list[str]:
    L = ["## Six-architecture comparison (our runs) beside the paper\n"]
    done = {a: r for a, r in runs.items() if r is not None}
    if not done:
        return L + ["No comparison runs in `runs/cmp/` yet.\n"]
    c = next(iter(done.values()))["cfg"]
    L.append(f"**Protocol (identical for every row).** All {c['n_train_used']} training-patient patches "
             f"({c['split_summary']['train']['patients']} patients), the shipped model's patient split, "
             f"the same recipe (augmentation `{c['augmentation']}`, EMA {c['ema']}, {c['precision_used']} autocast, "
             f"channels_last={c['channels_last']}, batch {c['batch_size']}, Adam lr {c['lr']}, {c['schedule']} "
             f"schedule annealed over the budget, early stopping after {c['patience']} epochs without a better "
             f"validation AUC), from scratch, 50x50 native input, {c['threads']} CPU threads, and the same budget: "
             f"**{c['time_budget_min']:g} minutes** of training per run"
             + (", counted as the process's CPU time per thread (`--budget-clock cpu`), so that each run got the "
                "same compute whatever else the machine was doing (wall-clock time is never shorter)"
                if c.get("budget_clock") == "cpu" else " of wall-clock time") + ". Threshold (Youden) and Platt calibration on the validation "
             f"patients, test patients ({next(iter(done.values()))['met']['test']['n']} patches) scored once, "
             f"no test-time augmentation.\n")
    L.append("| model | epochs (best) | training min | train acc | val acc | s/epoch (CPU/thread) | "
             "s/epoch (wall) | test AUC (95 % CI) | balanced acc | sensitivity | specificity | F1 | params |")
    L.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for a in ORDER:
        L.append(_table_row(ARCH_NAMES[a], runs[a]) if runs.get(a) else f"| {ARCH_NAMES[a]} | not run |" + " |" * 11)
    if baseline is not None:
        L.append(_table_row(f"*{ARCH_NAMES[BASELINE]}*", baseline))
    if default is not None:
        stages = "long run + warm-started second stage" if "warm_start" in default else "long run, wall-clock budget"
        L.append(_table_row(f"Xception+NASNetMobile, **shipped** ({stages})", default))
    L.append("\nTrain acc: running accuracy over the augmented batches of the best epoch at 0.5; val acc: "
             "validation patients at 0.5, best epoch. Training min: CPU minutes per thread where the run counted "
             "them, else wall-clock minutes. Test figures at each run's own validation threshold. "
             "AUC interval: patch bootstrap (2,000 resamples).\n")
    L.append("**The paper's figures (theirs, PCam/Kaggle sample, ImageNet-pretrained, 224x224, 20 epochs on a "
             "Tesla T4, random split not by patient — not comparable with ours, shown beside them):**\n")
    L.append("| model | train acc | val acc | s/epoch | AUC |")
    L.append("|---|---|---|---|---|")
    for a in ORDER:
        p = PAPER[a]
        L.append(f"| {ARCH_NAMES[a]} (paper) | {p.get('train_acc', 'not stated')} | {p.get('val_acc', 'not stated')} | "
                 f"{p.get('sec', 'not stated')} | {p.get('auc', 'not stated')} |")
    L.append("")
    L.extend(_significance(done, default, baseline))
    return L


def _significance(done, default, baseline) -> list[str]:
    ref_key = "xception_nasnet"
    if ref_key not in done:
        return []
    pairs = [(ARCH_NAMES[a], done[a], done[ref_key]) for a in ORDER if a in done and a != ref_key]
    if baseline is not None:
        pairs.append((f"{ARCH_NAMES[BASELINE]}", baseline, done[ref_key]))
    tests = [(name, paired_tests(r, ref)) for name, r, ref in pairs]
    adj_d = holm([t["delong"]["p_value"] for _, t in tests])
    adj_m = holm([t["mcnemar"]["p_value"] for _, t in tests])
    L = ["### Which differences are real (paired tests on the same test patches)\n",
         f"Each model against the Xception+NASNetMobile run of the same protocol. DeLong: difference of the "
         f"AUCs; McNemar (exact): patches only one of the two gets right at its own threshold. p-values "
         f"Holm-adjusted over the {len(tests)} comparisons. Patches of one patient are correlated, so these "
         f"p-values are optimistic; read a difference as real only if it is clear here.\n",
         "| model vs Xception+NASNetMobile | AUC difference | DeLong p (Holm) | only this right / only X+N right | "
         "McNemar p (Holm) |", "|---|---|---|---|---|"]
    for (name, t), pd, pm in zip(tests, adj_d, adj_m):
        d, m = t["delong"], t["mcnemar"]
        L.append(f"| {name} | {d['difference']:+.4f} | {pd:.3g} | {m['only_first_correct']} / "
                 f"{m['only_second_correct']} | {pm:.3g} |")
    if default is not None and baseline is not None:
        t = paired_tests(default, baseline)
        d, m = t["delong"], t["mcnemar"]
        L.append(f"\n**Shipped model vs the plain CNN baseline:** test AUC {d['auc1']:.4f} vs {d['auc2']:.4f} "
                 f"(difference {d['difference']:+.4f}, DeLong p = {d['p_value']:.3g}); McNemar {m['only_first_correct']} "
                 f"vs {m['only_second_correct']} discordant patches, p = {m['p_value']:.3g}.")
    L.append("")
    return L
