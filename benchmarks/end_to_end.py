"""End to end: the ``frnewsbench score`` command against reading its input, seqeval and nervaluate.

For each corpus (the synthetic generator's, and copies of the five real gold articles with
generated errors) and size, the corpus is written as a built dataset (the gold ``score`` reads
by default) and a predictions file; then, each in its own process, one after the other:

* ``parse``: read the predictions file and ``json.loads`` each line (the floor: the cost of just
  reading the input), CPU time inside the process;
* ``objects``: the size of the parsed gold and predictions as Python objects (``tracemalloc``:
  what the harness reads them into), the denominator of the memory target;
* ``seqeval``: seqeval strict IOB2 on the entities alone (tags built first, not timed);
* ``nervaluate``: nervaluate's four schemes on the same entities (spans built first, not timed);
* ``score``: the command, end to end (all three layers, the 1,000-sample intervals, the token
  view, the result JSON), CPU time and peak resident memory of the whole process (``wait4``).

Every process is measured in the same run, so the ratios compare like with like on a shared
machine. The figures of the three scorers must agree (strict micro TP/FP/FN).

    python benchmarks/end_to_end.py child parse FILE   # one measurement (used by bench.py)
"""

from __future__ import annotations

import dataclasses
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent
REAL_ANNOTATIONS = REPOSITORY / "annotations"


# ---------------------------------------------------------------- corpora


def real_copies(size: int, *, seed: int = 0):
    """``size`` copies of the five real gold articles (``real-0000000``...), each made unique by a
    last line naming the copy (after every span, so the gold offsets stay), and their predictions
    with the generator's errors."""
    import generate
    from frnewsbench.gold import load_corpus
    from frnewsbench.schema import sha256_text

    articles = load_corpus(REAL_ANNOTATIONS)
    documents = []
    for index in range(size):
        article = articles[index % len(articles)]
        text = f"{article.text}\n(copie {index})"
        documents.append(dataclasses.replace(article, id=f"real-{index:07d}", text=text, text_sha256=sha256_text(text)))
    predictions, ledger = generate.generate_predictions(documents, seed=seed)
    return documents, predictions, ledger


def synthetic(size: int, *, seed: int = 0):
    import generate

    documents = generate.generate_corpus(size, seed=seed)
    predictions, ledger = generate.generate_predictions(documents, seed=seed)
    return documents, predictions, ledger


CORPORA = {"synthetic": synthetic, "real copies": real_copies}


def write_inputs(documents, predictions, folder: Path) -> tuple[Path, Path]:
    """The built dataset (``frnewsbench.build.build_files``) and the predictions file."""
    from frnewsbench.build import build_files
    from frnewsbench.corpus import write_all
    from frnewsbench.predictions import dumps_predictions

    dataset = folder / "dataset"
    files = [(dataset / name, content) for name, content in build_files(documents).items()]
    files.append((folder / "predictions.jsonl", dumps_predictions(predictions.values())))
    write_all(files)
    return dataset, folder / "predictions.jsonl"


# ---------------------------------------------------------------- the measurements, each in its own process


def _strict_micro(tp: int, fp: int, fn: int) -> list[int]:
    return [tp, fp, fn]


def child(kind: str, *arguments: str) -> dict:
    """One measurement, in this (fresh) process; returns what the parent prints as JSON."""
    if kind == "write":  # the corpus made and written here, so the benchmark's own process stays small
        corpus, size, folder, seed = arguments
        documents, predictions, _ = CORPORA[corpus](int(size), seed=int(seed))
        answer = {"gold_entities": sum(len(d.entities) for d in documents),
                  "predicted_entities": sum(len(p.entities or ()) for p in predictions.values())}
        write_inputs(documents, predictions, Path(folder))
        return answer
    if kind == "parse":
        (predictions,) = arguments
        started = time.process_time()
        with open(predictions, "rb") as handle:
            lines = [json.loads(line) for line in handle.read().split(b"\n") if line.strip()]
        return {"cpu_seconds": time.process_time() - started, "lines": len(lines)}
    if kind == "count-records":
        from frnewsbench.report.records import read_records

        (records,) = arguments
        return {"records": sum(1 for _ in read_records(records))}
    from frnewsbench.corpus import read_dataset
    from frnewsbench.predictions import read_predictions

    dataset, predictions_file = arguments
    if kind == "objects":
        import tracemalloc

        tracemalloc.start()
        gold = read_dataset(dataset)
        predictions = read_predictions(predictions_file, documents=gold)
        gc.collect()
        size = tracemalloc.get_traced_memory()[0]
        return {"bytes": size, "documents": len(gold), "entities": sum(len(d.entities) for d in gold),
                "predicted_entities": sum(len(p.entities or ()) for p in predictions.values())}
    gold = read_dataset(dataset)
    predictions = read_predictions(predictions_file, documents=gold)
    if kind == "seqeval":
        from seqeval.metrics import classification_report
        from seqeval.scheme import IOB2

        from frnewsbench.scoring.tokens import iob2_sequences

        gold_tags, predicted_tags, _ = iob2_sequences([
            (d.id, d.text, d.entities, predictions[d.id].entities if d.id in predictions else ()) for d in gold])
        del gold, predictions
        gc.collect()
        started = time.process_time()
        report = classification_report(gold_tags, predicted_tags, mode="strict", scheme=IOB2, output_dict=True,
                                       zero_division=0)
        seconds = time.process_time() - started
        micro = report["micro avg"]
        return {"cpu_seconds": seconds, "precision": float(micro["precision"]), "recall": float(micro["recall"]),
                "support": int(micro["support"])}
    if kind == "nervaluate":
        from nervaluate import Evaluator

        from frnewsbench.schema import ENTITY_LABELS

        def spans(entities) -> list[dict]:
            return [{"label": e.label, "start": e.start, "end": e.end - 1} for e in entities]

        true = [spans(d.entities) for d in gold]
        pred = [spans(predictions[d.id].entities if d.id in predictions else ()) for d in gold]
        del gold, predictions
        gc.collect()
        started = time.process_time()
        results = Evaluator(true, pred, tags=list(ENTITY_LABELS), loader="dict").evaluate()
        seconds = time.process_time() - started
        strict = results["overall"]["strict"]
        return {"cpu_seconds": seconds, "precision": float(strict.precision), "recall": float(strict.recall),
                "correct": int(strict.correct), "possible": int(strict.possible), "actual": int(strict.actual)}
    raise SystemExit(f"unknown measurement {kind!r}")


def run_child(*arguments: str) -> tuple[dict, float, float]:
    """Run :func:`child` in a new process: its answer, its whole CPU time and its peak RSS in MB."""
    command = [sys.executable, str(Path(__file__).resolve()), "child", *arguments]
    return _run(command)


def _own_peak_mb() -> float:
    """This process's peak resident memory (``VmHWM``: the high-water mark of its own memory, which
    ``exec`` resets; ``ru_maxrss`` keeps the parent's peak of before the ``exec``)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _run(command: list[str]) -> tuple[str | dict, float, float]:
    """Run ``command``: its answer, its CPU seconds and its peak RSS in MB (reported by the process
    itself as ``peak_mb N`` on its last stderr line when it can, else ``ru_maxrss``)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, cwd=str(REPOSITORY),
                                   env={**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])})
        _, status, usage = os.wait4(process.pid, 0)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{stderr[-3000:]}")
    answer = json.loads(stdout) if command[2:3] == ["child"] else stdout
    reported = [line for line in stderr.splitlines() if line.startswith("peak_mb ")]
    peak = float(reported[-1].split()[1]) if reported else usage.ru_maxrss / 1024
    return answer, usage.ru_utime + usage.ru_stime, peak


def _command(*arguments: str) -> tuple[float, float]:
    """``frnewsbench ARGUMENTS`` as a user runs it: its CPU seconds and peak RSS (MB)."""
    _, seconds, peak = _run([sys.executable, str(Path(__file__).resolve()), "command", *arguments])
    return seconds, peak


def run_score(dataset: Path, predictions: Path, output: Path) -> tuple[dict, float, float]:
    """The command as a user runs it; its result, CPU seconds and peak RSS (MB)."""
    seconds, peak = _command("score", "--gold", str(dataset), "--predictions", str(predictions), "--output", str(output))
    return json.loads(output.read_text(encoding="utf-8")), seconds, peak


@dataclasses.dataclass
class EndToEnd:
    corpus: str
    size: int
    documents: int
    gold_entities: int
    predicted_entities: int
    predictions_mb: float
    parse_seconds: float
    objects_mb: float
    seqeval_seconds: float
    nervaluate_seconds: float
    score_seconds: float
    score_peak_mb: float
    identical: bool
    one_document_seconds: float = float("nan")
    one_document_peak_mb: float = float("nan")
    note: str = ""

    @property
    def over_parse(self) -> float:
        return self.score_seconds / self.parse_seconds

    @property
    def seqeval_over_score(self) -> float:
        return self.seqeval_seconds / self.score_seconds

    @property
    def nervaluate_over_score(self) -> float:
        return self.nervaluate_seconds / self.score_seconds

    @property
    def memory_ratio(self) -> float:
        return self.score_peak_mb / self.objects_mb

    @property
    def memory_above_start(self) -> float:
        """The peak less the command's peak on one document (interpreter, libraries, the one
        document), over the objects: what scoring holds per byte of input, start-up aside."""
        return (self.score_peak_mb - self.one_document_peak_mb) / self.objects_mb


def one_document(corpus: str, workdir: Path, *, seed: int = 0) -> tuple[float, float]:
    """The command's CPU seconds and peak MB on a corpus of one document: its fixed cost (the
    interpreter's start, the imports, the libraries' memory), which no saving in scoring removes."""
    folder = workdir / f"{corpus.replace(' ', '-')}-1"
    if not (folder / "predictions.jsonl").exists():
        run_child("write", corpus, "1", str(folder), str(seed))
    _, seconds, peak = run_score(folder / "dataset", folder / "predictions.jsonl", folder / "result.json")
    return seconds, peak


def measure(corpus: str, size: int, workdir: Path, *, seed: int = 0) -> EndToEnd:
    print(f"\nend to end: {corpus}, {size:,} documents", flush=True)
    folder = workdir / f"{corpus.replace(' ', '-')}-{size}"
    one_seconds, one_peak = one_document(corpus, workdir, seed=seed)
    print(f"  frnewsbench score on one document: {one_seconds:.3f} CPU s, peak {one_peak:,.1f} MB", flush=True)
    written, _, _ = run_child("write", corpus, str(size), str(folder), str(seed))
    gold_entities, predicted_entities = written["gold_entities"], written["predicted_entities"]
    dataset, predictions_file = folder / "dataset", folder / "predictions.jsonl"
    parse, _, _ = run_child("parse", str(predictions_file))
    print(f"  read + json.loads the predictions: {parse['cpu_seconds']:.3f} CPU s", flush=True)
    objects, _, _ = run_child("objects", str(dataset), str(predictions_file))
    print(f"  parsed gold + predictions as Python objects: {objects['bytes'] / 2**20:,.1f} MB", flush=True)
    result, score_seconds, score_peak = run_score(dataset, predictions_file, folder / "result.json")
    print(f"  frnewsbench score: {score_seconds:.3f} CPU s, peak {score_peak:,.1f} MB", flush=True)
    seqeval, _, _ = run_child("seqeval", str(dataset), str(predictions_file))
    print(f"  seqeval strict IOB2 (entities): {seqeval['cpu_seconds']:.3f} CPU s", flush=True)
    nervaluate, _, _ = run_child("nervaluate", str(dataset), str(predictions_file))
    print(f"  nervaluate, 4 schemes (entities): {nervaluate['cpu_seconds']:.3f} CPU s", flush=True)
    entities = result["evaluation"]["layers"]["entities"]
    strict, view = entities["counts"]["strict"], entities["token_view"]["counts"]
    identical = (view["precision"] == seqeval["precision"] and view["recall"] == seqeval["recall"]
                 and view["tp"] + view["fn"] == seqeval["support"]
                 and strict["tp"] == nervaluate["correct"] and strict["tp"] + strict["fn"] == nervaluate["possible"]
                 and strict["tp"] + strict["fp"] == nervaluate["actual"])
    return EndToEnd(corpus, size, size, gold_entities, predicted_entities, predictions_file.stat().st_size / 2**20,
                    parse["cpu_seconds"], objects["bytes"] / 2**20, seqeval["cpu_seconds"], nervaluate["cpu_seconds"],
                    score_seconds, score_peak, identical, one_seconds, one_peak)


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        sys.path.insert(0, str(HERE))
        print(json.dumps(child(*sys.argv[2:])))
    elif sys.argv[1:2] == ["command"]:  # `frnewsbench ARGS` in this process, its own peak memory at exit
        import atexit
        import runpy

        atexit.register(lambda: print(f"peak_mb {_own_peak_mb()}", file=sys.stderr))
        sys.argv = ["frnewsbench", *sys.argv[2:]]
        runpy.run_module("frnewsbench.cli", run_name="__main__")
    else:
        raise SystemExit("run benchmarks/bench.py; this module measures one step when called with `child`")


# ---------------------------------------------------------------- the command's profile and the report section


@dataclasses.dataclass
class RecordsRun:
    """``score --records`` in one form, and ``report`` rendering the error analysis from the file."""

    corpus: str
    size: int
    form: str
    records: int
    score_seconds: float
    score_peak_mb: float
    file_mb: float
    report_seconds: float
    report_peak_mb: float
    same_report: bool  # the error analysis of `report` is byte-identical to the one `score --errors` wrote


def measure_records(corpus: str, size: int, workdir: Path) -> list[RecordsRun]:
    """The records of the corpus written at ``size`` (by :func:`measure`), in Parquet and in JSON Lines;
    each file then rendered into the error analysis by ``frnewsbench report``."""
    folder = workdir / f"{corpus.replace(' ', '-')}-{size}"
    dataset, predictions = str(folder / "dataset"), str(folder / "predictions.jsonl")
    runs = []
    for name, form in (("records.parquet", "Parquet"), ("records.jsonl", "JSON Lines")):
        records, result, direct = folder / name, folder / f"result-{name}.json", folder / f"errors-{name}.md"
        score_seconds, score_peak = _command("score", "--gold", dataset, "--predictions", predictions, "--output",
                                             str(result), "--records", str(records), "--errors", str(direct))
        print(f"  frnewsbench score --records {name} --errors: {score_seconds:.3f} CPU s, peak {score_peak:,.1f} MB, "
              f"{records.stat().st_size / 2**20:,.1f} MB written", flush=True)
        later = folder / f"errors-{name}-report.md"
        report_seconds, report_peak = _command("report", str(result), "--records", str(records), "--gold", dataset,
                                               "--errors", str(later))
        print(f"  frnewsbench report --records {name} --errors: {report_seconds:.3f} CPU s, peak {report_peak:,.1f} MB",
              flush=True)
        count, _, _ = run_child("count-records", str(records))
        runs.append(RecordsRun(corpus, size, form, count["records"], score_seconds, score_peak,
                               records.stat().st_size / 2**20, report_seconds, report_peak,
                               later.read_bytes() == direct.read_bytes()))
    return runs


def render_records(runs: list[RecordsRun], scores: list[EndToEnd]) -> list[str]:
    """The section of :func:`measure_records`'s runs (``scores``: the same corpora's plain ``score``)."""
    plain = {(r.corpus, r.size): r.score_seconds for r in scores}
    lines = ["### The match records: `score --records FILE --errors E.md`, then `report` from the file", "",
             "The same command with every match record written (`--records`: Parquet for a `.parquet` path, else "
             "JSON Lines) and the error analysis, which both score each document again for its records; then "
             "`frnewsbench report R.json --records FILE --errors E.md`, which checks the records against the result "
             "(their headline counts, document by document) and renders the error analysis from the file without "
             "scoring. *Same*: that analysis is byte-identical to the one `score --errors` wrote.", "",
             _row(["corpus", "documents", "form", "records", "score --records --errors s", "vs score alone",
                   "peak MB", "file MB", "report s", "report peak MB", "same"]),
             _row(["---"] * 11)]
    for r in runs:
        alone = plain.get((r.corpus, r.size))
        lines.append(_row([r.corpus, f"{r.size:,}", r.form, f"{r.records:,}", f"{r.score_seconds:.2f}",
                           "-" if alone is None else f"{r.score_seconds / alone:.1f}x", f"{r.score_peak_mb:,.0f}",
                           f"{r.file_mb:,.1f}", f"{r.report_seconds:.2f}", f"{r.report_peak_mb:,.0f}",
                           "yes" if r.same_report else "**NO**"]))
    return lines + [""]


def profile_score(dataset: Path, predictions: Path, output: Path) -> str:
    """pyinstrument's call tree of the command (sampled wall time; library frames folded)."""
    command = [sys.executable, "-m", "pyinstrument", "--interval", "0.005", "-o", str(output.with_suffix(".txt")),
               "-m", "frnewsbench.cli", "score",
               "--gold", str(dataset), "--predictions", str(predictions), "--output", str(output)]
    _run(command)
    lines = output.with_suffix(".txt").read_text(encoding="utf-8").splitlines()
    prefixes = sorted({str(REPOSITORY) + "/", sys.prefix + "/", sys.base_prefix + "/"}, key=len, reverse=True)
    shown = []
    for line in lines:
        for prefix in prefixes:
            line = line.replace(prefix, "")
        if line.strip():
            shown.append(line.rstrip())
    return "\n".join(shown[:70])


def _row(cells) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def render_section(results: list[EndToEnd], *, profile: str | None, profile_of: str,
                   targets: dict[str, float], records: list[RecordsRun] = ()) -> list[str]:
    lines = ["## End to end: the `score` command", "",
             "What a user runs: `frnewsbench score --gold DATASET --predictions FILE --output R.json` (all three layers, "
             "the 1,000-sample bootstrap intervals, the token view, the result JSON), each measurement in its own "
             "process, all in this one run (the machine is shared: ratios within one run compare like with like). "
             "CPU seconds (user + system) of the whole process for the command, interpreter start and imports "
             "included; for the references, the CPU time of their call alone (their input built first, not timed); "
             "*parse* is reading the predictions file and `json.loads` of each line, the cost of just reading the "
             "input. *Objects*: the parsed gold and predictions as Python objects (`tracemalloc`), the memory the "
             "harness cannot do without; *peak*: the command's own peak resident memory (`VmHWM` read by the "
             "process at exit: `ru_maxrss` would keep the benchmark's own peak from before the `exec`), interpreter and "
             "libraries included. *One document*: the command's CPU seconds and peak on one document of the same "
             "corpus, its fixed cost (interpreter start, imports, the libraries' memory); *peak above one document / "
             "objects* is what scoring holds per byte of its input once that fixed cost is set aside (not a target of "
             "the issue, which counts the whole peak: shown to tell the fixed cost from the cost that grows).", "",
             _row(["corpus", "documents", "entities (gold / predicted)", "predictions file MB", "parse s", "score s",
                   "score / parse", "seqeval s", "seqeval / score", "nervaluate s", "nervaluate / score",
                   "objects MB", "score peak MB", "peak / objects", "one document: s, peak MB",
                   "(peak - one document) / objects", "figures identical"]),
             _row(["---"] * 17)]
    for r in results:
        lines.append(_row([r.corpus, f"{r.size:,}", f"{r.gold_entities:,} / {r.predicted_entities:,}",
                           f"{r.predictions_mb:,.1f}", f"{r.parse_seconds:.2f}", f"{r.score_seconds:.2f}",
                           f"**{r.over_parse:.1f}x**", f"{r.seqeval_seconds:.2f}", f"**{r.seqeval_over_score:.2f}x**",
                           f"{r.nervaluate_seconds:.2f}", f"{r.nervaluate_over_score:.2f}x", f"{r.objects_mb:,.0f}",
                           f"{r.score_peak_mb:,.0f}", f"**{r.memory_ratio:.2f}x**",
                           f"{r.one_document_seconds:.2f}, {r.one_document_peak_mb:,.0f}", f"{r.memory_above_start:.2f}x",
                           "yes" if r.identical else "**NO**"]))
    lines += ["", "Targets (issue 15): score at most "
              f"{targets['over_parse']:.0f}x the parse; faster than seqeval (seqeval / score above 1); peak at most "
              f"{targets['memory']:.1f}x the objects; linear growth.", ""]
    by_corpus: dict[str, list[EndToEnd]] = {}
    for r in results:
        by_corpus.setdefault(r.corpus, []).append(r)
    lines += [_row(["corpus", "score µs/document at each size", "slope of log(score s) on log(documents)"]), _row(["---"] * 3)]
    for corpus, rows in by_corpus.items():
        import math

        per_document = ", ".join(f"{r.score_seconds / r.size * 1e6:,.0f} at {r.size:,}" for r in rows)
        if len(rows) >= 2:
            xs, ys = [math.log(r.size) for r in rows], [math.log(r.score_seconds) for r in rows]
            mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
            slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
            shown = f"{slope:.2f} (the interpreter's start weighs on the smallest size)"
        else:
            shown = "-"
        lines.append(_row([corpus, per_document, shown]))
    if records:
        lines += [""] + render_records(records, results)[:-1]
    if profile:
        lines += ["", f"### Where the command's time goes ({profile_of})", "",
                  "pyinstrument's call tree of the whole command (sampled wall-clock time, so on a shared machine "
                  "read the shares, not the seconds; library frames folded).", "", "```text", profile, "```"]
    return lines + [""]
