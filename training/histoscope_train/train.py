"""Train a patch classifier.

Example (default model, IDC, from the repository's training/ folder):

    python3 -m histoscope_train.train --arch xception_nasnet --data idc \
        --data-root "$IDC_DATA_ROOT" --out runs/xception_nasnet --epochs 6

Writes into ``--out``: ``split.csv`` (patient -> split), ``log.csv`` (one row per epoch),
``last.pt`` (every epoch and every ``--ckpt-every-min`` minutes, for ``--resume``), ``best.pt``
(best validation AUC) and ``config.json``.
"""
from __future__ import annotations

import argparse
import logging
import csv
import json
import math
import os
import platform
import random
import sys
import time
from contextlib import nullcontext
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn

from . import data as D
from . import package_weights
from .common import get_device, predict, seed_everything
from .logsetup import configure_logging
from .metrics import roc_auc
from .models import build_model, count_parameters, load_backbone_weights, ARCHS

log = logging.getLogger(__name__)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--arch", default="xception_nasnet", choices=sorted(ARCHS))
    p.add_argument("--data", default="idc", choices=["idc", "kaggle", "folder"])
    p.add_argument("--data-root", required=True)
    p.add_argument("--positive-class", default=None, help="folder layout: name of the cancer class")
    p.add_argument("--group-by-prefix", action="store_true",
                   help="folder layout: patient id = file-name prefix before the first '_'")
    p.add_argument("--out", required=True)
    p.add_argument("--split-file", default=None, help="reuse an existing patient->split CSV")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--val-frac", type=float, default=0.15)
    p.add_argument("--test-frac", type=float, default=0.15)
    p.add_argument("--native-size", type=int, default=None,
                   help="model input size = patch size (default: dataset native, 50 for IDC)")
    p.add_argument("--input-size", type=int, default=None,
                   help="size the network resizes to internally (default = native size)")
    p.add_argument("--epochs", type=int, default=6)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--weight-decay", type=float, default=1e-5)
    p.add_argument("--warmup-steps", type=int, default=100)
    p.add_argument("--schedule", default="cosine", choices=["cosine", "plateau", "none"])
    p.add_argument("--imbalance", default="pos_weight", choices=["pos_weight", "sampler", "none"],
                   help="pos_weight: BCE pos_weight = n_neg/n_pos of the training split (default)")
    p.add_argument("--patience", type=int, default=3, help="early stopping on val AUC (epochs)")
    p.add_argument("--max-train", type=int, default=None, help="seeded subset of training patches")
    p.add_argument("--max-val", type=int, default=None, help="seeded subset of validation patches")
    p.add_argument("--time-budget-min", type=float, default=None,
                   help="wall-clock budget: the cosine LR anneals over it, training stops (after a final "
                        "validation) when it is used up, also mid-epoch")
    p.add_argument("--budget-clock", default="wall", choices=["wall", "cpu"],
                   help="what --time-budget-min counts: wall-clock minutes, or this process's CPU minutes "
                        "divided by --threads (equal compute for every run, even on a busy machine)")
    p.add_argument("--ckpt-every-min", type=float, default=5.0)
    p.add_argument("--max-steps", type=int, default=None,
                   help="stop after this many optimiser steps (a dry run of a protocol: e.g. 1)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--device", default="auto")
    p.add_argument("--pretrained", action="append", default=[], metavar="BACKBONE=PATH",
                   help="load LOCAL ImageNet weights into a backbone, e.g. resnet50=/x/resnet50.pth")
    p.add_argument("--resume", action="store_true", help="continue from OUT/last.pt")
    p.add_argument("--init-from", default=None, metavar="CHECKPOINT",
                   help="warm start: the weights of another run's best.pt or of a model package folder (same "
                        "arch); optimiser, schedule and EMA start fresh from them")
    p.add_argument("--cache-dir", default=None, help="decoded-patch cache (default runs/cache)")
    p.add_argument("--no-progress", action="store_true")
    p.add_argument("--augmentation", default="histology", choices=sorted(D.AUGMENTATIONS),
                   help="histology: dihedral-8, shifts, HED stain jitter, brightness/contrast; classic: the "
                        "first version's flips/rotations, HSV jitter and channel gains")
    p.add_argument("--hed", type=float, default=0.05, help="HED stain jitter strength (histology augmentation)")
    p.add_argument("--precision", default="auto", choices=["auto", "fp32", "bf16"],
                   help="bf16 = autocast on CPU/GPU (auto: bf16 where this torch build runs it)")
    p.add_argument("--no-channels-last", dest="channels_last", action="store_false")
    p.add_argument("--ema", type=float, default=0.998,
                   help="decay of the exponential moving average of the weights that is validated, "
                        "checkpointed as best.pt and exported (0 = off)")
    p.add_argument("--label-smoothing", type=float, default=0.0)
    p.add_argument("--sampling", default="shuffle", choices=["shuffle", "patient"],
                   help="patient: every patient weighs the same in an epoch (patches drawn with replacement)")
    p.add_argument("--stain-norm", default="none", choices=["none", "reinhard"],
                   help="reinhard: each patch's tissue colour moved to the training patches' mean statistics "
                        "(stored in the config as stain_reference), in training and inference")
    p.add_argument("--mixup", type=float, default=0.0, help="mixup Beta(a, a) parameter (0 = off)")
    return p.parse_args(argv)


class WeightAverage:
    """Exponential moving average of every floating-point entry of a model's state (weights and
    batch-norm statistics), with the usual warm-up of the decay so early steps are not frozen in."""

    def __init__(self, model: nn.Module, decay: float):
        self.decay = decay
        self.updates = 0
        self.state = {k: v.detach().clone() for k, v in model.state_dict().items()}

    @torch.no_grad()
    def update(self, model: nn.Module):
        self.updates += 1
        d = min(self.decay, (1 + self.updates) / (10 + self.updates))
        for k, v in model.state_dict().items():
            if v.is_floating_point():
                self.state[k].mul_(d).add_(v.detach(), alpha=1 - d)
            else:
                self.state[k].copy_(v)

    def state_dict(self):
        return {"decay": self.decay, "updates": self.updates, "state": self.state}

    def load_state_dict(self, sd):
        self.decay, self.updates = sd["decay"], sd["updates"]
        self.state = sd["state"]


def device_name(device: torch.device) -> str:
    """What trained the run, for the report's columns: the GPU's name, or the CPU."""
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return f"CPU ({platform.machine()}, {os.cpu_count()} logical cores)"


def autocast_for(precision: str, device: torch.device):
    if precision == "bf16":
        return torch.autocast(device.type, dtype=torch.bfloat16)
    return nullcontext()


def resolve_precision(name: str, device: torch.device) -> str:
    if name != "auto":
        return name
    try:
        with torch.autocast(device.type, dtype=torch.bfloat16):
            torch.nn.functional.conv2d(torch.ones(1, 3, 8, 8, device=device), torch.ones(4, 3, 3, 3, device=device))
        return "bf16"
    except Exception:  # noqa: BLE001 - this build cannot autocast to bf16: train in fp32
        return "fp32"


def prepare_data(args):
    """Load dataset, split (or read split), decode patches. Returns dict with arrays + metadata."""
    kw = {}
    if args.data == "folder":
        kw = {"positive_class": args.positive_class, "group_by_prefix": args.group_by_prefix}
    ds = D.load_dataset(args.data, args.data_root, **kw)
    native = args.native_size or ds.native_size
    split_path = os.path.join(args.out, "split.csv")
    if args.split_file:
        assign = D.read_split(args.split_file)
    elif os.path.exists(split_path):
        assign = D.read_split(split_path)
    else:
        assign = D.split_groups(ds.records, seed=args.seed, val_frac=args.val_frac, test_frac=args.test_frac)
    D.write_split(split_path, ds.records, assign, args.seed)
    recs = {s: [r for r in ds.records if assign.get(r.group) == s] for s in D.SPLITS}
    train_recs = D.subset(recs["train"], args.max_train, args.seed)
    val_recs = D.subset(recs["val"], args.max_val, args.seed + 1)
    cache = args.cache_dir or os.path.join(os.path.dirname(os.path.abspath(args.out)), "cache")
    xtr = D.load_images(train_recs, native, cache, "decode train")
    xva = D.load_images(val_recs, native, cache, "decode val")
    return {
        "dataset": ds, "native": native, "assign": assign,
        "summary": D.split_summary(ds.records, assign),
        "train_recs": train_recs, "val_recs": val_recs,
        "xtr": torch.from_numpy(xtr), "ytr": torch.tensor([r.label for r in train_recs], dtype=torch.float32),
        "xva": torch.from_numpy(xva), "yva": torch.tensor([r.label for r in val_recs], dtype=torch.float32),
    }


def save_ckpt(path, **state):
    tmp = path + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)


class BudgetClock:
    """Minutes of the training budget used. The cpu kind counts this process's CPU time per thread, so that
    a comparison run that shares the machine with a build still gets the compute of a quiet one."""

    def __init__(self, kind: str, threads: int):
        self.kind, self.threads = kind, max(1, threads)
        self.origin = self._now()

    def _now(self) -> float:
        return time.process_time() / self.threads if self.kind == "cpu" else time.time()

    def elapsed(self) -> float:
        return self._now() - self.origin

    def resume_from(self, seconds_used: float) -> None:
        self.origin = self._now() - seconds_used


def init_from(model: nn.Module, source: str, arch: str) -> None:
    """Warm start from another run's best.pt or from a published model package (its folder)."""
    if package_weights.is_package(source):
        card = package_weights.read_card(source)
        source_arch, origin = card["architecture"]["arch"], f"model {card['id']} {card['version']}"
        weights = lambda: package_weights.state_dict_from_package(source, model, card)
    else:
        ck = torch.load(source, map_location="cpu")
        source_arch = ck.get("config", {}).get("arch")
        origin = f"epoch {ck.get('epoch')}, val AUC {ck.get('val_auc', float('nan')):.4f}"
        weights = lambda: ck["model"]
    if source_arch != arch:
        raise SystemExit(f"--init-from {source}: trained as {source_arch}, this run is {arch}")
    model.load_state_dict(weights())
    log.info(f"[init] weights of {source} ({origin})")


def input_normalisation(args, xtr: torch.Tensor) -> tuple[dict | None, list, list]:
    """Step: the stain reference (if the recipe normalises stains) and the per-channel mean/std of the training
    patches as the model will see them."""
    stain = D.stain_reference(xtr.numpy()) if args.stain_norm == "reinhard" else None
    if not stain:
        mean, std = D.channel_stats(xtr.numpy())
        return None, mean, std
    normalised = torch.cat([D.batch_to_input(xtr[i:i + 2048], [0, 0, 0], [1, 1, 1], stain=stain)
                            for i in range(0, len(xtr), 2048)])
    return (stain, [round(float(v), 4) for v in normalised.mean((0, 2, 3))],
            [round(float(v), 4) for v in normalised.std((0, 2, 3))])


def class_balance(args, prep) -> tuple[torch.Tensor | None, float, float]:
    """Step: patient-balanced sampling weights (or None) and the positive/negative counts the model will be shown
    (under patient balance, the class balance the sampler actually draws)."""
    ytr = prep["ytr"]
    n_pos = float(ytr.sum())
    weights = None
    if args.sampling == "patient":
        weights = D.patient_balanced_weights([r.group for r in prep["train_recs"]])
        n_pos = float((weights * ytr.double()).sum() / weights.sum() * len(ytr))
    return weights, n_pos, float(len(ytr) - n_pos)


def build_run_model(args, native: int, device) -> nn.Module:
    model = build_model(args.arch, native_size=native, input_size=args.input_size).to(device)
    return model.to(memory_format=torch.channels_last) if args.channels_last else model


def learning_rate_schedule(args, budget: "BudgetClock", total_steps: int):
    """Step: the learning rate of each optimiser step (None where a plateau schedule manages it)."""
    def lr_at(step):
        if step < args.warmup_steps:
            return args.lr * (step + 1) / args.warmup_steps
        if args.schedule == "cosine":
            t = (step - args.warmup_steps) / max(1, total_steps - args.warmup_steps)
            if args.time_budget_min:  # anneal over whichever ends first: the steps or the wall-clock budget
                t = max(t, budget.elapsed() / (args.time_budget_min * 60))
            return args.lr * 0.5 * (1 + math.cos(math.pi * min(1.0, t)))
        return None  # plateau / none: managed elsewhere
    return lr_at


def epoch_order(args, epoch: int, ytr: torch.Tensor, patient_weights, n_pos: float, n_neg: float) -> torch.Tensor:
    """Step: the order (or draw, with replacement) of training patches for one epoch, seeded by the epoch."""
    g = torch.Generator().manual_seed(args.seed * 1000 + epoch)
    if patient_weights is not None:
        return torch.multinomial(patient_weights, len(ytr), replacement=True, generator=g)
    if args.imbalance == "sampler":
        w = torch.where(ytr > 0, 0.5 / max(n_pos, 1), 0.5 / max(n_neg, 1))
        return torch.multinomial(w, len(ytr), replacement=True, generator=g)
    return torch.randperm(len(ytr), generator=g)


def validation_figures(pv: np.ndarray, yv: np.ndarray, pos_weight: float) -> tuple[float, float, float]:
    """Step: validation loss (with the training loss's pos_weight), accuracy at 0.5 and AUC."""
    eps = 1e-7
    val_loss = float(np.mean(-(pos_weight * yv * np.log(pv + eps) + (1 - yv) * np.log(1 - pv + eps))))
    return val_loss, float(np.mean((pv >= 0.5) == (yv > 0.5))), float(roc_auc(yv, pv))


LOG_COLUMNS = ["epoch", "loss", "train_acc", "val_loss", "val_acc", "val_auc", "seconds_per_epoch", "lr",
               "train_images", "images_per_second", "cpu_seconds_per_epoch"]


def fresh_run_sums() -> dict:
    return {"loss": 0.0, "correct": 0, "seen": 0, "seconds": 0.0, "cpu_seconds": 0.0}


@dataclass
class Run:
    """What one training run works with: data, model, optimiser and schedule, fixed once set up."""
    args: argparse.Namespace
    device: torch.device
    budget: BudgetClock
    xtr: torch.Tensor
    ytr: torch.Tensor
    xva: torch.Tensor
    yva: torch.Tensor
    stain: dict | None
    mean: list
    std: list
    patient_weights: torch.Tensor | None
    n_pos: float
    n_neg: float
    model: nn.Module
    eval_model: nn.Module
    ema: WeightAverage | None
    precision: str
    pos_weight: torch.Tensor | None
    loss_fn: nn.Module
    opt: torch.optim.Optimizer
    plateau: object
    lr_at: object
    steps_per_epoch: int
    config: dict
    resuming: bool

    @property
    def last_path(self) -> str:
        return os.path.join(self.args.out, "last.pt")

    @property
    def best_path(self) -> str:
        return os.path.join(self.args.out, "best.pt")

    @property
    def log_path(self) -> str:
        return os.path.join(self.args.out, "log.csv")

    def validated_state(self):
        """The weights validation judges and best.pt keeps: the moving average when there is one."""
        return self.ema.state if self.ema is not None else self.model.state_dict()


@dataclass
class Progress:
    """Where the run stands; last.pt carries it, so a resumed run goes on from here."""
    t_start: float
    start_epoch: int = 0
    start_batch: int = 0  # of start_epoch (a checkpoint may fall within an epoch)
    step: int = 0
    best_auc: float = -1.0
    bad_epochs: int = 0
    history: list = field(default_factory=list)
    run_sums: dict = field(default_factory=fresh_run_sums)
    finished: bool = False


def main(argv=None):
    """A training run as its steps: set up, restore a checkpoint if resuming, then train and validate epoch by
    epoch (best.pt on each better validation AUC, last.pt after each epoch and every --ckpt-every-min)."""
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)  # subnormal floats can slow CPU training many-fold
    device = get_device(args.device)
    seed_everything(args.seed)
    t_start = time.time()
    budget = BudgetClock(args.budget_clock, args.threads)
    run = set_up_run(args, device, budget)
    progress = restore_progress(run, Progress(t_start=t_start))
    if progress.finished and progress.start_epoch >= args.epochs:
        log.info("[resume] run already finished")
        return
    start_log(run, progress)
    for epoch in range(progress.start_epoch, args.epochs):
        if not train_and_validate_epoch(run, progress, epoch):
            break
    log.info(f"[done] best val AUC {progress.best_auc:.4f}; total {(time.time() - progress.t_start)/60:.1f} min")


def set_up_run(args, device, budget: BudgetClock) -> Run:
    """Data, input normalisation, class balance, the model (pretrained backbones or a warm start), loss,
    optimiser and schedules; config.json records all of it (what export and report read)."""
    prep = prepare_data(args)
    xtr, ytr, xva, yva = prep["xtr"], prep["ytr"], prep["xva"], prep["yva"]
    stain, mean, std = input_normalisation(args, xtr)
    patient_weights, n_pos, n_neg = class_balance(args, prep)
    log.info(f"[data] {args.data} native={prep['native']} train={len(xtr)} (pos {int(n_pos)}) val={len(xva)} "
             f"split={json.dumps(prep['summary'])} mean={mean} std={std} device={device}")

    model, eval_model = (build_run_model(args, prep["native"], device) for _ in range(2))
    precision = resolve_precision(args.precision, device)
    for spec in args.pretrained:
        bb, path = spec.split("=", 1)
        missing, unexpected = load_backbone_weights(model, bb, path)
        log.info(f"[pretrained] {bb} <- {path}: missing {len(missing)} unexpected {len(unexpected)}")
    resuming = args.resume and os.path.exists(os.path.join(args.out, "last.pt"))
    if args.init_from and not resuming:  # a resumed run's weights come from its own last.pt
        init_from(model, args.init_from, args.arch)
    ema = WeightAverage(model, args.ema) if args.ema > 0 else None
    log.info(f"[model] {args.arch} params={count_parameters(model)/1e6:.2f}M input_size={model.input_size} "
             f"precision={precision} channels_last={args.channels_last} ema={args.ema} aug={args.augmentation}")

    pos_weight = torch.tensor([n_neg / max(n_pos, 1.0)]) if args.imbalance == "pos_weight" else None
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=pos_weight.to(device) if pos_weight is not None else None)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    steps_per_epoch = math.ceil(len(xtr) / args.batch_size)
    lr_at = learning_rate_schedule(args, budget, steps_per_epoch * args.epochs)
    plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="max", factor=0.3, patience=1) \
        if args.schedule == "plateau" else None

    config = vars(args).copy()
    config.update({"mean": mean, "std": std, "native_size": prep["native"], "input_size": model.input_size,
                   "pos_weight": float(pos_weight) if pos_weight is not None else None,
                   "n_train_used": len(xtr), "n_val_used": len(xva), "split_summary": prep["summary"],
                   "classes": prep["dataset"].classes, "patient_level_split": prep["dataset"].patient_level,
                   "params": count_parameters(model), "torch": torch.__version__,
                   "precision_used": precision, "stain_reference": stain,
                   "device_name": device_name(device)})
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    return Run(args=args, device=device, budget=budget, xtr=xtr, ytr=ytr, xva=xva, yva=yva, stain=stain, mean=mean,
               std=std, patient_weights=patient_weights, n_pos=n_pos, n_neg=n_neg, model=model,
               eval_model=eval_model, ema=ema, precision=precision, pos_weight=pos_weight, loss_fn=loss_fn, opt=opt,
               plateau=plateau, lr_at=lr_at, steps_per_epoch=steps_per_epoch, config=config, resuming=resuming)


def restore_progress(run: Run, progress: Progress) -> Progress:
    """With --resume and a last.pt: the model, optimiser, schedule, moving average, counters and both clocks
    as they were, so the run goes on where it stopped."""
    if not run.resuming:
        return progress
    ck = torch.load(run.last_path, map_location="cpu")
    run.model.load_state_dict(ck["model"])
    run.opt.load_state_dict(ck["optimizer"])
    if run.plateau is not None and ck.get("plateau"):
        run.plateau.load_state_dict(ck["plateau"])
    progress.start_epoch, progress.start_batch, progress.step = ck["epoch"], ck["batch"], ck["step"]
    progress.best_auc, progress.bad_epochs, progress.history = ck["best_auc"], ck["bad_epochs"], ck["history"]
    progress.run_sums = ck.get("run_sums", progress.run_sums)
    if run.ema is not None and ck.get("ema"):
        run.ema.load_state_dict(ck["ema"])
    progress.t_start -= ck.get("elapsed", 0.0)
    run.budget.resume_from(ck.get("budget_used", ck.get("elapsed", 0.0)))
    progress.finished = bool(ck.get("finished"))
    log.info(f"[resume] epoch {progress.start_epoch} batch {progress.start_batch} step {progress.step} "
             f"best_auc {progress.best_auc:.4f}")
    return progress


def start_log(run: Run, progress: Progress) -> None:
    """log.csv with its header, unless a resumed run has rows to keep."""
    if not os.path.exists(run.log_path) or progress.start_epoch == 0 and progress.start_batch == 0:
        with open(run.log_path, "w", newline="") as f:
            csv.writer(f).writerow(LOG_COLUMNS)


def save_last(run: Run, progress: Progress, epoch: int, batch: int, finished: bool = False) -> None:
    """last.pt: everything a resumed run needs (weights, optimiser, schedule, counters, clocks, config)."""
    save_ckpt(run.last_path, model=run.model.state_dict(), optimizer=run.opt.state_dict(),
              plateau=run.plateau.state_dict() if run.plateau is not None else None,
              epoch=epoch, batch=batch, step=progress.step, best_auc=progress.best_auc,
              bad_epochs=progress.bad_epochs, history=progress.history, run_sums=progress.run_sums,
              elapsed=time.time() - progress.t_start, budget_used=run.budget.elapsed(), config=run.config,
              finished=finished, ema=run.ema.state_dict() if run.ema is not None else None)


def _tqdm():
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover
        return None
    return tqdm


class EpochClock:
    """Wall-clock and CPU time of the training part of an epoch, added to run_sums at each checkpoint and at the
    epoch's end (so a resumed epoch still counts the time spent before the interruption)."""

    def __init__(self):
        self.wall, self.cpu = time.time(), time.process_time()

    def add_to(self, run_sums: dict, threads: int) -> None:
        run_sums["seconds"] += time.time() - self.wall
        run_sums["cpu_seconds"] += (time.process_time() - self.cpu) / max(1, threads)
        self.wall, self.cpu = time.time(), time.process_time()


def train_and_validate_epoch(run: Run, progress: Progress, epoch: int) -> bool:
    """One epoch: train its batches, validate, record and checkpoint. False when the run stops here (budget or
    --max-steps spent, or no validation gain for --patience epochs)."""
    out_of_time, clock = train_batches(run, progress, epoch)
    progress.start_batch = 0
    if out_of_time and progress.run_sums["seen"] == 0 and progress.history:
        # budget spent between epochs: nothing new to validate
        save_last(run, progress, epoch, 0, finished=True)
        return False
    clock.add_to(progress.run_sums, run.args.threads)
    val_auc = validate_and_record(run, progress, epoch)
    if run.plateau is not None:
        run.plateau.step(val_auc)
    if val_auc > progress.best_auc:
        progress.best_auc, progress.bad_epochs = val_auc, 0
        save_ckpt(run.best_path, model=run.validated_state(), epoch=epoch + 1, val_auc=val_auc, config=run.config,
                  history=progress.history, weights="ema" if run.ema is not None else "raw")
    else:
        progress.bad_epochs += 1
    stop = progress.bad_epochs >= run.args.patience or out_of_time
    save_last(run, progress, epoch + 1, 0, finished=stop or epoch + 1 == run.args.epochs)
    if stop and progress.bad_epochs >= run.args.patience:
        log.info(f"[early stop] no val AUC improvement for {progress.bad_epochs} epochs")
    return not stop


def train_batches(run: Run, progress: Progress, epoch: int) -> tuple[bool, EpochClock]:
    """The epoch's optimiser steps from progress.start_batch on, stopping early when the time budget or --max-steps is
    spent (then True). Saves last.pt every --ckpt-every-min minutes."""
    args, model = run.args, run.model
    model.train()
    order = epoch_order(args, epoch, run.ytr, run.patient_weights, run.n_pos, run.n_neg)
    aug_gen = torch.Generator().manual_seed(args.seed * 1000 + epoch + 7)
    # fast-forward the augmentation generator when resuming mid-epoch is not exact; acceptable
    if progress.start_batch == 0:
        progress.run_sums = fresh_run_sums()
    sums = progress.run_sums
    sums.setdefault("cpu_seconds", 0.0)
    tqdm = _tqdm()
    batches = range(progress.start_batch, run.steps_per_epoch)
    bar = tqdm(batches, desc=f"epoch {epoch + 1}/{args.epochs}", mininterval=10, file=sys.stdout,
               disable=args.no_progress or tqdm is None, dynamic_ncols=False, ncols=110) if tqdm else batches
    clock = EpochClock()
    t_ck = time.time()
    for b in bar:
        if args.max_steps is not None and progress.step >= args.max_steps:
            log.info("[max-steps] %d steps done: validating and stopping", progress.step)
            return True, clock
        if args.time_budget_min and run.budget.elapsed() > args.time_budget_min * 60:
            log.info(f"[budget] {args.time_budget_min} min reached at epoch {epoch + 1} batch "
                     f"{b}/{run.steps_per_epoch}: validating and stopping")
            return True, clock
        idx = order[b * args.batch_size:(b + 1) * args.batch_size]
        loss, correct = train_step(run, progress.step, idx, aug_gen)
        progress.step += 1
        sums["loss"] += loss * len(idx)
        sums["correct"] += correct
        sums["seen"] += len(idx)
        if tqdm and not args.no_progress:
            bar.set_postfix(loss=f"{sums['loss'] / sums['seen']:.4f}", acc=f"{sums['correct'] / sums['seen']:.3f}")
        if time.time() - t_ck > args.ckpt_every_min * 60 and b + 1 < run.steps_per_epoch:
            clock.add_to(sums, args.threads)
            save_last(run, progress, epoch, b + 1)
            t_ck = time.time()
            log.info(f"[checkpoint] epoch {epoch + 1} batch {b + 1}/{run.steps_per_epoch} "
                     f"{sums['seen'] / max(1e-9, sums['seconds']):.1f} img/s "
                     f"loss {sums['loss'] / max(1, sums['seen']):.4f}")
    return False, clock


def train_step(run: Run, step: int, idx: torch.Tensor, aug_gen: torch.Generator) -> tuple[float, int]:
    """One optimiser step on the patches idx (augmented, optionally mixed up and label-smoothed). Returns the
    batch's mean loss and the count of patches whose logit sign matches the label."""
    args, device, model = run.args, run.device, run.model
    x = D.batch_to_input(run.xtr[idx].to(device), run.mean, run.std, aug_gen, train=True,
                         augmentation=args.augmentation, stain=run.stain,
                         **({"hed": args.hed} if args.augmentation == "histology" else {})).to(device)
    if args.channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
    y = run.ytr[idx].view(-1, 1).to(device)
    y_target = y * (1 - args.label_smoothing) + 0.5 * args.label_smoothing
    if args.mixup > 0:
        lam = float(np.random.default_rng(step).beta(args.mixup, args.mixup))
        perm = torch.randperm(len(idx), generator=aug_gen)
        x = lam * x + (1 - lam) * x[perm]
        y_target = lam * y_target + (1 - lam) * y_target[perm]
    lr = run.lr_at(step)
    if lr is not None:
        for gr in run.opt.param_groups:
            gr["lr"] = lr
    with autocast_for(run.precision, device):
        logits = model(x)
    logits = logits.float()
    loss = run.loss_fn(logits, y_target)
    run.opt.zero_grad(set_to_none=True)
    loss.backward()
    run.opt.step()
    if run.ema is not None:
        run.ema.update(model)
    return float(loss), int(((logits.detach() > 0).float() == y).sum())


def validate_and_record(run: Run, progress: Progress, epoch: int) -> float:
    """Validation loss, accuracy and AUC of the validated weights; the epoch's row goes to the history and
    log.csv and to the progress line. Returns the validation AUC."""
    sums = progress.run_sums
    train_seconds = sums["seconds"]
    t_v, t_v_cpu = time.time(), time.process_time()
    run.eval_model.load_state_dict(run.validated_state())
    val_loss, val_acc, val_auc = validation_figures(
        predict(run.eval_model, run.xva, run.mean, run.std, run.device, stain=run.stain), run.yva.numpy(),
        float(run.pos_weight) if run.pos_weight is not None else 1.0)
    sec = train_seconds + (time.time() - t_v)
    cpu_sec = sums["cpu_seconds"] + (time.process_time() - t_v_cpu) / max(1, run.args.threads)
    row = {"epoch": epoch + 1, "loss": sums["loss"] / max(1, sums["seen"]),
           "train_acc": sums["correct"] / max(1, sums["seen"]), "val_loss": val_loss,
           "val_acc": val_acc, "val_auc": val_auc, "seconds_per_epoch": sec,
           "lr": run.opt.param_groups[0]["lr"], "train_images": sums["seen"],
           "images_per_second": sums["seen"] / max(1e-9, train_seconds), "cpu_seconds_per_epoch": cpu_sec}
    progress.history.append(row)
    with open(run.log_path, "a", newline="") as f:
        csv.writer(f).writerow([row[k] for k in LOG_COLUMNS])
    log.info(f"[epoch {epoch + 1}] loss {row['loss']:.4f} train_acc {row['train_acc']:.4f} val_loss {val_loss:.4f} "
             f"val_acc {val_acc:.4f} val_auc {val_auc:.4f} {sec:.0f}s ({row['images_per_second']:.1f} img/s)")
    return val_auc


if __name__ == "__main__":
    configure_logging()
    main()
