#!/usr/bin/env python3
"""hnswlib beside Trawl's cold-start benchmark (Trawl.Bench coldstart).

usage:
  hnswlib_cold.py build  DIR INDEX [--m 16] [--efc 100] [--threads N]
  hnswlib_cold.py search DIR INDEX --ef 64 [--block 1000] [--k 10] [--threads N]
build: hnswlib over DIR/base.npy (inner product), saved to INDEX; one JSON line with build_s.
search: run in a fresh process; loads INDEX (timed: hnswlib reads the whole file into memory),
then answers DIR/queries.npy in blocks of --block queries and prints one JSON line per block
(qps, recall@k against DIR/gt.npy) and a summary line. Run with /usr/bin/python3.
"""
import argparse, json, os, time
import numpy as np

def emit(**kw):
    print(json.dumps(kw), flush=True)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["build", "search"])
    ap.add_argument("dir")
    ap.add_argument("index")
    ap.add_argument("--m", type=int, default=16)
    ap.add_argument("--efc", type=int, default=100)
    ap.add_argument("--ef", type=int, default=64)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--block", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    a = ap.parse_args()
    import hnswlib
    start = time.time()
    if a.what == "build":
        b = np.ascontiguousarray(np.load(os.path.join(a.dir, "base.npy")).astype(np.float32, copy=False))
        idx = hnswlib.Index(space="ip", dim=b.shape[1])
        idx.init_index(max_elements=len(b), ef_construction=a.efc, M=a.m)
        t = time.time()
        idx.add_items(b, num_threads=a.threads)
        build = time.time() - t
        idx.save_index(a.index)
        emit(engine="hnswlib", what="build", M=a.m, efC=a.efc, build_s=round(build, 2), rows=len(b), threads=a.threads)
        return
    q = np.ascontiguousarray(np.load(os.path.join(a.dir, "queries.npy")).astype(np.float32, copy=False))
    gt = np.load(os.path.join(a.dir, "gt.npy"))
    idx = hnswlib.Index(space="ip", dim=q.shape[1])
    t = time.time()
    idx.load_index(a.index)
    load = time.time() - t
    idx.set_ef(a.ef)
    emit(engine="hnswlib", what="open", ef=a.ef, open_s=round(load, 3), file_bytes=os.path.getsize(a.index))
    hits = 0
    total = 0.0
    for s in range(0, len(q), a.block):
        e = min(len(q), s + a.block)
        t = time.time()
        I, _ = idx.knn_query(q[s:e], k=a.k, num_threads=a.threads)
        dt = time.time() - t
        total += dt
        h = sum(len(set(I[i, :a.k].tolist()) & set(gt[s + i, :a.k].tolist())) for i in range(e - s))
        hits += h
        emit(engine="hnswlib", what="block", ef=a.ef, first=s, queries=e - s, qps=round((e - s) / dt, 1), recall=round(h / ((e - s) * a.k), 4))
    emit(engine="hnswlib", what="summary", ef=a.ef, queries=len(q), qps=round(len(q) / total, 1), recall=round(hits / (len(q) * a.k), 4),
         open_s=round(load, 3), process_s=round(time.time() - start, 2), threads=a.threads)

if __name__ == "__main__":
    main()
