"""Stored surveys: uploads with a sanitised copy of their file, long-form answers, audit log, documents, poll, backup.

``Store(url=None)`` opens (and creates) the database: the URL, else env ``DATABASE_URL``, else the
embedded SQLite file ``data/alykyla.db``. SQLite and PostgreSQL (``postgresql://...``) run the same code.
Every change is one transaction and writes an audit row. Only approved uploads count in scores.

Public API
----------
store.uploads.add(content, filename, round, framework, *, role="village", actor="anonymous",
                  uploader_village=None, village=None, overrides=None, approve=False,
                  village_column=None, village_default=None) -> UploadResult
store.uploads.store_read(content, filename, round, framework, frame, report, **same keywords) -> UploadResult
                                       (the storing half of add, for an already read file)
store.uploads.approve(upload_id, actor) / .reject(upload_id, actor, note=None)
store.uploads.table(status=None) -> DataFrame       one row per upload (no bytes), newest first
store.uploads.get(upload_id) -> UploadRecord        every column incl. bytes, mapping and report
store.responses(status="approved", framework=None) -> DataFrame   the responses table with round, upload_id
store.scores(framework, options=None) -> Scores     over the approved responses of every round
store.progress(framework, *, method=None, registry=None) -> DataFrame   (registry: village_registry())
store.audit_log(limit=None) -> DataFrame            newest first
store.documents.save(kind, name, payload, actor) / .get(kind, name) / .table(kind=None) / .delete(kind, name)
store.activities.add(goal_id, title, done_on, *, area, groups, villages, note, actor) -> int
store.activities.table() -> DataFrame / .delete(activity_id, actor) -> bool
store.poll.vote(device, values, round, *, address=None) -> Vote / .add(...) -> bool / .answered(device, round)
store.poll.responses(round=None) -> DataFrame
store.erase_village(name, actor) -> Erasure      one village's uploads, answers and derived data removed
store.strategies.save(grouping=, area=, group=, name=, theme, vision, dimensions, items, villages, actor) -> int
store.strategies.table() / .delete(id, actor) / .add_action(strategy_id, title=, ...) -> int
store.strategies.update_action(action_id, ...) / .delete_action(action_id, actor) / .actions(strategy_id=None)
store.backup.export_xlsx(path, framework=None) / store.backup.restore_xlsx(path)
store.app_survey.set_open(round, is_open, village=None, actor) / .round_state(round) / .open_round(village)
store.app_survey.add(framework, device, village, round, values, address=None) -> Outcome
store.app_survey.answered(device, round) -> village | None / .waiting(village=None) -> DataFrame
store.state_token() -> str, store.is_empty() -> bool, store.close()
load_demo(store, framework) -> int                  the shipped demo surveys, stored and approved

Modules: ``schema`` (tables, ``Status``, ``Role``), ``engine`` (URL, engine, transactions, audit writer),
``convert`` (times, JSON, frames), ``uploads`` (storing, approval, superseding), ``responses`` (long form
in, responses table out), ``documents``, ``activities``, ``poll``, ``strategies``, ``app_survey`` (the survey answered in the app), ``backup`` (xlsx export and restore),
``demo`` (loading ``data/demo``), ``store`` (the facade).
"""

from indicator.storage.demo import demo_files, load_demo
from indicator.storage.engine import default_url, failure_reason
from indicator.storage.responses import long_form, village_registry
from indicator.storage.schema import POLL_VILLAGE, Role, Status
from indicator.storage.store import Store
from indicator.storage.uploads import UploadRecord, UploadResult

__all__ = [
    "POLL_VILLAGE",
    "Role",
    "Status",
    "Store",
    "UploadRecord",
    "UploadResult",
    "default_url",
    "demo_files",
    "failure_reason",
    "load_demo",
    "long_form",
    "village_registry",
]
