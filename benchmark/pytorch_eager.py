"""PyTorch eager throughput of the model architecture on the CPU, for comparison with ONNX Runtime.

Rebuilds the network from the training code (training/histoscope_train, or --training-dir) using the card's
architecture.arch, loads a training checkpoint when --checkpoint is given (e.g. training/runs/<run>/best.pt),
otherwise keeps the random initialisation (same compute, so the same speed). Runs torch.no_grad() eager inference
with torch.set_num_threads(--threads) on batches of the card's input size. Prints one JSON line.
"""
import argparse
import json
import os
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--card", required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--batches", default="1,8,32")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--training-dir", default=os.environ.get("HISTOSCOPE_TRAINING_DIR", "training"))
    parser.add_argument("--checkpoint", default=os.environ.get("HISTOSCOPE_CHECKPOINT"))
    args = parser.parse_args()

    import torch
    sys.path.insert(0, args.training_dir)
    from histoscope_train.models import build_model

    card = json.load(open(args.card))
    torch.set_num_threads(args.threads)
    size = card["input"]["height"]
    arch = card["architecture"]["arch"]
    internal = card["architecture"].get("internal_resize_to") or size
    model = build_model(arch, native_size=size, input_size=internal)
    weights = "random initialisation"
    if args.checkpoint and os.path.exists(args.checkpoint):
        state = torch.load(args.checkpoint, map_location="cpu")
        for key in ("model", "model_state", "state_dict"):
            if isinstance(state, dict) and key in state and isinstance(state[key], dict):
                state = state[key]
                break
        model.load_state_dict(state)
        weights = args.checkpoint
    model.eval()
    results = {}
    with torch.no_grad():
        for batch in [int(b) for b in args.batches.split(",")]:
            x = torch.randn(batch, 3, size, card["input"]["width"])
            for _ in range(3):
                model(x)
            runs = 0
            started = time.perf_counter()
            while runs < 3 or time.perf_counter() - started < args.seconds:
                model(x)
                runs += 1
            results[str(batch)] = batch * runs / (time.perf_counter() - started)
    print(json.dumps({"images_per_second": results, "threads": torch.get_num_threads(), "arch": arch,
                      "weights": weights, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
