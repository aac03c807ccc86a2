"""Mining at scale: the blocked exact pass equals the definition, approximate modes report recall, `xtreme mine`."""

import numpy as np
import pytest

from evaluators.knn_approx import estimate_recall
from evaluators.knn_blocked import bidirectional_knn
from evaluators.mining import bidirectional_neighbours, mine_bitext
from harness_tasks.commands import mine as mine_cmd
from harness_tasks.cli import main as cli_main
from tests.reference_mining import brute_force_mine


def topk_reference(sim, k):
    """Each row's k best columns by (-score, index), the slow obvious way."""
    k = min(k, sim.shape[1])
    cols = np.broadcast_to(np.arange(sim.shape[1]), sim.shape)
    order = np.lexsort((cols, -sim), axis=1)[:, :k]
    return np.take_along_axis(sim, order, 1), order


def random_pair(rng, n, m, d):
    x = rng.normal(size=(n, d)).astype(np.float32)
    y = rng.normal(size=(m, d)).astype(np.float32)
    half = min(n, m) // 2
    y[:half] = x[:half] + 0.3 * rng.normal(size=(half, d)).astype(np.float32)
    return x, y


def clustered_pair(rng, n, m, d, clusters=12, spread=0.15):
    centres = rng.normal(size=(clusters, d)).astype(np.float32)
    x = centres[rng.integers(0, clusters, n)] + spread * rng.normal(size=(n, d)).astype(np.float32)
    y = centres[rng.integers(0, clusters, m)] + spread * rng.normal(size=(m, d)).astype(np.float32)
    half = min(n, m) // 2
    y[:half] = x[:half] + 0.05 * rng.normal(size=(half, d)).astype(np.float32)
    return x, y


DATA = {"random": random_pair, "clustered": clustered_pair}
# (block_rows, tile_cols, threads): tiny blocks, blocks that do not divide n or m, one block, two workers.
BLOCKS = [(7, 13, 1), (64, 100, 2), (97, 129, 2), (1024, 4096, 1)]


@pytest.mark.parametrize("kind", sorted(DATA))
@pytest.mark.parametrize("block_rows,tile_cols,threads", BLOCKS)
def test_blocked_knn_equals_brute_force(kind, block_rows, tile_cols, threads):
    rng = np.random.default_rng(len(kind) + block_rows)
    x, y = DATA[kind](rng, 300, 257, 24)
    fv, fi, bv, bi = bidirectional_knn(x, y, 4, block_rows=block_rows, tile_cols=tile_cols, threads=threads)
    xn = x / np.linalg.norm(x, axis=1, keepdims=True)
    yn = y / np.linalg.norm(y, axis=1, keepdims=True)
    sim = xn.astype(np.float64) @ yn.astype(np.float64).T
    for got_v, got_i, (ref_v, ref_i) in ((fv, fi, topk_reference(sim, 4)), (bv, bi, topk_reference(sim.T, 4))):
        assert got_i.dtype == np.int64 and got_v.dtype == np.float32
        np.testing.assert_array_equal(got_i, ref_i)
        np.testing.assert_allclose(got_v, ref_v, rtol=0, atol=1e-5)


@pytest.mark.parametrize("block_rows,tile_cols,threads", [(5, 7, 2), (33, 64, 1), (1024, 4096, 2)])
def test_exact_ties_go_to_the_lower_index(block_rows, tile_cols, threads):
    # Small integer vectors: every product is exact, so repeated rows give bit-identical (tied) scores.
    rng = np.random.default_rng(5)
    x = rng.integers(0, 3, size=(90, 6)).astype(np.float32)
    y = rng.integers(0, 3, size=(70, 6)).astype(np.float32)
    y[40:] = y[:30]  # every target row 40..69 repeats a lower one
    x[50:] = x[:40]
    fv, fi, bv, bi = bidirectional_knn(x, y, 4, block_rows=block_rows, tile_cols=tile_cols, threads=threads,
                                       normalize=False)
    sim = x.astype(np.float64) @ y.astype(np.float64).T
    for got_v, got_i, (ref_v, ref_i) in ((fv, fi, topk_reference(sim, 4)), (bv, bi, topk_reference(sim.T, 4))):
        np.testing.assert_array_equal(got_i, ref_i)
        np.testing.assert_array_equal(got_v, ref_v)


@pytest.mark.parametrize("kind", sorted(DATA))
@pytest.mark.parametrize("block_rows,tile_cols,threads", BLOCKS)
def test_blocked_mining_equals_reference(kind, block_rows, tile_cols, threads):
    rng = np.random.default_rng(100 + block_rows)
    x, y = DATA[kind](rng, 240, 199, 16)
    expected = brute_force_mine(x, y, 4)
    mined = mine_bitext(x, y, 4, block_rows=block_rows, tile_cols=tile_cols, threads=threads)
    assert list(zip(mined.src.tolist(), mined.tgt.tolist())) == [(i, j) for i, j, _ in expected]
    np.testing.assert_allclose(mined.score, [s for _, _, s in expected], rtol=0, atol=1e-5)


def test_small_sides_clamp_k_and_empty_sides():
    rng = np.random.default_rng(3)
    x, y = random_pair(rng, 3, 2, 8)
    fv, fi, bv, bi = bidirectional_knn(x, y, 4, block_rows=1, tile_cols=1)
    assert fi.shape == (3, 2) and bi.shape == (2, 3)
    mined = mine_bitext(x, y, 4, block_rows=2, tile_cols=1)
    assert [(i, j) for i, j, _ in brute_force_mine(x, y, 4)] == list(zip(mined.src.tolist(), mined.tgt.tolist()))
    out = bidirectional_knn(np.zeros((0, 8)), y, 4)
    assert out[1].shape == (0, 2) and out[3].shape == (2, 0)
    with pytest.raises(ValueError):
        bidirectional_knn(x, y[:, :4], 4)
    with pytest.raises(ValueError):
        mine_bitext(x, y, 4, index="flat")


@pytest.mark.parametrize("index", ["ivf", "hnsw"])
def test_approximate_modes_high_recall_on_clustered_data(index):
    rng = np.random.default_rng(11)
    x, y = clustered_pair(rng, 2000, 1800, 32, clusters=40, spread=0.1)
    options = {"nprobe": 8} if index == "ivf" else {"ef_search": 128}
    approx = bidirectional_neighbours(x, y, 4, index, **options)
    recall = estimate_recall(x, y, approx[1], approx[3], 4, sample=300)
    assert recall >= 0.98, recall
    exact = mine_bitext(x, y, 4)
    mined = mine_bitext(x, y, 4, index, **options)
    same = set(zip(exact.src.tolist(), exact.tgt.tolist())) & set(zip(mined.src.tolist(), mined.tgt.tolist()))
    assert len(same) >= 0.95 * len(exact)


def read_pairs(path):
    rows = [line.split("\t") for line in path.read_text().splitlines()]
    return [(int(s), int(t)) for s, t, _ in rows], np.array([float(c) for _, _, c in rows])


def test_command_end_to_end(tmp_path, capsys):
    rng = np.random.default_rng(7)
    x, y = clustered_pair(rng, 400, 350, 16)
    np.save(tmp_path / "src.npy", x)
    np.save(tmp_path / "tgt.npy", y.astype(np.float64))  # any float dtype is accepted
    out = tmp_path / "out" / "pairs.tsv"
    argv = ["mine", "--src", str(tmp_path / "src.npy"), "--tgt", str(tmp_path / "tgt.npy"), "--out", str(out),
            "--block-rows", "64", "--tile-cols", "100", "--quiet"]
    assert cli_main(argv) == 0
    pairs, scores = read_pairs(out)
    expected = brute_force_mine(x, y, 4)
    assert pairs == [(i, j) for i, j, _ in expected]
    np.testing.assert_allclose(scores, [s for _, _, s in expected], atol=1e-5)
    assert "pairs written" in capsys.readouterr().out
    threshold = float(np.median(scores))
    assert cli_main(argv + ["--threshold", str(threshold)]) == 0
    kept, kept_scores = read_pairs(out)
    assert kept == [p for p, s in zip(pairs, scores) if s >= threshold] and len(kept) < len(pairs)
    assert sorted(p.name for p in out.parent.iterdir()) == ["pairs.tsv"]  # no temporary left behind
    assert cli_main(argv + ["--index", "ivf", "--recall-sample", "100"]) == 0
    assert "recall@4 against exact search" in capsys.readouterr().out


@pytest.mark.parametrize("bad,message", [
    (np.zeros((4, 3, 2), np.float32), "expected a 2-D array"),
    (np.zeros((4, 5), np.float32), "expected 8 dimensions"),
    (np.ones((4, 8), np.int64), "floating-point"),
    (np.array([[1.0] * 8, [np.nan] + [1.0] * 7], np.float32), "row 1 contains NaN"),
])
def test_command_bad_inputs(tmp_path, capsys, bad, message):
    np.save(tmp_path / "src.npy", np.ones((4, 8), np.float32))
    np.save(tmp_path / "bad.npy", bad)
    argv = ["mine", "--src", str(tmp_path / "src.npy"), "--tgt", str(tmp_path / "bad.npy"),
            "--out", str(tmp_path / "o.tsv")]
    assert cli_main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "bad.npy" in err
    assert not (tmp_path / "o.tsv").exists()


def test_command_missing_file(tmp_path, capsys):
    args = ["mine", "--src", str(tmp_path / "nope.npy"), "--tgt", str(tmp_path / "nope.npy"), "--out", "x.tsv"]
    assert cli_main(args) == 2
    assert "nope.npy: missing file: expected a 2-D float .npy array" in capsys.readouterr().err
    assert callable(mine_cmd.run)


def test_ctrl_c_stops_exact_mining_promptly_and_writes_nothing(tmp_path):
    """SIGINT during a threaded exact pass (about 20 s on 2 cores): exit 130 well before the pass could have
    ended, one line, no output file. Before, the worker threads ran the pass to its end."""
    import os
    import signal
    import subprocess
    import sys
    import time

    rng = np.random.default_rng(0)
    for name in ("src", "tgt"):
        np.save(tmp_path / f"{name}.npy", rng.normal(size=(40000, 128)).astype(np.float32))
    out = tmp_path / "pairs.tsv"
    args = ["mine", "--src", str(tmp_path / "src.npy"), "--tgt", str(tmp_path / "tgt.npy"), "--out", str(out),
            "--threads", "2"]
    # Ctrl-C as a terminal delivers it, even where this test runs with SIGINT ignored (a background job).
    launch = ("import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler);"
              " from harness_tasks.cli import main; sys.exit(main(sys.argv[1:]))")
    proc = subprocess.Popen([sys.executable, "-c", launch, *args], stderr=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stderr.readline() == "mining: 40000 x 40000 (d=128, k=4, index=exact)\n"
        time.sleep(0.5)  # the workers are inside the pass
        proc.send_signal(signal.SIGINT)
        sent = time.monotonic()
        rest = proc.stderr.read()
        proc.wait(timeout=120)
        stopped_after = time.monotonic() - sent
    finally:
        proc.kill()
        proc.wait()
    assert (proc.returncode, rest) == (130, "interrupted\n")
    assert stopped_after < 5, f"took {stopped_after:.1f}s to stop after Ctrl-C"  # a behaviour bound, not a benchmark
    assert sorted(os.listdir(tmp_path)) == ["src.npy", "tgt.npy"]  # no pairs.tsv, no temporary
