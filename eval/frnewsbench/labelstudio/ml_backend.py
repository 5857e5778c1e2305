"""A Label Studio ML backend that pre-annotates each task with a system's predictions.

Label Studio's ML backend protocol (what ``label_studio/ml/api_connector.py`` sends):

| request | body | answer |
|---|---|---|
| ``GET /health`` (and ``GET /``) | | ``{"status": "UP", "model_version": ...}`` |
| ``GET /versions`` | | ``{"versions": [model_version]}`` (the one version served) |
| ``POST /setup`` | ``{"project", "schema": label config, ...}`` | ``{"model_version": ...}`` |
| ``POST /predict`` | ``{"tasks": [{"id", "data": {...}}, ...], "label_config", ...}`` | ``{"results": [{"result", "model_version", "score"}, ...], "model_version"}`` |
| ``POST /webhook`` | an annotation event | ``{}`` (no training: events are acknowledged and ignored) |

One result per task, in the order of the tasks. Each result is the system's output converted by
:func:`frnewsbench.labelstudio.convert.prediction_to_ls`, the converter ``labelstudio push`` uses, so a
prediction served live and one pushed are the same items with the same code-point offsets. A
task is read back into a :class:`~frnewsbench.schema.Document` from its ``data`` (written by
:func:`~frnewsbench.labelstudio.convert.task_data`): ``text`` and ``dct`` are required. A task
or a labeling config the backend cannot serve is answered with HTTP 400 and a message saying
which task and what to fix; an extractor's failure with HTTP 500. Label Studio shows no
prediction then and logs the message.

The server is the standard library's threading HTTP server; predictions run one at a time (a
lock), so extractors need not be thread-safe.
"""

from __future__ import annotations

import json
import sys
import threading
import traceback
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Mapping, Sequence

from ..extractors.base import extractor_versions
from ..jsonread import json_type
from ..schema import Document, sha256_text
from ..validate import is_iso_date
from . import label_config
from .convert import model_version as versioned_name
from .convert import prediction_to_ls

MAX_BODY_BYTES = 64 * 1024 * 1024


class BackendError(ValueError):
    """A request the backend cannot serve; ``status`` is the HTTP status answered."""

    def __init__(self, message: str, status: HTTPStatus = HTTPStatus.BAD_REQUEST):
        super().__init__(message)
        self.status = status


def task_document(task: Any) -> Document:
    """The document a Label Studio task shows (its ``data``), without layers."""
    if not isinstance(task, Mapping) or not isinstance(task.get("data"), Mapping):
        raise BackendError(f"expected a task object with a data object; found {str(task)[:120]!r}")
    task_id, data = task.get("id"), task["data"]
    where = f"task {task_id}"
    text = data.get("text")
    if not isinstance(text, str) or not text:
        raise BackendError(f"{where}: expected data.text, the article's text; found {text!r}. "
                           "Fix: import the tasks with `frnewsbench labelstudio push`")
    dct = data.get("dct")
    if not isinstance(dct, str) or not is_iso_date(dct):
        raise BackendError(f"{where}: expected data.dct, the document creation date YYYY-MM-DD (time expressions "
                           f"are resolved against it); found {dct!r}. Fix: import the tasks with "
                           "`frnewsbench labelstudio push`, which sets it")
    doc_id = data.get("doc_id")
    if not isinstance(doc_id, str) or not doc_id:
        doc_id = f"task-{task_id}"

    def optional(key: str) -> str | None:
        value = data.get(key)
        return value if isinstance(value, str) else None

    return Document(id=doc_id, title=optional("title"), text=text, language=optional("language") or "fr",
                    source=optional("source"), dct=dct, dct_evidence=optional("dct_evidence") or "",
                    seed_file=optional("seed_file") or "", text_sha256=sha256_text(text))


@dataclass
class PredictionService:
    """Runs one extractor over tasks and answers in Label Studio's prediction format."""

    extractor: Any
    """An :class:`~frnewsbench.extractors.base.Extractor`."""

    def __post_init__(self) -> None:
        self.model_version = versioned_name(self.extractor.name, extractor_versions(self.extractor))
        self._lock = threading.Lock()

    def check_config(self, config: Any) -> None:
        """Predictions are drawn with frnewsbench's labeling config: refuse a project with another one."""
        if config is None:
            return
        if not isinstance(config, str) or config.strip() != label_config().strip():
            raise BackendError("the project's labeling config is not frnewsbench's (frnewsbench/labelstudio/config.xml): "
                               "its regions could not show these predictions. Fix: connect the backend to a project "
                               "created by `frnewsbench labelstudio push`, or replace the config with "
                               "`frnewsbench labelstudio push --update-config`")

    def predict(self, tasks: Sequence[Any]) -> list[dict[str, Any]]:
        """One ``{"result", "model_version", "score"}`` per task, in order."""
        from ..api import predict
        from ..extractors.errors import ExtractorError
        from ..predictions import PredictionsError

        if not isinstance(tasks, list) or not tasks:
            raise BackendError(f"expected a non-empty list of tasks; found {str(tasks)[:120]!r}")
        documents = [task_document(task) for task in tasks]
        ids = [document.id for document in documents]
        if len(set(ids)) != len(ids):  # two tasks of one article: run it once per task
            return [item for task in tasks for item in self.predict([task])]
        with self._lock:
            try:
                outputs = predict(self.extractor, documents)
            except (ExtractorError, PredictionsError) as error:
                raise BackendError(str(error), HTTPStatus.INTERNAL_SERVER_ERROR) from None
        missing = [document.id for document in documents if document.id not in outputs]
        if missing:
            raise BackendError(f"{self.extractor.name} returned no prediction for {', '.join(map(repr, missing))}: "
                               "expected one per document given (an empty prediction when nothing is found)",
                               HTTPStatus.INTERNAL_SERVER_ERROR)
        results = []
        for document in documents:
            prediction = prediction_to_ls(document, outputs[document.id], model_version=self.model_version)
            results.append({**prediction, "score": None})
        return results


class _Handler(BaseHTTPRequestHandler):
    server: "ModelServer"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # one line per request, on the server's log
        self.server.log(f"{self.address_string()} {format % args}")

    def _answer(self, status: HTTPStatus, body: Any) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _fail(self, error: BackendError) -> None:
        self.server.log(f"error {int(error.status)} on {self.path}: {error}")
        self._answer(error.status, {"error": str(error)})

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        service = self.server.service
        route = self.path.split("?")[0]
        if route in ("/", "/health"):
            self._answer(HTTPStatus.OK, {"status": "UP", "model_class": "frnewsbench",
                                         "model_version": service.model_version})
        elif route == "/versions":
            self._answer(HTTPStatus.OK, {"versions": [service.model_version]})
        else:
            self._answer(HTTPStatus.NOT_FOUND, {"error": f"no GET {self.path}; this backend answers /health and /versions"})

    def do_POST(self) -> None:  # noqa: N802
        service = self.server.service
        try:
            body = self._body()
            route = self.path.split("?")[0]
            if route == "/setup":
                service.check_config(body.get("schema"))
                self._answer(HTTPStatus.OK, {"model_version": service.model_version})
            elif route == "/predict":
                service.check_config(body.get("label_config"))
                results = service.predict(body.get("tasks"))
                self._answer(HTTPStatus.OK, {"results": results, "model_version": service.model_version})
            elif route == "/webhook":
                self._answer(HTTPStatus.OK, {})
            else:
                raise BackendError(f"no POST {self.path}; this backend answers /setup, /predict and /webhook",
                                   HTTPStatus.NOT_FOUND)
        except BackendError as error:
            self._fail(error)
        except Exception as error:  # a bug here: answer it rather than drop the connection Label Studio waits on
            self.server.log(traceback.format_exc())
            self._fail(BackendError(f"the backend failed on {self.path}: {type(error).__name__}: {error}",
                                    HTTPStatus.INTERNAL_SERVER_ERROR))

    def _body(self) -> dict[str, Any]:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY_BYTES:
            raise BackendError(f"expected a Content-Length between 0 and {MAX_BODY_BYTES}; "
                               f"found {self.headers.get('Content-Length')!r}")
        raw = self.rfile.read(length) if length else b"{}"
        try:
            body = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise BackendError(f"expected a JSON body; found invalid JSON ({error})") from None
        if not isinstance(body, dict):
            raise BackendError(f"expected a JSON object; found {json_type(body)}")
        return body


class ModelServer(ThreadingHTTPServer):
    """An HTTP server answering Label Studio's ML backend requests with ``service``."""

    daemon_threads = True

    def __init__(self, service: PredictionService, host: str = "127.0.0.1", port: int = 9090, *, log=None):
        self.service = service
        self._log = log
        super().__init__((host, port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def log(self, line: str) -> None:
        if self._log is not None:
            self._log(line)


def serve(service: PredictionService, host: str = "127.0.0.1", port: int = 9090, *, log=None) -> ModelServer:
    """A bound (not yet serving) :class:`ModelServer`; call ``serve_forever()`` on it."""
    return ModelServer(service, host, port, log=log or (lambda line: print(line, file=sys.stderr, flush=True)))
