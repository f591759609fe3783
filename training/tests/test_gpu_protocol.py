"""The GPU protocol's dry run (one step per run, on the CPU) and the pack it reads."""
import os
import subprocess
import sys
import zipfile

from histoscope_train import data as D
from histoscope_train import pack, report

TRAINING = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _pack(tmp_path, fixtures_dir):
    root = os.path.join(fixtures_dir, "idc")
    records = D.load_idc(root).records
    split = tmp_path / "split.csv"
    D.write_split(str(split), records, {"10255": "train", "14078": "train", "10256": "val", "10257": "test"}, 42)
    out = tmp_path / "idc-pack.zip"
    figures = pack.pack(root, str(out), split=str(split))
    return out, figures, records


def test_the_pack_is_an_idc_layout_again_with_its_split(tmp_path, fixtures_dir):
    out, figures, records = _pack(tmp_path, fixtures_dir)
    assert figures["patches"] == len(records)
    with zipfile.ZipFile(out) as z:
        assert all(n.endswith(".jpg") for n in z.namelist() if n.startswith("patches/"))
    unpacked = pack.unpack(str(out), str(tmp_path / "idc"))
    again = D.load_idc(unpacked).records
    assert [(r.group, r.label) for r in again] == [(r.group, r.label) for r in records]
    assert D.read_split(os.path.join(unpacked, "split.csv"))["10257"] == "test"
    patch = D.read_rgb(again[0].path)
    assert abs(patch.astype(float) - D.read_rgb(records[0].path).astype(float)).mean() < 8  # JPEG q85: close


def test_a_pack_with_a_path_outside_its_folder_is_refused(tmp_path):
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("../outside.txt", "x")
    try:
        pack.unpack(str(evil), str(tmp_path / "out"))
        raise AssertionError("unpacked a path outside the folder")
    except ValueError as e:
        assert "unsafe" in str(e)
    assert not (tmp_path / "outside.txt").exists()


def test_the_dry_run_writes_run_folders_the_report_reads(tmp_path, fixtures_dir):
    out, _, _ = _pack(tmp_path, fixtures_dir)
    runs = tmp_path / "runs"
    env = dict(os.environ, PYTHON=sys.executable, OUT_DIR=str(runs / "gpu"), ARCHS="smallcnn", SIZES="100",
               OMP_NUM_THREADS="1")
    done = subprocess.run(["bash", "scripts/gpu_protocol.sh", str(out), "--dry-run"], cwd=TRAINING, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    for name in ("smallcnn_s100", "shipped_recipe_s50"):
        assert (runs / "gpu" / name / "eval" / "metrics.json").exists(), name
    section = "\n".join(report.gpu_section(str(runs), str(tmp_path / "kept")))
    assert "| smallcnn_s100 |" in section and "100 px" in section and "CPU" in section
    assert (tmp_path / "kept" / "gpu" / "smallcnn_s100" / "eval" / "metrics.json").exists()  # kept for the report
