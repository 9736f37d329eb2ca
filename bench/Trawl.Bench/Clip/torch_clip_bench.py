#!/usr/bin/python3
"""PyTorch side of `Trawl.Bench clip`: loads the ViT-B/32-shaped random weights that make_tiny_clip.py --shape vit-b-32
wrote (DIR/weights.pt), and times the text and vision towers on CPU with the given threads, batch by batch, on the
same token ids and pixel tensors as Trawl (DIR/bench_ids.npy, DIR/bench_pixels.npy). Prints one JSON line."""
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, sys.argv[2])
import clip_reference as ref  # noqa: E402
from make_tiny_clip import build  # noqa: E402


def main():
    folder, _, threads, batch = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(threads)
    state = torch.load(os.path.join(folder, "weights.pt"))
    text, vision = build("vit-b-32", 0, state["vocab"])
    text.load_state_dict(state["text"])
    vision.load_state_dict(state["vision"])
    ids = torch.from_numpy(np.load(os.path.join(folder, "bench_ids.npy")).astype(np.int64))
    px = torch.from_numpy(np.load(os.path.join(folder, "bench_pixels.npy")))
    out = {"torch": torch.__version__, "threads": threads, "batch": batch}
    with torch.inference_mode():
        text(ids[:2]); vision(px[:2])  # warm-up
        t = time.perf_counter()
        for i in range(0, len(ids), batch):
            text(ids[i:i + batch])
        out["texts_per_s"] = len(ids) / (time.perf_counter() - t)
        t = time.perf_counter()
        for i in range(0, len(px), batch):
            vision(px[i:i + batch])
        out["images_per_s"] = len(px) / (time.perf_counter() - t)
        one = text(ids[:1])
        out["check_text0"] = (one / one.norm(dim=-1, keepdim=True))[0, :4].tolist()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
