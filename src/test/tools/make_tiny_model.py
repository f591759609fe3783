"""Builds the tiny ONNX test fixture src/test/resources/models/tiny-test-model (same package layout and card
schema as the real models/<id>/ packages, a few KB). Run with Debian's torch: /usr/bin/python3 src/test/tools/make_tiny_model.py
"""
import csv, hashlib, json, os, shutil
import numpy as np
import torch
import torch.nn as nn
from PIL import Image

ROOT = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(ROOT, "..", "resources", "models")
IMAGES = os.path.join(ROOT, "..", "resources", "images", "idc")
MEAN, STD = [0.8, 0.62, 0.74], [0.13, 0.18, 0.12]


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, stride=2)
        self.fc = nn.Linear(8, 1)

    def forward(self, x):
        x = torch.relu(self.conv(x)).mean(dim=(2, 3))
        return torch.sigmoid(self.fc(x))


def fit(img, size=50):
    h, w = img.shape[:2]
    out = np.full((size, size, 3), 255, dtype=np.uint8)
    out[:min(h, size), :min(w, size)] = img[:size, :size]
    return out


def main():
    build("tiny-test-model", "0.0.1", 1234)
    build("tiny-test-model-b", "0.0.2", 99)


def build(model_id, version, seed):
    OUT = os.path.join(MODELS, model_id)
    torch.manual_seed(seed)
    model = Tiny().eval()
    os.makedirs(os.path.join(OUT, "reference"), exist_ok=True)
    onnx_path = os.path.join(OUT, "model.onnx")
    torch.onnx.export(model, torch.zeros(1, 3, 50, 50), onnx_path, input_names=["input"],
                      output_names=["probability"], dynamic_axes={"input": {0: "N"}, "probability": {0: "N"}},
                      opset_version=17)
    rows = []
    for name in sorted(os.listdir(IMAGES)):
        shutil.copyfile(os.path.join(IMAGES, name), os.path.join(OUT, "reference", name))
        img = fit(np.asarray(Image.open(os.path.join(IMAGES, name)).convert("RGB")))
        x = torch.as_tensor(img).permute(2, 0, 1).unsqueeze(0).float() / 255.0
        x = (x - torch.tensor(MEAN).view(1, 3, 1, 1)) / torch.tensor(STD).view(1, 3, 1, 1)
        with torch.no_grad():
            rows.append((name, float(model(x)[0, 0])))
    with open(os.path.join(OUT, "reference", "probabilities.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "probability"])
        for name, p in rows:
            w.writerow([name, repr(p)])
    sha = hashlib.sha256(open(onnx_path, "rb").read()).hexdigest()
    card = {
        "schema_version": 1, "id": model_id, "name": "Tiny test model " + version + " (random weights)",
        "version": version,
        "architecture": {"arch": "tiny", "description": "conv 3x3 s2 + mean + dense, random weights: a test fixture"},
        "classes": ["non-cancer", "cancer"], "positive_class_index": 1,
        "input": {"name": "input", "dtype": "float32", "shape": ["N", 3, 50, 50], "height": 50, "width": 50,
                  "layout": "NCHW", "channel_order": "RGB", "scale": 1 / 255, "scale_text": "1/255",
                  "mean": MEAN, "std": STD, "resize_method": "none outside the model",
                  "smaller_patches": "pad bottom/right with white (255,255,255)"},
        "output": {"name": "probability", "dtype": "float32", "shape": ["N", 1],
                   "meaning": "probability of class 'cancer' (sigmoid inside the graph)"},
        "threshold": 0.5, "microns_per_pixel": 2.0,
        "onnx": {"opset": 17, "file": "model.onnx", "sha256": sha},
        "reference": {"dir": "reference", "probabilities": "reference/probabilities.csv", "tolerance": 1e-4},
        "metrics": {"test": {"auc": 0.5, "accuracy": 0.5, "sensitivity": 0.5, "specificity": 0.5}},
    }
    with open(os.path.join(OUT, "model-card.json"), "w") as f:
        json.dump(card, f, indent=2)
    print(rows, sha)


if __name__ == "__main__":
    main()
