#!/usr/bin/env python3
"""Helpers of the curate benchmark (run with /usr/bin/python3: numpy, faiss).

  curate_peers.py plant DIR --fraction 0.05 [--seed 3]
      DIR/base.npy (unit float32) -> DIR/planted.npy: a fraction of rows replaced by a noisy copy of
      another row (cosine 0.96..0.995 to it), DIR/planted_pairs.npy (source, copy) int64.
  curate_peers.py faiss DIR --threshold 0.95 [--m 32] [--efc 100] [--ef 64] [--k 16] [--skip-flat]
      range_search on IndexFlatIP, and an HNSW search of k neighbours filtered by the threshold, over
      DIR/planted.npy; writes DIR/faiss_flat_pairs.npy, DIR/faiss_hnsw_pairs.npy and prints one JSON line of times.
"""
import argparse, json, os, sys, time
import numpy as np


def plant(a):
    x = np.load(os.path.join(a.dir, "base.npy")).astype(np.float32)
    n, d = x.shape
    rng = np.random.default_rng(a.seed)
    copies = rng.choice(n, size=int(n * a.fraction), replace=False)
    is_copy = np.zeros(n, bool)
    is_copy[copies] = True
    originals = np.flatnonzero(~is_copy)
    sources = originals[rng.integers(0, len(originals), size=len(copies))]
    eps = rng.uniform(0.1, 0.28, size=len(copies)).astype(np.float32)
    noise = rng.standard_normal((len(copies), d)).astype(np.float32)
    noise *= (eps / np.linalg.norm(noise, axis=1))[:, None]
    y = x[sources] + noise
    y /= np.linalg.norm(y, axis=1, keepdims=True)
    x[copies] = y
    np.save(os.path.join(a.dir, "planted.npy"), x)
    pairs = np.stack([np.minimum(sources, copies), np.maximum(sources, copies)], axis=1).astype(np.int64)
    np.save(os.path.join(a.dir, "planted_pairs.npy"), pairs)
    cos = np.einsum("ij,ij->i", x[sources], x[copies])
    print(json.dumps({"rows": n, "planted": len(copies), "min_cos": float(cos.min()), "max_cos": float(cos.max())}))


def pairs_from(lims_or_ids, dist, thr, k=None):
    out = []
    if k is None:
        lims, ids = lims_or_ids
        for q in range(len(lims) - 1):
            for j in ids[lims[q]:lims[q + 1]]:
                if j != q:
                    out.append((min(q, j), max(q, j)))
    else:
        ids = lims_or_ids
        for q in range(ids.shape[0]):
            for c in range(k):
                j = ids[q, c]
                if j >= 0 and j != q and dist[q, c] >= thr:
                    out.append((min(q, j), max(q, j)))
    return np.unique(np.array(out, dtype=np.int64).reshape(-1, 2), axis=0)


def run_faiss(a):
    import faiss
    x = np.load(os.path.join(a.dir, "planted.npy")).astype(np.float32)
    n, d = x.shape
    result = {"threads": faiss.omp_get_max_threads(), "rows": n}
    flat_pairs = []
    if not a.skip_flat:
        flat = faiss.IndexFlatIP(d)
        flat.add(x)
        t = time.perf_counter()
        lims_all, ids_all = [0], []
        step = 8192
        for s in range(0, n, step):
            lims, _, ids = flat.range_search(x[s:s + step], a.threshold)
            ids_all.append(ids)
            lims_all.extend((lims[1:] + lims_all[-1]).tolist())
        ids = np.concatenate(ids_all)
        result["flat_range_search_s"] = time.perf_counter() - t
        flat_pairs = pairs_from((np.array(lims_all), ids), None, a.threshold)
        np.save(os.path.join(a.dir, "faiss_flat_pairs.npy"), flat_pairs)
        del flat
    hnsw = faiss.IndexHNSWFlat(d, a.m, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = a.efc
    t = time.perf_counter()
    hnsw.add(x)
    result["hnsw_build_s"] = time.perf_counter() - t
    hnsw.hnsw.efSearch = a.ef
    t = time.perf_counter()
    dist, idx = hnsw.search(x, a.k + 1)
    result["hnsw_search_s"] = time.perf_counter() - t
    hnsw_pairs = pairs_from(idx, dist, a.threshold, a.k + 1)
    np.save(os.path.join(a.dir, "faiss_hnsw_pairs.npy"), hnsw_pairs)
    result["flat_pairs"] = int(len(flat_pairs))
    result["hnsw_pairs"] = int(len(hnsw_pairs))
    print(json.dumps(result))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["plant", "faiss"])
    ap.add_argument("dir")
    ap.add_argument("--fraction", type=float, default=0.05)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--threshold", type=float, default=0.95)
    ap.add_argument("--m", type=int, default=32)
    ap.add_argument("--efc", type=int, default=100)
    ap.add_argument("--ef", type=int, default=64)
    ap.add_argument("--k", type=int, default=16)
    ap.add_argument("--skip-flat", action="store_true", help="skip the exact range search (hours at a million rows)")
    a = ap.parse_args()
    plant(a) if a.mode == "plant" else run_faiss(a)


if __name__ == "__main__":
    main()
