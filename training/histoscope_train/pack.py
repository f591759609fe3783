"""One packed file of the IDC patches, small enough to travel to a GPU machine (at most 64 MiB there).

The 26,720 PNG patches take ~200 MB; as JPEG (quality 85, 4:2:0) they take ~46 MB in one zip with the labels. The
pack is lossy: runs trained from it are labelled so in their config (``data_root`` names the pack), and the shipped
model is never trained from it.

    python3 -m histoscope_train.pack pack --data-root "$IDC_DATA_ROOT" --out data/idc-pack.zip
    python3 -m histoscope_train.pack unpack --pack data/idc-pack.zip --out /tmp/idc     # an idc layout again
"""
from __future__ import annotations

import argparse
import csv
import io
import logging
import os
import zipfile

from PIL import Image

from .logsetup import configure_logging

log = logging.getLogger(__name__)

LABELS = "labels.csv"
SPLIT = "split.csv"
QUALITY = 85


def pack(data_root: str, out: str, quality: int = QUALITY, limit: int | None = None, split: str | None = None) -> dict:
    """Write every patch of ``data_root`` (idc layout) as JPEG into one zip with a rewritten labels.csv (and the
    patient split to train with, as split.csv, so a run on another machine uses the shipped model's split)."""
    with open(os.path.join(data_root, LABELS), newline="") as f:
        rows = list(csv.DictReader(f))
    if limit:
        rows = rows[:limit]
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    tmp = out + ".tmp"
    fields = list(rows[0].keys()) if rows else ["id", "label", "patient_id", "file"]
    labels = io.StringIO()
    writer = csv.DictWriter(labels, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as z:  # JPEG does not compress further
        for i, row in enumerate(rows):
            with Image.open(os.path.join(data_root, row["file"])) as im:
                buffer = io.BytesIO()
                im.convert("RGB").save(buffer, "JPEG", quality=quality)
            name = os.path.splitext(row["file"])[0] + ".jpg"
            z.writestr(name, buffer.getvalue())
            writer.writerow({**row, "file": name, "sha256": ""})
            if (i + 1) % 5000 == 0:
                log.info("[pack] %d / %d patches", i + 1, len(rows))
        z.writestr(LABELS, labels.getvalue())
        if split:
            z.write(split, SPLIT)
    os.replace(tmp, out)
    size = os.path.getsize(out)
    log.info("[pack] %d patches, %.1f MiB in %s (JPEG quality %d)", len(rows), size / 2 ** 20, out, quality)
    return {"patches": len(rows), "bytes": size}


def unpack(pack_path: str, out: str) -> str:
    """Extract the pack into ``out`` (an idc layout the loaders read) and return ``out``."""
    with zipfile.ZipFile(pack_path) as z:
        for name in z.namelist():  # refuse paths that would leave the folder
            if name.startswith("/") or ".." in name.split("/"):
                raise ValueError(f"unsafe path in pack: {name}")
        z.extractall(out)
    return out


def main(argv=None):
    configure_logging()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("pack")
    p.add_argument("--data-root", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--quality", type=int, default=QUALITY)
    p.add_argument("--limit", type=int, default=None, help="only the first N patches (tests)")
    p.add_argument("--split", default=None, help="patient split CSV to ship inside the pack")
    u = sub.add_parser("unpack")
    u.add_argument("--pack", required=True)
    u.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    if args.command == "pack":
        pack(args.data_root, args.out, args.quality, args.limit, args.split)
    else:
        unpack(args.pack, args.out)


if __name__ == "__main__":
    main()
