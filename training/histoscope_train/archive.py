"""Keep the small evaluation files of a finished run in the repository (``models/runs/<name>/``).

A run folder lives on the machine that trained it; its checkpoints (100 MB each) stay there, but what the report
reads - config, per-epoch log, metrics, test ROC and the per-patch predictions the paired tests need - is kept
here, so that the report can be rebuilt, and a comparison finished, on another machine.

    python3 -m histoscope_train.archive --run runs/cmp/vgg16_s50 --archive ../models/runs --name cmp/vgg16_s50
"""
from __future__ import annotations

import argparse
import gzip
import logging
import os
import shutil
from .logsetup import configure_logging

log = logging.getLogger(__name__)

KEPT = ("config.json", "log.csv", "history.json", "eval/metrics.json", "eval/roc_test.csv")
COMPRESSED = ("eval/predictions_val.csv", "eval/predictions_test.csv")  # ~200 kB each as text


TRUST_FILES = ("eval/magnification.json", "eval/operating_points.json", "guard/guard.json")  # report_trust reads them


def keep_files(run_dir: str, archive_dir: str, names) -> int:
    """Copy those of ``names`` that the run folder has into ``archive_dir``; returns how many were copied."""
    n = 0
    for name in names:
        source = os.path.join(run_dir, name)
        if os.path.exists(source) and os.path.abspath(source) != os.path.abspath(os.path.join(archive_dir, name)):
            os.makedirs(os.path.dirname(os.path.join(archive_dir, name)), exist_ok=True)
            shutil.copyfile(source, os.path.join(archive_dir, name))
            n += 1
    return n


def finished(path: str | None) -> bool:
    return bool(path) and os.path.exists(os.path.join(path, "eval", "metrics.json"))


def keep(run_dir: str, archive_dir: str) -> None:
    """Copy the run's evaluation files into ``archive_dir`` (replacing an older copy)."""
    if not finished(run_dir):
        raise ValueError(f"{run_dir} has no eval/metrics.json: evaluate it before archiving")
    os.makedirs(os.path.join(archive_dir, "eval"), exist_ok=True)
    for name in KEPT:
        source = os.path.join(run_dir, name)
        if os.path.exists(source):
            shutil.copyfile(source, os.path.join(archive_dir, name))
    for name in COMPRESSED:
        source = os.path.join(run_dir, name)
        if not os.path.exists(source):
            continue
        with open(source, "rb") as f, open(os.path.join(archive_dir, name + ".gz"), "wb") as raw:
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as out:  # same bytes for same input
                shutil.copyfileobj(f, out)


def locate(run_dir: str, archive_dir: str) -> str | None:
    """The run folder when it holds a finished run, else its kept copy, else None."""
    if finished(run_dir):
        return run_dir
    return archive_dir if finished(archive_dir) else None


def open_text(path: str):
    """Open a run file as text, whether it is kept plain or gzip-compressed."""
    if os.path.exists(path):
        return open(path, newline="")
    if os.path.exists(path + ".gz"):
        return gzip.open(path + ".gz", "rt", newline="")
    raise FileNotFoundError(path)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", required=True, help="finished run folder (evaluated)")
    ap.add_argument("--archive", default="../models/runs", help="the repository's run archive")
    ap.add_argument("--name", help="name inside the archive (default: the run folder's name)")
    args = ap.parse_args(argv)
    target = os.path.join(args.archive, args.name or os.path.basename(os.path.normpath(args.run)))
    keep(args.run, target)
    log.info(f"[archive] kept {args.run} in {target}")


if __name__ == "__main__":
    configure_logging()
    main()
