"""The harness against seqeval and nervaluate: speed, memory, growth and identical figures.

One run, on seeded synthetic corpora (:mod:`generate`) of each size:

* the harness's scoring of each layer (``frnewsbench.scoring.evaluate``, bootstrap included,
  token view left out) and its strict entity counts (``strict_entity_counts``);
* seqeval (``mode="strict"``, ``scheme=IOB2``) on IOB2 tags built with ``frnewsbench.tokenize``,
  and nervaluate on the character spans; the strict P/R/F1 of all three, overall and per label,
  must be identical (and the SemEval counts of the harness equal nervaluate's), else exit 1;
* on the smaller sizes: ``frnewsbench build``, ``datasets.load_dataset`` cold and warm on the
  built folder (offline, fresh cache), and the end-to-end ``frnewsbench score`` command.

Each step is timed in this process (wall and CPU time; ratios and growth use CPU time, which
other work on a shared machine disturbs least). Peak memory is measured in a separate run of
the step in a forked child (``tracemalloc`` for the scorers, resident memory for the build and
the loaders; Linux), at the ``--memory-sizes`` only: timing in forked children was tried first,
and their copy-on-write page faults on the parent's multi-GB heap tripled the 100k timings.
Results go to ``RESULTS.md`` (machine, versions, the command) and a log-log plot.

    python benchmarks/bench.py                       # 1k, 10k, 100k; build and score at 1k, 10k
    python benchmarks/bench.py --sizes 1000 --pipeline-sizes 1000 --output /tmp/R.md --plot /tmp/p.png
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import math
import os
import platform
import pstats
import shlex
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Callable

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # no network at run time
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("HF_DATASETS_DISABLE_PROGRESS_BARS", "1")

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

# every library is imported here, so that no measured step pays for an import
import datasets  # noqa: E402
from nervaluate import Evaluator  # noqa: E402
from seqeval.metrics import classification_report  # noqa: E402
from seqeval.scheme import IOB2  # noqa: E402

import end_to_end  # noqa: E402
import generate  # noqa: E402
from frnewsbench import build  # noqa: E402
from frnewsbench.corpus import read_dataset, write_atomic  # noqa: E402
from frnewsbench.predictions import write_predictions  # noqa: E402
from frnewsbench.schema import ENTITY_LABELS, LAYERS  # noqa: E402
from frnewsbench.scoring import evaluate, strict_entity_counts  # noqa: E402
from frnewsbench.tokenize import iob2_tags, tokenize  # noqa: E402

PACKAGES = ("frnewsbench", "seqeval", "nervaluate", "datasets", "pyarrow", "numpy", "scipy", "matplotlib")
NERVALUATE_SCHEMES = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}
SPEED_TARGET = 20.0  # harness strict entity scoring at least this many times faster than seqeval
E2E_TARGETS = {"over_parse": 10.0, "memory": 1.5}  # issue 15: the command against parsing its input, peak memory
LINEAR_SLOPE_LIMIT = 1.15  # a log-log slope up to this counts as linear growth
REPEAT_BELOW, RUNS = 2.0, 3  # steps shorter than 2 s: best of 3 runs
F1_TOLERANCE = 1e-12  # seqeval and nervaluate compute F1 as 2PR/(P+R): equal up to rounding


class BenchmarkError(RuntimeError):
    """A measured step failed, or the figures of the scorers differ."""


@dataclass(frozen=True)
class Measurement:
    """One step: wall and CPU seconds, peak memory in MB (NaN when not measured)."""

    step: str
    documents: int
    seconds: float
    cpu_seconds: float
    peak_mb: float
    spans: int | None = None
    runs: int = 1
    value: Any = field(default=None, compare=False, repr=False)

    @property
    def documents_per_second(self) -> float:
        return self.documents / self.cpu_seconds if self.cpu_seconds > 0 else math.inf

    @property
    def spans_per_second(self) -> float | None:
        return None if self.spans is None or self.cpu_seconds <= 0 else self.spans / self.cpu_seconds


# ---------------------------------------------------------------- measuring


def _memory() -> dict[str, int]:
    values = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) * 1024
    return values


def measure(step: str, documents: int, function: Callable[[], Any], *, spans: int | None = None,
            repeat: bool = True, memory: str | None = None) -> Measurement:
    """Run ``function`` here: wall and CPU time, and its value.

    A step whose CPU time is under :data:`REPEAT_BELOW` seconds runs up to :data:`RUNS` times;
    the shortest times (the least disturbed run) are kept. ``memory`` (``"heap"`` or ``"rss"``)
    runs the step once more in a forked child to measure its peak memory (see :func:`peak_memory`).
    """
    best = _measure_once(step, function)
    runs = 1
    while repeat and best.cpu_seconds < REPEAT_BELOW and runs < RUNS:
        again = _measure_once(step, function)
        runs += 1
        best = Measurement(step, documents, min(best.seconds, again.seconds), min(best.cpu_seconds, again.cpu_seconds),
                           math.nan, value=best.value)
    peak = math.nan if memory is None else peak_memory(step, function, memory)
    measurement = Measurement(step, documents, best.seconds, best.cpu_seconds, peak, spans, runs, best.value)
    shown = "" if math.isnan(peak) else f" {peak:9.1f} MB {memory}"
    print(f"  {step:<50} {documents:>7} docs {best.seconds:9.3f} s wall {best.cpu_seconds:9.3f} s CPU{shown}"
          f"{f' (best of {runs})' if runs > 1 else ''}", flush=True)
    return measurement


def _measure_once(step: str, function: Callable[[], Any]) -> Measurement:
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        value = function()
    except Exception as error:
        raise BenchmarkError(f"{step} failed: {type(error).__name__}: {error}") from error
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return Measurement(step, 0, wall, cpu, math.nan, value=value)


def peak_memory(step: str, function: Callable[[], Any], kind: str) -> float:
    """Peak memory of ``function`` in MB, run in a forked child so that nothing else counts.

    ``heap``: the peak of what Python and numpy allocate (``tracemalloc``, started in the
    child). ``rss``: the child's peak resident memory above its start (``VmHWM - VmRSS``),
    which also counts Arrow's buffers but not memory reused from the parent's free lists.
    """
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        peak = -1.0
        try:
            if kind == "heap":
                tracemalloc.start()
                function()
                peak = tracemalloc.get_traced_memory()[1] / 2**20
            else:
                start = _memory()["VmRSS"]
                function()
                peak = (_memory()["VmHWM"] - start) / 2**20
        finally:
            with os.fdopen(write, "w", encoding="ascii") as out:
                out.write(repr(peak))
            os._exit(0)
    os.close(write)
    with os.fdopen(read, encoding="ascii") as incoming:
        text = incoming.read()
    os.waitpid(pid, 0)
    if not text or float(text) < 0:
        raise BenchmarkError(f"{step}: the memory run failed in the child process (rerun the step alone to see why)")
    return float(text)


# ---------------------------------------------------------------- the scorers


def harness_layer(documents, predictions, layer: str) -> dict:
    result = evaluate(gold=documents, predictions=predictions, layers=[layer], token_view=False, records=False).layers[layer]
    summary = {"counts": result.counts.to_dict(), "headline": result.headline.value}
    if layer == "entities":
        summary["strict_by_label"] = {label: counts.strict for label, counts in result.by_label.items()}
        summary["schemes"] = {scheme: result.counts.scheme(scheme) for scheme in NERVALUATE_SCHEMES}
    return summary


def harness_strict(documents, predictions) -> dict:
    return strict_entity_counts(gold=[d.entities for d in documents],
                                predicted=[predictions[d.id].entities for d in documents])


def iob2_inputs(documents, predictions) -> tuple[list[list[str]], list[list[str]]]:
    """One IOB2 tag sequence per document and side, on ``frnewsbench.tokenize`` tokens."""
    gold_tags, predicted_tags = [], []
    for document in documents:
        tokens = tokenize(document.text)
        gold_tags.append(iob2_tags(tokens, [(e.start, e.end, e.label) for e in document.entities], where=document.id))
        predicted_tags.append(iob2_tags(tokens, [(e.start, e.end, e.label) for e in predictions[document.id].entities],
                                        where=document.id))
    return gold_tags, predicted_tags


def seqeval_strict(gold_tags, predicted_tags) -> dict:
    return classification_report(gold_tags, predicted_tags, mode="strict", scheme=IOB2, output_dict=True, zero_division=0)


def nervaluate_inputs(documents, predictions) -> tuple[list[list[dict]], list[list[dict]]]:
    """Character spans with nervaluate's inclusive ``end`` (our half-open end minus one)."""
    def spans(entities) -> list[dict]:
        return [{"label": e.label, "start": e.start, "end": e.end - 1} for e in entities]

    return [spans(d.entities) for d in documents], [spans(predictions[d.id].entities) for d in documents]


def nervaluate_all(gold_spans, predicted_spans) -> dict:
    results = Evaluator(gold_spans, predicted_spans, tags=list(ENTITY_LABELS), loader="dict").evaluate()
    keys = ("correct", "incorrect", "partial", "missed", "spurious", "precision", "recall", "f1")
    return {
        "overall": {scheme: {key: getattr(result, key) for key in keys} for scheme, result in results["overall"].items()},
        "by_label": {label: {key: getattr(by_scheme["strict"], key) for key in keys}
                     for label, by_scheme in results["entities"].items()},
    }


# ---------------------------------------------------------------- comparing the figures


def _same(a: float | None, b: float, *, tolerance: float = 0.0) -> bool:
    a = 0.0 if a is None else a  # seqeval and nervaluate report 0 where the harness says None
    return a == b if tolerance == 0 else abs(a - b) <= tolerance


def compare(size: int, harness: dict, strict_fast: dict, seqeval_report: dict, nervaluate_result: dict,
            ledger: generate.Ledger) -> list[str]:
    """Every difference between the scorers' strict figures (empty when identical)."""
    problems = []
    layer_strict = harness["strict_by_label"]
    labels = sorted(set(layer_strict) | set(strict_fast) | {k for k in seqeval_report if k in ENTITY_LABELS})
    for label in labels:
        fast, slow = strict_fast.get(label), layer_strict.get(label)
        if fast != slow:
            problems.append(f"{size}: {label}: strict_entity_counts {fast} != evaluate {slow}")
    total_tp = sum(c.tp for c in strict_fast.values())
    total_fp = sum(c.fp for c in strict_fast.values())
    total_fn = sum(c.fn for c in strict_fast.values())
    expected = (ledger.get("entities", "right"),
                ledger.get("entities", "label") + ledger.get("entities", "shift") + ledger.get("entities", "spurious"),
                ledger.get("entities", "drop") + ledger.get("entities", "label") + ledger.get("entities", "shift"))
    if (total_tp, total_fp, total_fn) != expected:
        problems.append(f"{size}: harness TP/FP/FN {(total_tp, total_fp, total_fn)} != injected errors {expected}")
    micro_p = total_tp / (total_tp + total_fp) if total_tp + total_fp else 0.0
    micro_r = total_tp / (total_tp + total_fn) if total_tp + total_fn else 0.0
    micro_f = 2 * total_tp / (2 * total_tp + total_fp + total_fn) if total_tp + total_fp + total_fn else 0.0
    rows = [("micro", (micro_p, micro_r, micro_f, total_tp + total_fn), seqeval_report["micro avg"],
             nervaluate_result["overall"]["strict"])]
    for label in labels:
        counts = strict_fast[label]
        rows.append((label, (counts.precision, counts.recall, counts.f1, counts.gold),
                     seqeval_report.get(label, {"precision": 0.0, "recall": 0.0, "f1-score": 0.0, "support": 0}),
                     nervaluate_result["by_label"].get(label)))
    for label, (p, r, f, support), seq, ner in rows:
        if not (_same(p, seq["precision"]) and _same(r, seq["recall"]) and _same(f, seq["f1-score"], tolerance=F1_TOLERANCE)
                and support == seq["support"]):
            problems.append(f"{size}: {label}: harness P/R/F1/gold {(p, r, f, support)} != seqeval "
                            f"{(seq['precision'], seq['recall'], seq['f1-score'], seq['support'])}")
        if ner is None or not (_same(p, ner["precision"]) and _same(r, ner["recall"])
                               and _same(f, ner["f1"], tolerance=F1_TOLERANCE)):
            problems.append(f"{size}: {label}: harness P/R/F1 {(p, r, f)} != nervaluate strict "
                            f"{None if ner is None else (ner['precision'], ner['recall'], ner['f1'])}")
    for scheme, theirs in NERVALUATE_SCHEMES.items():
        ours = harness["schemes"][scheme]
        other = nervaluate_result["overall"][theirs]
        mine = (ours.correct, ours.incorrect, ours.partial, ours.missed, ours.spurious)
        their_counts = tuple(other[key] for key in ("correct", "incorrect", "partial", "missed", "spurious"))
        if mine != their_counts:
            problems.append(f"{size}: SemEval {scheme}: harness COR/INC/PAR/MIS/SPU {mine} != nervaluate {theirs} {their_counts}")
    return problems


# ---------------------------------------------------------------- the pipeline: build, load, score


def load_documents_config(dataset: Path, cache: Path) -> int:
    loaded = datasets.load_dataset(str(dataset), "documents", split="test", cache_dir=str(cache))
    return loaded.num_rows


def run_command(step: str, documents: int, arguments: list[str]) -> Measurement:
    """Run a command: wall time and its peak resident memory (whole process, ``ru_maxrss``)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(arguments, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode != 0:
        raise BenchmarkError(f"{shlex.join(arguments)} exited with {process.returncode}:\n{stderr[-3000:]}")
    cpu = usage.ru_utime + usage.ru_stime
    measurement = Measurement(step, documents, seconds, cpu, usage.ru_maxrss / 1024, value=stdout)
    print(f"  {step:<50} {documents:>7} docs {seconds:9.3f} s wall {cpu:9.3f} s CPU {measurement.peak_mb:9.1f} MB"
          " (whole process)", flush=True)
    return measurement


def profile(function: Callable[[], Any], top: int = 12, order: str = "tottime") -> str:
    """cProfile's top functions by ``order`` (own time, or ``cumtime``), as text."""
    profiler = cProfile.Profile()
    profiler.runcall(function)
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats(order).print_stats(top)
    lines = text.getvalue().splitlines()
    first = next(index for index, line in enumerate(lines) if "function calls" in line)
    prefixes = sorted({str(Path.cwd()) + "/", sys.prefix + "/", sys.base_prefix + "/"}, key=len, reverse=True)

    def short(line: str) -> str:
        for prefix in prefixes:
            line = line.replace(prefix, "")
        return line

    return "\n".join(short(line) for line in lines[first:] if line.strip())


# ---------------------------------------------------------------- one corpus size


@dataclass
class SizeRun:
    size: int
    figures: dict
    ledger: generate.Ledger
    measurements: list[Measurement]
    problems: list[str]
    micro: dict[str, tuple[float, float, float]]
    load: list[float]
    profiles: dict[str, str] = field(default_factory=dict)
    command_profile: str | None = None

    def seconds(self, step: str) -> float | None:
        """The CPU seconds of ``step`` (what ratios and growth are computed from)."""
        return next((m.cpu_seconds for m in self.measurements if m.step == step), None)


HARNESS = {layer: f"harness: {layer} layer (evaluate)" for layer in LAYERS}
STRICT = "harness: strict entity counts"
SEQEVAL = "seqeval strict IOB2 (tags given)"
NERVALUATE = "nervaluate, 4 schemes (spans given)"
TAGS = "seqeval input: IOB2 tags (frnewsbench.tokenize)"


def bench_size(size: int, *, seed: int, pipeline: bool, profile_layers: bool, profile_command: bool,
               with_memory: bool, workdir: Path) -> SizeRun:
    print(f"\n{size} documents", flush=True)
    heap = "heap" if with_memory else None
    measurements: list[Measurement] = []
    load = [os.getloadavg()[0]]
    step = measure("generate gold documents", size, lambda: generate.generate_corpus(size, seed=seed), repeat=False)
    measurements.append(step)
    documents = step.value
    step = measure("generate predictions", size, lambda: generate.generate_predictions(documents, seed=seed), repeat=False)
    measurements.append(step)
    predictions, ledger = step.value
    figures = generate.corpus_figures(documents)
    spans = {layer: sum(len(getattr(d, layer)) + len(getattr(predictions[d.id], layer)) for d in documents) for layer in LAYERS}
    figures["predicted"] = {layer: spans[layer] - figures[layer] for layer in LAYERS}
    gc.collect()
    gc.freeze()  # the inputs are not the measured code's garbage: keep the collector off them

    harness = {}
    for layer in LAYERS:
        result = measure(HARNESS[layer], size, lambda layer=layer: harness_layer(documents, predictions, layer), spans=spans[layer],
                         memory=heap)
        measurements.append(result)
        harness[layer] = result.value
    strict = measure(STRICT, size, lambda: harness_strict(documents, predictions), spans=spans["entities"], memory=heap)
    measurements.append(strict)

    step = measure(TAGS, size, lambda: iob2_inputs(documents, predictions), repeat=False)
    measurements.append(step)
    gold_tags, predicted_tags = step.value
    figures["tokens"] = sum(map(len, gold_tags))
    gc.freeze()
    seqeval_result = measure(SEQEVAL, size, lambda: seqeval_strict(gold_tags, predicted_tags), spans=spans["entities"],
                             memory=heap)
    measurements.append(seqeval_result)
    del gold_tags, predicted_tags

    step = measure("nervaluate input: span dicts", size, lambda: nervaluate_inputs(documents, predictions), repeat=False)
    measurements.append(step)
    gold_spans, predicted_spans = step.value
    gc.freeze()
    nervaluate_result = measure(NERVALUATE, size, lambda: nervaluate_all(gold_spans, predicted_spans),
                                spans=spans["entities"], memory=heap)
    measurements.append(nervaluate_result)
    del gold_spans, predicted_spans

    problems = compare(size, harness["entities"], strict.value, seqeval_result.value, nervaluate_result.value, ledger)
    counts = strict.value
    tp, fp, fn = (sum(getattr(c, key) for c in counts.values()) for key in ("tp", "fp", "fn"))
    micro = {
        "harness": (tp / (tp + fp), tp / (tp + fn), 2 * tp / (2 * tp + fp + fn)),
        "seqeval": tuple(seqeval_result.value["micro avg"][key] for key in ("precision", "recall", "f1-score")),
        "nervaluate": tuple(nervaluate_result.value["overall"]["strict"][key] for key in ("precision", "recall", "f1")),
    }
    run = SizeRun(size, figures, ledger, measurements, problems, micro, load)
    if profile_layers:
        for layer in ("entities", "quotes"):
            print(f"  profiling the {layer} layer", flush=True)
            run.profiles[layer] = measure(f"profile {layer}", size,
                                          lambda layer=layer: profile(lambda: harness_layer(documents, predictions, layer)),
                                          repeat=False).value
    if pipeline:
        run_pipeline(run, documents, predictions, harness["entities"], workdir / f"n{size}", profile_command,
                     "rss" if with_memory else None)
    gc.unfreeze()
    run.load.append(os.getloadavg()[0])
    return run


def run_pipeline(run: SizeRun, documents, predictions, harness_entities: dict, folder: Path, profile_command: bool,
                 rss: str | None) -> None:
    """Write the corpus as annotation files, build it, load it, score it with the command."""
    size = run.size
    annotations, dataset, cache = folder / "annotations", folder / "dataset", folder / "hf-cache"
    predictions_file, result_file = folder / "predictions.jsonl", folder / "result.json"
    run.measurements.append(measure("write annotation files and predictions", size, lambda: (
        generate.write_corpus(documents, annotations), write_predictions(predictions_file, predictions.values())),
        repeat=False))
    run.measurements.append(measure("frnewsbench build", size, lambda: len(build.build(annotations, dataset, datasheet=None)),
                                    memory=rss))
    caches = iter(range(1, 1000))
    run.measurements.append(measure("datasets.load_dataset, cold cache", size,
                                    lambda: load_documents_config(dataset, cache / f"cold-{next(caches)}"), memory=rss))
    load_documents_config(dataset, cache / "warm")  # fills the cache the warm loads read
    run.measurements.append(measure("datasets.load_dataset, warm cache", size, lambda: load_documents_config(dataset, cache / "warm"),
                                    memory=rss))
    run.measurements.append(measure("frnewsbench.corpus.read_dataset", size, lambda: len(read_dataset(dataset)), memory=rss))
    command = [sys.executable, "-m", "frnewsbench.cli", "score", "--predictions", str(predictions_file),
               "--gold", str(annotations), "--output", str(result_file)]
    run.measurements.append(run_command("frnewsbench score (command, end to end)", size, command))
    strict = json.loads(result_file.read_text(encoding="utf-8"))["evaluation"]["layers"]["entities"]["counts"]["strict"]
    ours = harness_entities["counts"]["strict"]
    if (strict["tp"], strict["fp"], strict["fn"]) != (ours["tp"], ours["fp"], ours["fn"]):
        run.problems.append(f"{size}: the score command's strict TP/FP/FN {strict} != evaluate's {ours}")
    if profile_command:
        print("  profiling frnewsbench.api.score (what the command runs)", flush=True)
        from frnewsbench.api import score

        run.command_profile = measure("profile score", size, lambda: profile(
            lambda: score(predictions=predictions_file, gold=annotations, output=folder / "profiled.json"),
            top=25, order="cumtime"), repeat=False).value


# ---------------------------------------------------------------- the report


def machine() -> dict[str, str]:
    cpu = platform.processor() or "unknown"
    memory = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"CPU": cpu, "cores available": str(cores), "memory": memory,
            "Python": f"{platform.python_implementation()} {platform.python_version()}", "OS": platform.platform()}


def versions() -> dict[str, str]:
    found = {}
    for package in PACKAGES:
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "not installed"
    return found


def git_revision() -> str:
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + (" with uncommitted changes" if dirty else "")


def slope(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of log(seconds) against log(documents): 1 is linear growth."""
    points = [(n, s) for n, s in points if s and s > 0]
    if len(points) < 2:
        return None
    xs, ys = [math.log(n) for n, _ in points], [math.log(s) for _, s in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def _number(value: float | None, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:,.{digits}f}"


def _row(cells) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def render(runs: list[SizeRun], *, command: str, plot: Path | None, output: Path, seed: int, seconds: float,
           revision: str, e2e: list[str] = ()) -> str:
    largest = runs[-1]
    lines = [
        "# Benchmark: the harness against seqeval and nervaluate",
        "",
        f"Written by `benchmarks/bench.py` in {seconds / 60:.1f} minutes; do not edit by hand. Seed {seed}, "
        f"code at {revision}.",
        "",
        "```bash",
        command,
        "```",
        "",
        "## Machine and versions",
        "",
        _row(["", ""]), _row(["---", "---"]),
        *(_row([key, value]) for key, value in machine().items()),
        *(_row([f"`{package}`", value]) for package, value in versions().items()),
        "",
        *e2e,
        "## Micro-functions: the scorers' functions on in-memory data",
        "",
        "### Data",
        "",
        "Synthetic corpora from `benchmarks/generate.py` (seeded; the smaller corpora are the first documents of the "
        "larger ones). Span density against the real corpus (DATASHEET.md):",
        "",
        _row(["corpus", "documents", "characters", "tokens", "paragraphs", "entities (gold / predicted)",
              "time expressions", "quotes", "characters per entity / date / quote / paragraph"]),
        _row(["---"] * 9),
    ]
    real = generate.REAL_CORPUS
    lines.append(_row(["real gold", 5, f"{real['characters']:,}", "4,193", real["paragraphs"], real["entities"], real["dates"],
                       real["quotes"], " / ".join(f"{real['characters'] / real[key]:.0f}" for key in ("entities", "dates", "quotes", "paragraphs"))]))
    for run in runs:
        f = run.figures
        lines.append(_row([
            f"synthetic {run.size:,}", f"{f['documents']:,}", f"{f['characters']:,}", f"{f['tokens']:,}", f"{f['paragraphs']:,}",
            f"{f['entities']:,} / {f['predicted']['entities']:,}", f"{f['dates']:,} / {f['predicted']['dates']:,}",
            f"{f['quotes']:,} / {f['predicted']['quotes']:,}",
            " / ".join(f"{f[f'characters_per_{key}']:.0f}" for key in ("entity", "date", "quote", "paragraph")),
        ]))
    lines += ["", f"Errors injected into the predictions of the {largest.size:,}-document corpus (per gold item, at most one):", "",
              _row(["layer", *sorted({k for kinds in largest.ledger.counts.values() for k in kinds})]),
              _row(["---"] * (1 + len({k for kinds in largest.ledger.counts.values() for k in kinds})))]
    kinds = sorted({k for layer_kinds in largest.ledger.counts.values() for k in layer_kinds})
    for layer in LAYERS:
        lines.append(_row([layer, *(f"{largest.ledger.get(layer, kind):,}" for kind in kinds)]))

    lines += ["", "### Measurements", "",
              "Each step runs in the benchmark's process, after a garbage collection, with the inputs frozen out of the "
              "collector (`gc.freeze`). CPU time is the process's own (user + system); documents/s, spans/s, the speed "
              "ratios and the growth are computed from it, because the machine is shared (the 1-minute load average "
              f"is given per size). Steps under {REPEAT_BELOW:g} CPU seconds: best of {RUNS} runs. Peak memory, at "
              "the sizes where it was measured, comes from one more run of the step in a forked child: for the "
              "scorers, the peak of Python and numpy allocations (`tracemalloc`); for the build and the loaders, the "
              "peak resident memory above the child's start (it counts Arrow's buffers); for the command, the whole "
              "process's peak. Spans: gold plus predicted items of the layer. The inputs of seqeval (IOB2 tags) and "
              "nervaluate (span dicts) are built before their timed step, on their own line.", "",
              _row(["documents", "load average (start, end)"]), _row(["---"] * 2),
              *(_row([f"{run.size:,}", ", ".join(f"{value:.2f}" for value in run.load)]) for run in runs), ""]
    lines += [_row(["documents", "step", "wall s", "CPU s", "documents/s", "spans/s", "peak MB", "runs"]), _row(["---"] * 8)]
    for run in runs:
        for m in run.measurements:
            if m.step.startswith("profile"):
                continue
            lines.append(_row([f"{run.size:,}", m.step, _number(m.seconds, 3), _number(m.cpu_seconds, 3),
                               _number(m.documents_per_second, 0), _number(m.spans_per_second, 0), _number(m.peak_mb, 1),
                               m.runs]))

    lines += ["", "### Speed ratios", "",
              "How many times faster the harness is (reference CPU time / harness CPU time), on the same data. *Strict* is the "
              "harness's strict entity counts (the figure seqeval computes); *layer* is the whole entity layer of "
              "`evaluate` (strict, the four SemEval schemes with optimal matching, error records and the 1,000-sample "
              "bootstrap), the work nervaluate's four schemes do.", "",
              _row(["documents", "seqeval / harness strict", "nervaluate / harness strict", "seqeval / harness layer",
                    "nervaluate / harness layer"]), _row(["---"] * 5)]
    for run in runs:
        strict, layer = run.seconds(STRICT), run.seconds(HARNESS["entities"])
        lines.append(_row([f"{run.size:,}", *(_number(run.seconds(ref) / own, 1) + "x"
                                                for own in (strict, layer) for ref in (SEQEVAL, NERVALUATE))]))
    ratio = largest.seconds(SEQEVAL) / largest.seconds(STRICT)
    lines += ["", f"Target: the harness's strict entity scoring at least {SPEED_TARGET:.0f}x faster than seqeval strict on "
              f"the {largest.size:,}-document corpus: **{'met' if ratio >= SPEED_TARGET else 'NOT met'}** ({ratio:.1f}x)."]

    lines += ["", "### Identical figures", "",
              "Strict micro P / R / F1 of the entities. The run stops with an error if any figure differs: P and R must be "
              f"bit-identical, F1 equal within {F1_TOLERANCE:g} (seqeval and nervaluate compute 2PR/(P+R), the harness "
              "2TP/(2TP+FP+FN)), per label too; the harness's SemEval strict/exact/partial/type counts must equal "
              "nervaluate's COR/INC/PAR/MIS/SPU; its TP/FP/FN must equal what the generator injected; the `score` "
              "command must give the in-process counts.", "",
              _row(["documents", "harness", "seqeval (strict, IOB2)", "nervaluate (strict)", "identical"]), _row(["---"] * 5)]
    for run in runs:
        cells = [" / ".join(f"{value:.6f}" for value in run.micro[name]) for name in ("harness", "seqeval", "nervaluate")]
        lines.append(_row([f"{run.size:,}", *cells, "yes" if not run.problems else "**NO**"]))
    problems = [problem for run in runs for problem in run.problems]
    if problems:
        lines += ["", "Differences:", "", *(f"- {problem}" for problem in problems)]

    lines += ["", "### Growth", "",
              f"Slope of log(CPU time) against log(documents), least squares over the sizes run: 1 is linear growth "
              f"(counted as linear up to {LINEAR_SLOPE_LIMIT}). CPU microseconds per document at each size.", ""]
    sizes = [run.size for run in runs]
    lines += [_row(["step", *(f"µs/doc at {n:,}" for n in sizes), "slope", "linear"]), _row(["---"] * (len(sizes) + 3))]
    for name in _growth_steps(runs):
        points = [(run.size, run.seconds(name)) for run in runs]
        value = slope(points)
        lines.append(_row([name, *(_number(s / n * 1e6, 1) if s else "-" for n, s in points), _number(value, 2),
                           "-" if value is None else ("yes" if value <= LINEAR_SLOPE_LIMIT else "**no**")]))
    if plot is not None:
        lines += ["", f"![time against corpus size]({os.path.relpath(plot, output.parent)})"]

    profiled = [run for run in runs if run.profiles]
    if profiled:
        run = profiled[-1]
        lines += ["", "### Where the harness's time goes", "",
                  f"cProfile of `evaluate` on the {run.size:,}-document corpus, one layer at a time, top functions by own "
                  "time (the profiler slows everything down; compare shares, not seconds)."]
        for layer, text in run.profiles.items():
            lines += ["", f"#### {layer}", "", "```text", text, "```"]
    for run in runs:
        if run.command_profile:
            lines += ["", f"#### the `score` command, {run.size:,} documents", "",
                      "cProfile of `frnewsbench.api.score` (what `frnewsbench score` runs: read and check the gold and the "
                      "predictions, evaluate every layer with the token view, write the result JSON), by cumulative time.",
                      "", "```text", run.command_profile, "```"]
    return "\n".join(lines) + "\n"


def _growth_steps(runs: list[SizeRun]) -> list[str]:
    names = []
    for run in runs:
        for m in run.measurements:
            if m.step not in names and not m.step.startswith("profile"):
                names.append(m.step)
    return [name for name in names if sum(run.seconds(name) is not None for run in runs) >= 2]


def draw(runs: list[SizeRun], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(9, 6), dpi=110)
    shown = [HARNESS["entities"], HARNESS["dates"], HARNESS["quotes"], STRICT, SEQEVAL, NERVALUATE,
             TAGS, "frnewsbench build", "datasets.load_dataset, cold cache",
             "datasets.load_dataset, warm cache", "frnewsbench score (command, end to end)"]
    colours = plt.get_cmap("tab20").colors
    for number, name in enumerate(shown):
        points = [(run.size, run.seconds(name)) for run in runs if run.seconds(name)]
        if len(points) >= 2:
            style = "-" if name.startswith("harness") else "--" if name in (SEQEVAL, NERVALUATE) else "-."
            axes.plot([n for n, _ in points], [s for _, s in points], style, marker="o", label=name,
                      color=colours[(2 * number) % 20 + (number >= 10)])
    first = runs[0]
    reference = first.seconds(STRICT)
    if reference:
        xs = [run.size for run in runs]
        axes.plot(xs, [reference * n / first.size for n in xs], ":", color="grey", label="linear growth (slope 1)")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("documents")
    axes.set_ylabel("CPU seconds")
    axes.set_title("frnewsbench harness vs seqeval and nervaluate: time against corpus size")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=7, loc="upper left")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    write_atomic(path, buffer.getvalue())


# ---------------------------------------------------------------- main


def compile_package() -> None:
    """The package's bytecode written first, as installing a wheel writes it: an editable
    install under ``PYTHONDONTWRITEBYTECODE`` (set on some machines) would compile every module
    again in each measured command (about 60 ms of its start)."""
    import compileall

    import frnewsbench

    compileall.compile_dir(str(Path(frnewsbench.__file__).parent), quiet=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], help="corpus sizes of the micro-functions")
    parser.add_argument("--pipeline-sizes", type=int, nargs="*", default=[1000],
                        help="sizes at which to also run build, load_dataset and the score command")
    parser.add_argument("--profile-size", type=int, default=10000, help="size at which to profile the harness (0: none)")
    parser.add_argument("--profile-command-size", type=int, default=1000,
                        help="pipeline size at which to profile what the score command runs (0: none)")
    parser.add_argument("--memory-sizes", type=int, nargs="*", default=[1000, 10000],
                        help="sizes at which to measure peak memory (one more run of each step)")
    parser.add_argument("--e2e-sizes", type=int, nargs="*", default=[500, 5000, 50000],
                        help="sizes at which to run the score command end to end, against parsing its input, "
                             "seqeval and nervaluate (each in its own process)")
    parser.add_argument("--e2e-corpora", nargs="*", default=list(end_to_end.CORPORA), choices=list(end_to_end.CORPORA),
                        help="corpora of the end-to-end runs")
    parser.add_argument("--e2e-real-max", type=int, default=50000,
                        help="largest size of the real-copies corpus end to end (its texts are 6x longer)")
    parser.add_argument("--e2e-profile", default="real copies:5000",
                        help="CORPUS:SIZE whose score command is profiled (pyinstrument), '' for none")
    parser.add_argument("--e2e-records-sizes", type=int, nargs="*", default=[5000],
                        help="end-to-end sizes at which to also write the match records (Parquet and JSON Lines) and "
                             "render the error analysis from them with `report`")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--plot", type=Path, default=HERE / "scaling.png")
    parser.add_argument("--workdir", type=Path, help="where to write the corpora (default: a temporary folder, removed)")
    args = parser.parse_args(argv)
    sizes = sorted(set(args.sizes))
    if any(size < 1 for size in sizes) or any(size not in sizes for size in args.pipeline_sizes):
        parser.error("--sizes must be positive and include every --pipeline-sizes value")
    command = shlex.join([sys.executable, *sys.argv]) if argv is None else shlex.join(["bench.py", *argv])
    started = time.perf_counter()
    revision = git_revision()  # before the run writes its own RESULTS.md and plot
    compile_package()
    with tempfile.TemporaryDirectory(prefix="frnewsbench-bench-") as temporary:
        workdir = args.workdir or Path(temporary)
        runs = []
        e2e: list[end_to_end.EndToEnd] = []
        records: list[end_to_end.RecordsRun] = []
        e2e_profile = None
        try:
            for corpus in args.e2e_corpora:
                for size in sorted(set(args.e2e_sizes)):
                    if corpus == "real copies" and size > args.e2e_real_max:
                        continue
                    e2e.append(end_to_end.measure(corpus, size, workdir, seed=args.seed))
                    if size in args.e2e_records_sizes:
                        records += end_to_end.measure_records(corpus, size, workdir)
                    if args.e2e_profile == f"{corpus}:{size}":
                        folder = workdir / f"{corpus.replace(' ', '-')}-{size}"
                        print("  profiling the score command (pyinstrument)", flush=True)
                        e2e_profile = end_to_end.profile_score(folder / "dataset", folder / "predictions.jsonl",
                                                               folder / "profiled.json")
            for size in sizes:
                runs.append(bench_size(size, seed=args.seed, pipeline=size in args.pipeline_sizes,
                                       profile_layers=size == args.profile_size,
                                       profile_command=size == args.profile_command_size,
                                       with_memory=size in args.memory_sizes, workdir=workdir))
        except BenchmarkError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    if args.plot is not None:
        draw(runs, args.plot)
    report = render(runs, command=command, plot=args.plot, output=args.output, seed=args.seed,
                    seconds=time.perf_counter() - started, revision=revision,
                    e2e=end_to_end.render_section(e2e, profile=e2e_profile, profile_of=args.e2e_profile,
                                                  targets=E2E_TARGETS, records=records) if e2e else [])
    write_atomic(args.output, report)
    print(f"\nwrote {args.output}" + (f" and {args.plot}" if args.plot else ""))
    for run in runs:
        strict = run.seconds(STRICT)
        layer = run.seconds(HARNESS["entities"])
        print(f"{run.size:>7} docs: harness/seqeval {run.seconds(SEQEVAL) / strict:.1f}x (strict), "
              f"{run.seconds(SEQEVAL) / layer:.1f}x (layer); harness/nervaluate {run.seconds(NERVALUATE) / strict:.1f}x "
              f"(strict), {run.seconds(NERVALUATE) / layer:.1f}x (layer)")
    problems = [problem for run in runs for problem in run.problems]
    if problems:
        print("error: the scorers' figures differ:\n" + "\n".join(f"  - {p}" for p in problems), file=sys.stderr)
        return 1
    print("strict entity figures identical across the harness, seqeval and nervaluate at every size")
    return 0


if __name__ == "__main__":
    sys.exit(main())
