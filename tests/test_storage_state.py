"""The state token (indicator/storage/engine.py) as several app processes see it: every write that changes what
the app shows changes the token that another process reads, in commit order on PostgreSQL too; rate-limit
counters do not. The dashboard's caches are keyed by this token (ui/context.py)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
import sqlalchemy as sa

from indicator.storage import Store
from tests.storage_helpers import database_url, db_url, known_file, pg_server_url  # noqa: F401

# Each write of the Store API that changes something a page shows; ``setup`` made an upload (id 1), an
# approved one (id 2), a strategy (id 1) with an action (id 1), a document and an activity (id 1) first.
WRITES: dict[str, Callable[[Store, object], object]] = {
    "upload": lambda s, fw: s.uploads.add(known_file("Uusi"), "uusi.csv", 2025, fw),
    "approve": lambda s, fw: s.uploads.approve(1, "anna"),
    "reject": lambda s, fw: s.uploads.reject(2, "anna"),
    "save_document": lambda s, fw: s.documents.save("weights", "w", {"talous": 3}),
    "delete_document": lambda s, fw: s.documents.delete("weights", "w"),
    "add_activity": lambda s, fw: s.activities.add("kickoff", "Talkoot", dt.date(2025, 6, 1)),
    "delete_activity": lambda s, fw: s.activities.delete(1, "anna"),
    "save_strategy": lambda s, fw: s.strategies.save(grouping="g", area="sepra", group=1, name="Uusi nimi",
                                                     actor="anna"),
    "add_action": lambda s, fw: s.strategies.add_action(1, title="Kylätalo", actor="anna"),
    "update_action": lambda s, fw: s.strategies.update_action(1, title="Talkoot", status="done", actor="anna"),
    "delete_action": lambda s, fw: s.strategies.delete_action(1, "anna"),
    "delete_strategy": lambda s, fw: s.strategies.delete(1, "anna"),
}


def setup(store: Store, framework: object) -> None:
    store.uploads.add(known_file("Ala"), "ala.csv", 2025, framework)
    store.uploads.add(known_file("Ylä"), "yla.csv", 2025, framework, approve=True)
    strategy = store.strategies.save(grouping="g", area="sepra", group=1, name="Kylät yhdessä", actor="anna")
    store.strategies.add_action(strategy, title="Talkoot", actor="anna")
    store.documents.save("weights", "w", {"talous": 2})
    store.activities.add("kickoff", "Aloitus", dt.date(2025, 3, 1))


@pytest.mark.parametrize("write", WRITES)
def test_every_shown_write_changes_the_token_another_process_reads(db_url, small_framework, write):  # noqa: F811
    mine, theirs = Store(db_url), Store(db_url)  # two app processes: two engines, nothing shared
    setup(mine, small_framework)
    before = theirs.state_token()
    WRITES[write](mine, small_framework)
    after = theirs.state_token()
    assert after != before
    assert after == mine.state_token() == theirs.state_token()  # and it stays put while nothing changes
    mine.close()
    theirs.close()


def test_rate_limit_counters_leave_the_token_alone(db_url):  # noqa: F811
    store = Store(db_url)
    before = store.state_token()
    assert store.limits.hit("poll", "phone-1", limit=5, seconds=60)
    store.limits.record("signin", "10.0.0.1")
    store.limits.clear("signin", "10.0.0.1")
    assert store.state_token() == before
    store.close()


def test_poll_answers_leave_the_token_alone(db_url):  # noqa: F811
    """No cached view holds poll answers (the seminar reads them afresh), so a hall answering keeps every
    page's caches warm; only opening a round's poll (a new upload row) is a shown change."""
    store = Store(db_url)
    store.poll.add("phone-1", {"T1": 4}, 2026)
    before = store.state_token()
    assert store.poll.add("phone-7", {"T1": 4}, 2026)
    assert store.state_token() == before
    assert store.poll.responses(2026)["respondent"].nunique() == 2
    store.close()


def test_tokens_of_two_databases_never_meet(tmp_path):
    """Each database has its own random epoch: a database made again from nothing starts a new series."""
    first = Store(f"sqlite:///{tmp_path / 'a.db'}")
    token = first.state_token()
    first.close()
    (tmp_path / "a.db").unlink()
    again = Store(f"sqlite:///{tmp_path / 'a.db'}")
    assert again.state_token() != token
    again.close()


@pytest.mark.postgres
def test_a_write_that_commits_after_a_later_one_still_changes_the_token(tmp_path):
    """PostgreSQL hands out ids when a transaction writes, but shows them when it commits: A takes audit id
    n, B takes n + 1 and commits, then A commits. A token made of the newest ids would not change when A
    commits, and a process that cached B's state would keep it."""
    with database_url("postgres", tmp_path) as url:
        store, reader = Store(url), Store(url)
        db = store.database
        first = db.write()
        conn = first.__enter__()
        db.audit(conn, "anna", "admin", "first")
        with db.write() as other:
            db.audit(other, "ville", "admin", "second")
        seen = reader.state_token()  # B is visible, A not yet
        first.__exit__(None, None, None)
        assert reader.state_token() != seen
        with reader.engine.connect() as check:
            assert check.execute(sa.text("SELECT count(*) FROM audit")).scalar_one() == 2
        store.close()
        reader.close()


@pytest.mark.postgres
def test_simultaneous_poll_answers_are_each_counted(tmp_path):
    """Twenty phones answer at once through two processes: each answer is stored once and counted once in
    the state (no two transactions count the same step), as a third process sees it."""
    with database_url("postgres", tmp_path) as url:
        processes = [Store(url), Store(url)]
        start = threading.Barrier(20)
        results: list[bool] = []

        def answer(n: int) -> None:
            start.wait(timeout=30)
            results.append(processes[n % 2].poll.add(f"phone-{n}", {"T1": 1 + n % 5}, 2026))

        threads = [threading.Thread(target=answer, args=(n,)) for n in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        screen = Store(url)
        assert results == [True] * 20
        assert screen.poll.responses(2026)["respondent"].nunique() == 20
        assert screen.state_token().endswith("-1")  # the round's poll opened once; answers are not shown writes
        for store in (*processes, screen):
            store.close()
