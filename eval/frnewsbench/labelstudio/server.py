"""Push tasks to and pull exports from a Label Studio server through ``label-studio-sdk``.

The server is given by a URL (``--url`` or ``LABEL_STUDIO_URL``, default
``http://localhost:8080``) and an access token read only from the environment
(``LABEL_STUDIO_API_KEY``: a legacy token or a personal access token, from the
"Account & Settings" page of Label Studio). The SDK is imported here only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Sequence

from ..jsonread import JSONReadError, loads
from . import label_config

ENV_URL = "LABEL_STUDIO_URL"
ENV_TOKEN = "LABEL_STUDIO_API_KEY"
DEFAULT_URL = "http://localhost:8080"


class ServerError(RuntimeError):
    """The server cannot be reached, refuses the token, or holds something unexpected."""


def _sdk():
    try:
        import httpx
        from label_studio_sdk import LabelStudio
        from label_studio_sdk.core.api_error import ApiError
    except ImportError:
        raise ServerError("label-studio-sdk is not installed: pip install 'frnewsbench[labelstudio]'") from None
    return LabelStudio, ApiError, httpx


@dataclass
class Connection:
    """An authenticated client for one server."""

    client: Any
    url: str

    def call(self, what: str, function, *args, **kwargs):
        """Run one SDK call, turning transport and API errors into :class:`ServerError`."""
        _, ApiError, httpx = _sdk()
        try:
            return function(*args, **kwargs)
        except httpx.HTTPError as error:
            raise ServerError(f"cannot reach Label Studio at {self.url} ({what}): {error}. "
                              f"Start the server (label-studio start) or pass --url / set {ENV_URL}") from None
        except ApiError as error:
            if error.status_code in (401, 403):
                raise ServerError(f"Label Studio at {self.url} refused the token ({what}, HTTP {error.status_code}): "
                                  f"set {ENV_TOKEN} to your access token (Account & Settings in Label Studio)") from None
            raise ServerError(f"Label Studio at {self.url} answered HTTP {error.status_code} to {what}: "
                              f"{str(error.body)[:300]}") from None


def connect(url: str | None = None, *, token: str | None = None, timeout: float = 120) -> Connection:
    """Connect to the server at ``url`` (else ``$LABEL_STUDIO_URL``) with ``$LABEL_STUDIO_API_KEY``."""
    LabelStudio, _, _ = _sdk()
    url = (url or os.environ.get(ENV_URL) or DEFAULT_URL).rstrip("/")
    token = token if token is not None else os.environ.get(ENV_TOKEN)
    if not token:
        raise ServerError(f"no access token: set {ENV_TOKEN} to your Label Studio access token "
                          "(Account & Settings in Label Studio); it is never passed on the command line")
    connection = Connection(LabelStudio(base_url=url, api_key=token, timeout=timeout), url)
    connection.call("checking the token", connection.client.users.whoami)
    return connection


def find_project(connection: Connection, title: str) -> Any | None:
    """The project titled exactly ``title``, or ``None``."""
    projects = [p for p in connection.call("listing projects", connection.client.projects.list, title=title)
                if p.title == title]
    if len(projects) > 1:
        raise ServerError(f"{len(projects)} projects are titled {title!r} (ids {', '.join(str(p.id) for p in projects)}): "
                          "pass --project-id")
    return projects[0] if projects else None


def open_project(connection: Connection, *, title: str | None = None, project_id: int | None = None,
                 create: bool = False, update_config: bool = False) -> tuple[Any, bool]:
    """The project (by id or title) and whether it was created; its labeling config must be ours."""
    if project_id is not None:
        project = connection.call(f"reading project {project_id}", connection.client.projects.get, id=project_id)
    else:
        project = find_project(connection, title)
        if project is None:
            if not create:
                raise ServerError(f"no project titled {title!r} at {connection.url}: push the articles first")
            project = connection.call("creating the project", connection.client.projects.create,
                                      title=title, label_config=label_config())
            return project, True
        project = connection.call(f"reading project {project.id}", connection.client.projects.get, id=project.id)
    if (project.label_config or "").strip() != label_config().strip():
        if not update_config:
            raise ServerError(f"project {project.id} ({project.title!r}) has another labeling config than "
                              "frnewsbench/labelstudio/config.xml: pass --update-config to replace it, or use a new project")
        connection.call("updating the labeling config", connection.client.projects.update,
                        id=project.id, label_config=label_config())
    return project, False


def project_tasks(connection: Connection, project_id: int) -> dict[str, int]:
    """``doc_id`` -> task id of the project's tasks."""
    tasks = connection.call("listing tasks", lambda: list(connection.client.tasks.list(project=project_id)))
    found: dict[str, int] = {}
    for task in tasks:
        doc_id = (task.data or {}).get("doc_id")
        if isinstance(doc_id, str):
            found.setdefault(doc_id, task.id)
    return found


@dataclass(frozen=True)
class PushReport:
    project_id: int
    project_created: bool
    created: tuple[str, ...]
    """Documents imported as new tasks."""
    predictions_added: tuple[str, ...]
    """Documents already in the project that received predictions."""
    unchanged: tuple[str, ...]
    """Documents already in the project, left as they were."""


def push(connection: Connection, tasks: Sequence[dict[str, Any]], *, title: str | None = None,
         project_id: int | None = None, update_config: bool = False) -> PushReport:
    """Send tasks (from :func:`frnewsbench.labelstudio.convert.document_to_task`) to a project.

    A document without a task in the project becomes a new task (with its gold annotation and
    predictions); a document that has one keeps it, and only its predictions are added, so
    pushing twice never duplicates a task.
    """
    project, created = open_project(connection, title=title, project_id=project_id, create=True,
                                    update_config=update_config)
    existing = {} if created else project_tasks(connection, project.id)
    new = [task for task in tasks if task["data"]["doc_id"] not in existing]
    added, unchanged = [], []
    for task in tasks:
        doc_id = task["data"]["doc_id"]
        if doc_id not in existing:
            continue
        if not task.get("predictions"):
            unchanged.append(doc_id)
            continue
        for prediction in task["predictions"]:
            connection.call(f"adding predictions to task {existing[doc_id]}", connection.client.predictions.create,
                            task=existing[doc_id], result=prediction["result"],
                            model_version=prediction["model_version"])
        added.append(doc_id)
    if new:
        response = connection.call("importing tasks", connection.client.projects.import_tasks, id=project.id,
                                   request=new, return_task_ids=True)
        if response.task_count != len(new):
            raise ServerError(f"Label Studio imported {response.task_count} of {len(new)} tasks")
    return PushReport(project.id, created, tuple(t["data"]["doc_id"] for t in new), tuple(added), tuple(unchanged))


def export_project(connection: Connection, *, title: str | None = None, project_id: int | None = None) -> list[dict[str, Any]]:
    """Every task of the project as Label Studio's JSON export, predictions in full.

    A snapshot export: the plain JSON export lists predictions as ids only.
    """
    project, _ = open_project(connection, title=title, project_id=project_id)
    exports = connection.client.projects.exports
    snapshot = connection.call("creating an export", exports.create, project.id, title="frnewsbench pull",
                               serialization_options={"predictions": {"only_id": False}},
                               task_filter_options={"only_with_annotations": False})
    if getattr(snapshot, "status", "completed") != "completed":
        snapshot = connection.call("reading the export", exports.get, id=project.id, export_pk=snapshot.id)
        if snapshot.status != "completed":
            raise ServerError(f"the export of project {project.id} is {snapshot.status!r}, not completed; try again")
    data = connection.call("downloading the export",
                           lambda: b"".join(exports.download(project.id, snapshot.id, export_type="JSON")))
    try:
        tasks = loads(data)
    except JSONReadError as error:
        raise ServerError(f"the export of project {project.id} cannot be read: {error}") from None
    if not isinstance(tasks, list):
        raise ServerError(f"the export of project {project.id} is not a list of tasks")
    return tasks
