#!/usr/bin/env python3
"""gen_clip_like.py's vectors written straight to float16, a chunk at a time (Trawl.Bench scale).

gen_clip_like.py builds the whole float32 matrix in memory (30 GB at 10 M x 768); this writes each
65,536-row chunk into a memory-mapped float16 .npy as it is made, with the same random stream, so
for the same --n, --dim and --seed it writes the same vectors as `gen_clip_like.py --float16`.
usage: gen_clip_like_f16.py OUT_DIR --n 10000000 --nq 10000 [--dim 768] [--seed 7] [--shared ../shared/bench]
writes OUT_DIR/base-f16.npy (float16) and OUT_DIR/queries.npy (float32), then OUT_DIR/ready-N-NQ.
Run with /usr/bin/python3.
"""
import argparse, importlib.util, json, os, sys, time
import numpy as np

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--nq", type=int, default=10_000)
    ap.add_argument("--dim", type=int, default=768)
    ap.add_argument("--clusters", type=int, default=4096)
    ap.add_argument("--rank", type=int, default=96)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "shared", "bench"))
    a = ap.parse_args()
    spec = importlib.util.spec_from_file_location("gen_clip_like", os.path.join(a.shared, "gen_clip_like.py"))
    gen = importlib.util.module_from_spec(spec); spec.loader.exec_module(gen)
    rng = np.random.default_rng(a.seed)
    # The same draws, in the same order, as gen_clip_like.main.
    basis, _ = np.linalg.qr(rng.standard_normal((a.dim, a.rank)).astype(np.float32))
    scales = (np.arange(1, a.rank + 1, dtype=np.float32) ** -0.6) * 0.9
    mean = rng.standard_normal(a.dim).astype(np.float32)
    mean *= 0.9 / np.linalg.norm(mean)
    cz = rng.standard_normal((a.clusters, a.rank)).astype(np.float32) * scales * 1.2
    centers = cz @ basis.T
    os.makedirs(a.out, exist_ok=True)
    tmp = os.path.join(a.out, "base-f16.npy.tmp")
    out = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.float16, shape=(a.n, a.dim))
    start = time.time()
    # gen_clip_like.generate draws 65,536 rows at a time; calling it per 65,536-row chunk keeps the stream identical.
    step = 65536
    for s in range(0, a.n, step):
        m = min(step, a.n - s)
        out[s:s + m] = gen.generate(m, a.dim, rng, centers, basis, scales, mean).astype(np.float16)
        if (s // step) % 16 == 0:
            print(json.dumps({"what": "generating", "rows": s + m, "of": a.n, "s": round(time.time() - start, 1)}), file=sys.stderr, flush=True)
    out.flush()
    del out
    os.replace(tmp, os.path.join(a.out, "base-f16.npy"))
    q = gen.generate(a.nq, a.dim, rng, centers, basis, scales, mean)
    np.save(os.path.join(a.out, "queries.npy"), q)
    open(os.path.join(a.out, f"ready-{a.n}-{a.nq}"), "w").close()
    print(json.dumps({"what": "generated", "rows": a.n, "queries": a.nq, "dim": a.dim, "seconds": round(time.time() - start, 1)}), flush=True)

if __name__ == "__main__":
    main()
