"""Training throughput, measured side by side in one process: forward+backward+Adam images/s of one
architecture under each speed-up, applied one after the other, on a fixed batch of patches.

    python3 -m histoscope_train.throughput --arch xception_nasnet --steps 12 --out runs/throughput.csv

Each row adds one change to the row before it, so the gain of each step is the ratio of
consecutive rows. Rows are measured in rounds (A B C ... A B C ...) and the median of the rounds is
reported, so a burst of load on a shared machine touches every row alike.
"""
from __future__ import annotations

import argparse
import csv
import logging
import statistics
import time
from contextlib import nullcontext

import torch
import torch.nn as nn

from . import data as D
from .models import build_model, ARCHS
from .logsetup import configure_logging

log = logging.getLogger(__name__)

STEPS = [
    # name, augmentation, channels_last, bf16, batch size
    ("previous: fp32 NCHW, HSV augmentation, batch 64", "classic", False, False, 64),
    ("histology augmentation (dihedral, HED, brightness/contrast)", "histology", False, False, 64),
    ("+ channels_last", "histology", True, False, 64),
    ("+ bf16 autocast", "histology", True, True, 64),
    ("+ batch 128", "histology", True, True, 128),
]


def bf16_runs() -> bool:
    try:
        with torch.autocast("cpu", dtype=torch.bfloat16):
            torch.nn.functional.conv2d(torch.ones(1, 3, 8, 8), torch.ones(4, 3, 3, 3))
        return True
    except Exception:  # noqa: BLE001 - any failure means: keep fp32
        return False


def measure(arch, images, labels, augmentation, channels_last, bf16, batch, steps, warmup=2):
    torch.manual_seed(0)
    model = build_model(arch).train()
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    loss_fn = nn.BCEWithLogitsLoss()
    gen = torch.Generator().manual_seed(1)
    mean, std = [0.78, 0.61, 0.72], [0.16, 0.21, 0.15]
    seconds = 0.0
    for s in range(warmup + steps):
        t = time.perf_counter()
        idx = torch.randint(0, len(images), (batch,), generator=gen)
        x = D.batch_to_input(images[idx], mean, std, gen, train=True, augmentation=augmentation)
        if channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        with torch.autocast("cpu", dtype=torch.bfloat16) if bf16 else nullcontext():
            logits = model(x)
        loss = loss_fn(logits.float(), labels[idx].view(-1, 1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if s >= warmup:
            seconds += time.perf_counter() - t
    return steps * batch / seconds


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--arch", default="xception_nasnet", choices=sorted(ARCHS))
    p.add_argument("--steps", type=int, default=10, help="timed steps per row and round")
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--out", default=None, help="CSV of the medians")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.set_flush_denormal(True)
    g = torch.Generator().manual_seed(0)
    images = torch.randint(0, 256, (512, 50, 50, 3), dtype=torch.uint8, generator=g)
    labels = (torch.rand(512, generator=g) < 0.35).float()
    bf16 = bf16_runs()
    rows = [r for r in STEPS if bf16 or not r[3]]
    results = {r[0]: [] for r in rows}
    for rnd in range(args.rounds):
        for name, aug, cl, b16, batch in rows:
            ips = measure(args.arch, images, labels, aug, cl, b16, batch, args.steps)
            results[name].append(ips)
            log.info(f"[round {rnd + 1}] {name}: {ips:.1f} img/s")
    log.info(f"\n{args.arch}, {args.threads} threads, torch {torch.__version__}, bf16 autocast "
             f"{'runs' if bf16 else 'unavailable'}")
    out_rows, prev, first = [], None, None
    for name, *_ in rows:
        med = statistics.median(results[name])
        first = first or med
        gain = med / prev if prev else 1.0
        out_rows.append({"step": name, "images_per_second": round(med, 1), "gain_vs_previous": round(gain, 2),
                         "gain_vs_first": round(med / first, 2), "rounds": len(results[name])})
        log.info(f"| {name} | {med:.1f} | x{gain:.2f} | x{med / first:.2f} |")
        prev = med
    if args.out:
        with open(args.out, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(out_rows[0]))
            w.writeheader()
            w.writerows(out_rows)
    return out_rows


if __name__ == "__main__":
    configure_logging()
    main()
