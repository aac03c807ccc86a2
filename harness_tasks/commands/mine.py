"""`xtreme mine --src SRC.npy --tgt TGT.npy --out PAIRS.tsv`: margin-based bitext mining on your own embeddings.

The BUCC method (spec "BUCC mining"): L2-normalise, k-NN both ways, ratio margin, greedy one-to-one.
Writes one mined pair a line, ``src_index<TAB>tgt_index<TAB>score``, best first, atomically. Ctrl-C stops
the search within a fraction of a second (evaluators/knn_blocked.py) and writes nothing: ``interrupted``,
exit 130.
"""

from __future__ import annotations

import argparse
import sys
import time


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--src", required=True, help="source embeddings: .npy, 2-D float (n, d)")
    parser.add_argument("--tgt", required=True, help="target embeddings: .npy, 2-D float (m, d)")
    parser.add_argument("--out", required=True, help="output TSV: src_index<TAB>tgt_index<TAB>score")
    parser.add_argument("--k", type=int, default=4, help="neighbours per sentence for the margin (default 4)")
    parser.add_argument(
        "--index", choices=("exact", "ivf", "hnsw"), default="exact",
        help="exact: one blocked pass (default); ivf/hnsw: approximate, faster on clustered embeddings only; "
             "recall@k against exact search is reported",
    )
    parser.add_argument("--threshold", type=float, help="keep pairs with score >= T (default: all mined pairs)")
    parser.add_argument("--threads", type=int, help="worker threads for exact mining (default: the usable CPU cores)")
    parser.add_argument("--block-rows", type=int, default=1024, help="exact: source rows per block")
    parser.add_argument("--tile-cols", type=int, default=4096, help="exact: target rows per tile")
    parser.add_argument("--nlist", type=int, help="ivf: inverted lists (default about sqrt(n))")
    parser.add_argument("--nprobe", type=int, help="ivf: lists searched per query (default nlist/16, at least 1)")
    parser.add_argument("--ef-search", type=int, help="hnsw: search beam width (default 64)")
    parser.add_argument("--recall-sample", type=int, default=1000,
                        help="approximate modes: queries per direction checked against exact search (0: skip)")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")


def load_embeddings(path: str):
    """Load a 2-D float .npy file, or raise InputFileError saying what was expected."""
    import numpy as np

    from evaluators.errors import InputFileError
    from evaluators.safe_files import check_input_file

    # A FIFO would block np.load and a folder gives an opaque error: check the file type first.
    check_input_file(path, "a 2-D float .npy array")
    try:
        arr = np.load(path, mmap_mode="r", allow_pickle=False)
    except FileNotFoundError:
        raise InputFileError(path, None, "file not found") from None
    except (ValueError, OSError) as err:
        raise InputFileError(path, None, f"not a readable .npy array ({err})") from None
    if arr.ndim != 2:
        raise InputFileError(path, None, f"expected a 2-D array (sentences, dimensions), got shape {arr.shape}")
    if arr.dtype.kind != "f":
        raise InputFileError(path, None, f"expected floating-point embeddings, got dtype {arr.dtype}")
    # Scan in slices so that a memory-mapped file is not copied whole just to be checked.
    for start in range(0, arr.shape[0], 65536):
        bad = ~np.isfinite(arr[start:start + 65536]).all(axis=1)
        if bad.any():
            row = start + int(np.flatnonzero(bad)[0])
            raise InputFileError(path, None, f"row {row} contains NaN or infinity")
    return arr


def write_pairs_atomic(path: str, src, tgt, score) -> None:
    from harness_tasks.atomic import atomic_open

    with atomic_open(path) as f:
        f.writelines(f"{s}\t{t}\t{c:.8f}\n" for s, t, c in zip(src.tolist(), tgt.tolist(), score.tolist()))


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from evaluators.errors import InputFileError
    from evaluators.mining import bidirectional_neighbours, mine_from_neighbours

    if args.k < 1:
        print("error: --k must be >= 1", file=sys.stderr)
        return 2
    try:
        src, tgt = load_embeddings(args.src), load_embeddings(args.tgt)
        if src.shape[1] != tgt.shape[1]:
            raise InputFileError(args.tgt, None, f"expected {src.shape[1]} dimensions like {args.src}, got {tgt.shape[1]}")
    except InputFileError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    n, m, d = src.shape[0], tgt.shape[0], src.shape[1]
    start = time.perf_counter()
    interactive = sys.stderr.isatty()
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter() - start
        if args.quiet or (not interactive and done < total and now - last[0] < 10):
            return
        last[0] = now
        eta = now / done * (total - done)
        end = "\r" if interactive and done < total else "\n"
        print(f"mining: {done}/{total} source rows, {now:.0f}s, about {eta:.0f}s left", end=end, file=sys.stderr)

    options: dict = {}
    if args.index == "exact":
        options = {"block_rows": args.block_rows, "tile_cols": args.tile_cols, "threads": args.threads,
                   "progress": progress}
    else:
        for key in ("nlist", "nprobe", "ef_search"):
            if getattr(args, key) is not None:
                options[key] = getattr(args, key)
    if not args.quiet:  # at once: off a terminal, progress lines come only every 10 s
        print(f"mining: {n} x {m} (d={d}, k={args.k}, index={args.index})", file=sys.stderr, flush=True)
    try:
        neighbours = bidirectional_neighbours(src, tgt, args.k, args.index, **options)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    search_s = time.perf_counter() - start
    mined = mine_from_neighbours(*neighbours)
    keep = np.ones(len(mined), dtype=bool) if args.threshold is None else mined.score >= args.threshold
    write_pairs_atomic(args.out, mined.src[keep], mined.tgt[keep], mined.score[keep])
    total_s = time.perf_counter() - start
    print(f"{int(keep.sum())} pairs written to {args.out} ({len(mined)} mined from {n} x {m}, d={d}, k={args.k}, "
          f"index={args.index}) in {total_s:.1f}s")
    if args.index == "exact" and search_s > 0:
        print(f"exact search: {search_s:.1f}s, {2 * n * m * d / search_s / 1e9:.1f} GFLOP/s on the n*m*d products")
    elif args.recall_sample > 0:
        from evaluators.knn_approx import estimate_recall

        recall = estimate_recall(src, tgt, neighbours[1], neighbours[3], args.k, sample=args.recall_sample)
        queries = min(args.recall_sample, len(src), len(tgt))  # the sample cannot exceed the rows there are
        print(f"recall@{args.k} against exact search: {recall:.4f} (on up to {queries} queries per direction)")
        if recall < 0.99:
            print("warning: low recall; approximate search only pays on clustered embeddings "
                  "(raise --nprobe / --ef-search, or use --index exact)", file=sys.stderr)
    return 0
