"""Outputs and caches: one run per output folder, full provenance from the cache, byte-identical reruns,
the user's umask, Ctrl-C and write failures as one line (issue 8, classes 4 and the Ctrl-C part of 1)."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness_tasks import cli
from harness_tasks.atomic import write_json_atomic, write_text_atomic
from harness_tasks.run_folder import OutputFolderError, claim_output, describe_difference

REPO = Path(__file__).resolve().parents[1]


# ---- permissions --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_atomic_files_honour_the_umask(tmp_path, mask, mode):
    old = os.umask(mask)
    try:
        write_text_atomic(tmp_path / "a.txt", "x\n")
        write_json_atomic(tmp_path / "b.json", {"a": 1})
    finally:
        os.umask(old)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == mode
    assert (tmp_path / "b.json").stat().st_mode & 0o777 == mode


# ---- the output folder's lock and identity ------------------------------------------------------------------
IDENTITY = {"checkpoints": {"xnli": "a" * 64}, "tasks": ["xnli"], "languages": "all", "split": "test"}


def test_a_second_claim_on_a_locked_folder_names_the_first(tmp_path):
    first = claim_output(tmp_path / "out", IDENTITY, overwrite=False)
    try:
        with pytest.raises(OutputFolderError) as err:
            claim_output(tmp_path / "out", IDENTITY, overwrite=False)
        assert "is in use by another xtreme score run (pid " + str(os.getpid()) in str(err.value)
    finally:
        first.release()
    claim_output(tmp_path / "out", IDENTITY, overwrite=False).release()  # released: free again


def test_the_lock_dies_with_its_process(tmp_path):
    """A killed run leaves no stale lock: the kernel drops an flock when its holder dies."""
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from harness_tasks.run_folder import claim_output;"
         f"c = claim_output({str(out)!r}, {IDENTITY!r}, overwrite=False); print('held', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True, cwd=REPO)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(OutputFolderError, match=f"pid {holder.pid} "):
            claim_output(out, IDENTITY, overwrite=False)
    finally:
        holder.kill()
        holder.wait()
    claim = claim_output(out, IDENTITY, overwrite=False)
    assert claim.resumed  # the killed run's identity was recorded: this is a resume
    claim.release()


def test_same_identity_resumes_and_another_is_refused_unless_overwrite(tmp_path):
    out = tmp_path / "out"
    claim = claim_output(out, IDENTITY, overwrite=False)
    assert not claim.resumed
    claim.release()
    write_json_atomic(out / "results.json", {})
    write_text_atomic(out / "submission" / "xnli" / "test-de.tsv", "entailment\n")
    write_text_atomic(out / "cache" / "k.json", "[]")
    claim = claim_output(out, IDENTITY, overwrite=False)
    assert claim.resumed
    claim.release()

    other = {**IDENTITY, "checkpoints": {"xnli": "b" * 64}, "split": "dev"}
    with pytest.raises(OutputFolderError) as err:
        claim_output(out, other, overwrite=False)
    assert str(err.value) == (
        f"{out}: it holds another run: checkpoints.xnli: aaaaaaaaaaaa -> bbbbbbbbbbbb; split: \"test\" -> \"dev\". "
        "Use another --output, or --overwrite to replace that run (its cached predictions are kept; they are "
        "keyed by model and settings)")
    assert (out / "results.json").exists() and (out / "submission" / "xnli" / "test-de.tsv").exists()

    claim = claim_output(out, other, overwrite=True)
    claim.release()
    assert not (out / "results.json").exists() and not (out / "submission").exists()
    assert (out / "cache" / "k.json").exists()
    assert json.loads((out / "run.json").read_text())["identity"] == other


def test_outputs_without_a_recorded_identity_are_not_mixed_into(tmp_path):
    out = tmp_path / "out"
    write_json_atomic(out / "results.json", {"from": "an older version"})
    with pytest.raises(OutputFolderError, match="did not record its identity"):
        claim_output(out, IDENTITY, overwrite=False)


def test_describe_difference_names_added_and_removed_heads():
    assert describe_difference({"checkpoints": {"xnli": "a" * 64}}, {"checkpoints": {"udpos": "c" * 64}}) == (
        "checkpoints.udpos: (none) -> cccccccccccc; checkpoints.xnli: aaaaaaaaaaaa -> (none)")


# ---- xtreme score end to end ----------------------------------------------------------------------------------
def _score(bundle, out, *extra) -> int:
    return cli.main(["score", "--model", str(bundle), "--output", str(out), *extra])


def test_score_folder_holds_one_run(tiny_models, tmp_path, capsys):
    out = tmp_path / "out"
    assert _score(tiny_models.bundle, out, "--tasks", "xnli,tatoeba") == 0
    first = json.loads((out / "results.json").read_text())["xtreme"]
    assert set(first["prediction_sources"].values()) == {"computed"}
    capsys.readouterr()

    # The same run again: resumed from the cache, with the same provenance, and it says so.
    assert _score(tiny_models.bundle, out, "--tasks", "xnli,tatoeba") == 0
    err = capsys.readouterr().err
    assert "holds this run (same checkpoints, tasks and settings): resuming from its cache" in err
    assert "6 of 6 task-language predictions came from the cache" in err
    again = json.loads((out / "results.json").read_text())["xtreme"]
    assert set(again["prediction_sources"].values()) == {"cache"}
    assert again["embedding_layers_used"] == first["embedding_layers_used"] != {}
    assert again["task_scores"] == first["task_scores"]

    # Another task set into the same folder: refused, nothing touched.
    assert _score(tiny_models.bundle, out, "--tasks", "pawsx") == 2
    assert "it holds another run: " in capsys.readouterr().err
    assert sorted(p.name for p in (out / "submission").iterdir()) == ["tatoeba", "xnli"]

    # --overwrite: results and submission describe the new run only.
    assert _score(tiny_models.bundle, out, "--tasks", "pawsx", "--overwrite") == 0
    assert sorted(p.name for p in (out / "submission").iterdir()) == ["pawsx"]
    results = json.loads((out / "results.json").read_text())
    assert list(results["xtreme"]["task_scores"]) == ["pawsx"]
    assert all(name.startswith("xtreme_pawsx_") for name in results["results"])


def _run_cli(args: list[str], env_extra: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "TOKENIZERS_PARALLELISM": "false", **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "harness_tasks.cli", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600, **kwargs)


def test_identical_runs_give_byte_identical_results_apart_from_the_date(tiny_models, tmp_path):
    texts = []
    for seed in ("1", "2"):  # different hash seeds: set and dict orders must not leak into the file
        out = tmp_path / f"run{seed}"
        done = _run_cli(["score", "--model", str(tiny_models.bundle), "--tasks", "xnli,bucc2018,tatoeba",
                         "--output", str(out)], {"PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr[-2000:]
        texts.append((out / "results.json").read_text().replace(str(out), "OUT"))
    first, second = (t.splitlines() for t in texts)
    differing = [(a, b) for a, b in zip(first, second, strict=True) if a != b]
    assert len(differing) == 1 and differing[0][0].strip().startswith('"date": ')


def test_ctrl_c_during_score_leaves_nothing_half_written(tiny_models, tmp_path):
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "harness_tasks.cli", "score", "--model", str(tiny_models.bundle),
         "--output", str(out)], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "TOKENIZERS_PARALLELISM": "false"})
    deadline = time.monotonic() + 120
    while not (out / "cache").is_dir() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)  # interrupt once predictions are being written
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    if process.returncode == 0:
        pytest.skip("the run finished before the interrupt arrived")
    assert process.returncode == 130, err[-2000:]
    assert err.strip().splitlines()[-1] == f"interrupted: {cli_hint('harness_tasks.commands.score')}"
    assert not [p for p in out.rglob("*.tmp")]
    if (out / "results.json").exists():
        json.loads((out / "results.json").read_text())  # whole, never truncated


def cli_hint(module: str) -> str:
    import importlib

    return importlib.import_module(module).INTERRUPTED_HINT


@pytest.mark.parametrize("command", sorted(cli.COMMANDS))
def test_ctrl_c_in_any_command_is_one_line_and_exit_130(command, monkeypatch, capsys):
    parser = cli.build_parser()

    def interrupted(args):
        raise KeyboardInterrupt

    def parse_args(argv):
        return argparse.Namespace(command=command, _run=interrupted)

    interrupted.__module__ = cli.COMMANDS[command][0]
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    monkeypatch.setattr(parser, "parse_args", parse_args)
    assert cli.main([command]) == 130
    hint = getattr(sys.modules[cli.COMMANDS[command][0]], "INTERRUPTED_HINT", "")
    assert capsys.readouterr().err == ("interrupted: " + hint if hint else "interrupted") + "\n"


def test_a_write_failure_is_one_line_with_the_path(tmp_path, capsys):
    for side in ("pred", "gold"):
        write_text_atomic(tmp_path / side / "xnli" / "test-de.tsv", "entailment\n")
    target = tmp_path / "a-folder"
    target.mkdir()
    code = cli.main(["score-submission", str(tmp_path / "pred"), str(tmp_path / "gold"), "--languages", "de",
                     "--json", str(target)])
    err = capsys.readouterr().err
    assert code == 2 and str(target) in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not list(tmp_path.rglob("*.tmp"))


# ---- every flag says its default --------------------------------------------------------------------------------
def test_every_flag_has_help_that_states_its_default_or_that_it_is_required():
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    missing = []
    for name, command in sub.choices.items():
        formatter = command._get_formatter()
        for action in command._actions:
            if not action.option_strings or action.dest == "help":
                continue
            text = formatter._get_help_string(action) if action.help else ""
            if "default" not in text and not (action.required and text.endswith("(required)")):
                missing.append(f"{name} {'/'.join(action.option_strings)}")
    assert not missing, f"flags whose help does not state the default: {missing}"


def test_a_full_disk_is_one_line_naming_the_file_and_leaves_no_temp_file(tmp_path, monkeypatch, capsys):
    import errno

    import harness_tasks.atomic as atomic

    for side in ("pred", "gold"):
        write_text_atomic(tmp_path / side / "xnli" / "test-de.tsv", "entailment\n")

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic.os, "fsync", full)
    out = tmp_path / "scores.json"
    code = cli.main(["score-submission", str(tmp_path / "pred"), str(tmp_path / "gold"), "--languages", "de",
                     "--json", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().splitlines() == [f"error: {out}: cannot write the scores (No space left on device)"]
    assert not out.exists() and not list(tmp_path.rglob("*.tmp"))


def test_results_never_replace_a_device_or_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="not a regular file"):
        write_text_atomic(fifo, "x")
    assert fifo.is_fifo()


# ---- data given to xtreme score --------------------------------------------------------------------------------
SAMPLE = REPO / "harness_tasks" / "sample_data"


def test_a_malformed_data_file_is_refused_not_skipped(tiny_models, tmp_path, capsys):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    path = data / "xnli" / "test-de.tsv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].rsplit("\t", 1)[0] + "\tbanana\n"
    path.write_text("".join(lines), encoding="utf-8")
    out = tmp_path / "out"
    assert _score(tiny_models.bundle, out, "--tasks", "xnli", "--data", str(data)) == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"xtreme score: {path}:2: label 'banana' is not one of xnli's labels (contradiction, entailment, neutral)")
    assert not (out / "results.json").exists() and not (out / "submission").exists()


@pytest.mark.parametrize("given, problem", [
    ("missing", "{p}: no such folder (the XTREME data folder); expected 'sample', 'hub', 'hub:PATH' or a folder "
                "in the benchmark's download layout"),
    ("a-file", "{p}: a file, not a folder (the XTREME data folder)"),
    ("", "data source '': expected 'sample', 'hub', 'hub:PATH' or a folder"),
])
def test_a_bad_data_source_is_refused_before_anything_loads(tmp_path, capsys, given, problem):
    (tmp_path / "a-file").write_text("x")
    data = str(tmp_path / given) if given else ""
    # --model need not exist: the data source is checked first.
    assert cli.main(["score", "--model", str(tmp_path / "nope"), "--data", data,
                     "--output", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == f"xtreme score: {problem.format(p=data)}\n"
    assert not (tmp_path / "out").exists()


def test_no_task_to_run_exits_2_and_writes_nothing(tiny_models, tmp_path, capsys):
    out = tmp_path / "out"
    assert _score(tiny_models.bundle, out, "--tasks", "xnli", "--languages", "ar") == 2
    err = capsys.readouterr().err
    assert "xnli: the bundled sample has no ar (1 skipped)" in err
    assert err.splitlines()[-1] == "xtreme score: no task could run (see the reasons above); nothing was written"
    assert not (out / "results.json").exists() and not (out / "submission").exists()


# ---- numbers a user types, and caches that cannot be trusted --------------------------------------------------
@pytest.mark.parametrize("flag, value, expected", [
    ("--batch-size", "0", "0 is too small; expected an integer >= 1"),
    ("--limit", "-1", "-1 is too small; expected an integer >= 1"),
    ("--limit", "0", "0 is too small; expected an integer >= 1"),
    ("--layer", "-1", "-1 is too small; expected an integer >= 0"),
    ("--max-length", "1", "1 is too small; expected a length >= 16 tokens"),
    ("--doc-stride", "x", "'x' is not a whole number; expected an integer >= 1"),
    ("--output", "", "an empty path; expected a folder for the results"),
])
def test_bad_numbers_and_paths_are_usage_errors(tmp_path, capsys, flag, value, expected):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["score", "--model", str(tmp_path), flag, value])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"xtreme score: error: argument {flag}: {expected}"


def test_a_cache_entry_that_cannot_be_trusted_is_recomputed(tiny_models, tmp_path, capsys):
    out = tmp_path / "out"
    assert _score(tiny_models.bundle, out, "--tasks", "xnli,tatoeba") == 0
    first = (out / "submission" / "xnli" / "test-en.tsv").read_text()
    scores = json.loads((out / "results.json").read_text())["xtreme"]["task_scores"]
    cache = out / "cache"
    (truncated,) = cache.glob("xtreme_xnli_de.classify.*.json")
    truncated.write_text("[1,2")
    (edited,) = cache.glob("xtreme_xnli_en.classify.*.json")
    edited.write_text(json.dumps(["LABEL_2"] * len(json.loads(edited.read_text()))))
    (vectors,) = cache.glob("xtreme_tatoeba_de.embed.*.npy")
    vectors.write_bytes(vectors.read_bytes()[:100])
    capsys.readouterr()

    assert _score(tiny_models.bundle, out, "--tasks", "xnli,tatoeba") == 0
    err = capsys.readouterr().err
    for path, why in ((truncated, "unreadable"), (edited, "'LABEL_2' is not one of the head's labels"),
                      (vectors, "unreadable")):
        assert f"ignoring cached predictions {path}: {why}" in err
    section = json.loads((out / "results.json").read_text())["xtreme"]
    assert section["task_scores"] == scores
    assert [section["prediction_sources"][t] for t in ("xtreme_xnli_de", "xtreme_xnli_en", "xtreme_tatoeba_de")] \
        == ["computed"] * 3
    assert (out / "submission" / "xnli" / "test-en.tsv").read_text() == first


def test_ctrl_c_while_the_parser_is_built(monkeypatch, capsys):
    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "build_parser", interrupted)
    assert cli.main(["tasks"]) == 130
    assert capsys.readouterr().err == "interrupted\n"


def test_output_inside_the_model_folder_is_refused(tiny_models, tmp_path, capsys):
    import shutil

    bundle = tmp_path / "bundle"
    shutil.copytree(tiny_models.bundle, bundle)
    assert _score(bundle, bundle / "xnli" / "out", "--tasks", "xnli") == 2
    assert capsys.readouterr().err == (
        f"xtreme score: --output {bundle / 'xnli' / 'out'} lies inside the model folder {bundle}: what a run "
        "writes there would change the checkpoints it scores; give a folder outside it\n")
    assert not (bundle / "xnli" / "out").exists()


def test_output_through_a_dangling_link_is_named(tiny_models, tmp_path, capsys):
    link = tmp_path / "olink"
    link.symlink_to(tmp_path / "nowhere")
    assert _score(tiny_models.bundle, link, "--tasks", "xnli") == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"xtreme score: {link}: a link to {tmp_path / 'nowhere'}, which does not exist; give a folder")


def test_ctrl_c_inside_a_finalizer_is_not_lost():
    """The default handler raises in whatever runs next; inside a __del__ Python prints 'Exception ignored'
    and goes on, losing the Ctrl-C. Ours defers it until the finalizer has returned."""
    import gc
    import signal as signal_module

    from harness_tasks.interrupts import install

    before = signal_module.getsignal(signal_module.SIGINT)
    seen = []

    class Finalized:
        def __del__(self):
            os.kill(os.getpid(), signal_module.SIGINT)
            time.sleep(0.01)  # the handler runs here, inside __del__
            seen.append("finalizer returned")

    try:
        signal_module.signal(signal_module.SIGINT, signal_module.default_int_handler)
        install()
        with pytest.raises(KeyboardInterrupt):
            Finalized()
            gc.collect()
            time.sleep(2)  # the deferred interrupt lands here
        assert seen == ["finalizer returned"]
    finally:
        signal_module.signal(signal_module.SIGINT, before)


def test_a_split_a_task_does_not_have_skips_that_task(tiny_models, tmp_path, capsys):
    """XQuAD has no dev split: absent data, reported and skipped (the other tasks run), not a traceback."""
    out = tmp_path / "out"
    assert _score(tiny_models.bundle, out, "--tasks", "xquad,xnli", "--split", "dev") == 0
    section = json.loads((out / "results.json").read_text())["xtreme"]
    assert list(section["task_scores"]) == ["xnli"]
    assert set(section["skipped_languages"]["xquad"].values()) == {"xquad has no 'dev' split; it has test"}
    assert "xquad: skipped: no language with readable data" in capsys.readouterr().out
