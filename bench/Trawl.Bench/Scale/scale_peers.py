#!/usr/bin/env python3
"""faiss beside Trawl.Bench scale, on the same float16 base (base-f16.npy) and queries.

usage:
  scale_peers.py flat DIR --rows N --queries Q
      faiss IndexFlatIP over the first N rows (as float32): top 10 of the first Q queries -> DIR/gt-prefix-faiss.npy
  scale_peers.py ivfpq-refine DIR --gt-queries Q --nlist 4096 --pq 64 --nprobe 8,16,32 --refine 16,32
      faiss IndexIVFPQ wrapped in IndexRefineFlat (exact re-rank from a float32 copy of the rows), trained on 100 rows per list
  scale_peers.py hnswsq DIR --gt-queries Q --m 16 --efc 100 --ef 32,64,128
      faiss IndexHNSWSQ (8-bit scalar codes, graph walk over the codes, no re-rank)
Each needs the rows as float32 in memory; when they do not fit (more than 60 % of MemAvailable) it prints a
"skipped" line instead. JSON lines: build_s, recall@10 on the first Q queries (DIR/gt-Q.npy), qps over all
queries, peak_rss_mb (ru_maxrss). Run with /usr/bin/python3.
"""
import argparse, json, os, resource, time
import numpy as np

def emit(**kw):
    print(json.dumps(kw), flush=True)

def mem_available():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    return 0

def peak_rss_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)

def load_f32(path, rows=None, chunk=1 << 18):
    m = np.load(path, mmap_mode="r")
    n = m.shape[0] if rows is None else min(rows, m.shape[0])
    out = np.empty((n, m.shape[1]), dtype=np.float32)
    for s in range(0, n, chunk):
        out[s:s + chunk] = m[s:min(n, s + chunk)]
    return out

def recall(I, gt, k=10):
    hits = 0
    for i in range(gt.shape[0]):
        hits += len(set(I[i, :k].tolist()) & set(gt[i, :k].tolist()))
    return hits / (gt.shape[0] * k)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["flat", "ivfpq-refine", "hnswsq"])
    ap.add_argument("dir")
    ap.add_argument("--rows", type=int)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--gt-queries", type=int, default=1000)
    ap.add_argument("--nlist", type=int, default=4096)
    ap.add_argument("--pq", type=int, default=64)
    ap.add_argument("--nprobe", default="8,16,32,64")
    ap.add_argument("--refine", default="16,32")
    ap.add_argument("--m", type=int, default=16)
    ap.add_argument("--efc", type=int, default=100)
    ap.add_argument("--ef", default="32,64,128,256")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    a = ap.parse_args()
    import faiss
    faiss.omp_set_num_threads(a.threads)
    base_path = os.path.join(a.dir, "base-f16.npy")
    shape = np.load(base_path, mmap_mode="r").shape
    rows = shape[0] if a.rows is None else min(a.rows, shape[0])
    need = rows * shape[1] * 4
    engine = {"flat": "faiss-flat", "ivfpq-refine": "faiss-ivfpq-refineflat", "hnswsq": "faiss-hnswsq"}[a.what]
    if need > 0.6 * mem_available():
        emit(what="skipped", engine=engine, rows=rows, reason=f"the float32 copy faiss needs ({need / 1e9:.1f} GB) does not fit beside the page cache (MemAvailable {mem_available() / 1e9:.1f} GB)")
        return
    q = np.ascontiguousarray(np.load(os.path.join(a.dir, "queries.npy")).astype(np.float32, copy=False))
    t = time.time()
    b = load_f32(base_path, rows)
    emit(what="load", engine=engine, rows=rows, seconds=round(time.time() - t, 1), peak_rss_mb=peak_rss_mb())
    d = b.shape[1]
    if a.what == "flat":
        idx = faiss.IndexFlatIP(d); idx.add(b)
        t = time.time(); _, I = idx.search(q[:a.queries], 10); dt = time.time() - t
        np.save(os.path.join(a.dir, "gt-prefix-faiss.npy"), I.astype(np.int32))
        emit(what="flat", engine=engine, rows=rows, queries=a.queries, seconds=round(dt, 2), gb_per_s=round(rows * d * 4 / dt / 1e9 * -(-a.queries // 2048), 2), peak_rss_mb=peak_rss_mb())
        return
    gt = np.load(os.path.join(a.dir, f"gt-{a.gt_queries}.npy"))
    if a.what == "ivfpq-refine":
        quantizer = faiss.IndexFlatIP(d)
        ivf = faiss.IndexIVFPQ(quantizer, d, a.nlist, a.pq, 8, faiss.METRIC_INNER_PRODUCT)
        idx = faiss.IndexRefineFlat(ivf)
        train = b[np.random.default_rng(1).choice(rows, size=min(rows, 100 * a.nlist), replace=False)]
        t = time.time(); idx.train(train); idx.add(b); build = time.time() - t
        del train
        emit(what="build", engine=engine, nlist=a.nlist, pq=a.pq, build_s=round(build, 1), peak_rss_mb=peak_rss_mb(),
             index_bytes_per_vector=a.pq + 8 + d * 4)
        for nprobe in [int(x) for x in a.nprobe.split(",")]:
            for refine in [int(x) for x in a.refine.split(",")]:
                ivf.nprobe = nprobe
                idx.k_factor = refine
                idx.search(q[:200], 10)
                t = time.time(); _, I = idx.search(q, 10); dt = time.time() - t
                emit(what="point", engine=engine, setting=f"nprobe={nprobe},refine={refine}", recall=round(recall(I[:len(gt)], gt), 4), qps=round(len(q) / dt, 1), peak_rss_mb=peak_rss_mb())
    else:
        idx = faiss.IndexHNSWSQ(d, faiss.ScalarQuantizer.QT_8bit, a.m, faiss.METRIC_INNER_PRODUCT)
        idx.hnsw.efConstruction = a.efc
        t = time.time(); idx.train(b); idx.add(b); build = time.time() - t
        emit(what="build", engine=engine, M=a.m, efC=a.efc, build_s=round(build, 1), peak_rss_mb=peak_rss_mb())
        del b
        for ef in [int(x) for x in a.ef.split(",")]:
            idx.hnsw.efSearch = ef
            idx.search(q[:200], 10)
            t = time.time(); _, I = idx.search(q, 10); dt = time.time() - t
            emit(what="point", engine=engine, setting=f"ef={ef}", recall=round(recall(I[:len(gt)], gt), 4), qps=round(len(q) / dt, 1), peak_rss_mb=peak_rss_mb())

if __name__ == "__main__":
    main()
