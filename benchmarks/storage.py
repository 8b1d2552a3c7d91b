"""Ingest throughput of the Store: stored answer rows per second, on SQLite and PostgreSQL.

    python benchmarks/storage.py [--respondents 2000] [--files 5] [--pg postgresql://...]

PostgreSQL runs when ``--pg`` or env ``TEST_DATABASE_URL`` names a server (a scratch schema is created
and dropped). Two figures per backend: ``add_upload`` end to end (reading the CSV included) and the
storage part alone (``store_read`` of an already read file), plus the time to build the responses table
and score it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from indicator.framework import Framework, load  # noqa: E402
from indicator.reading import read_survey  # noqa: E402
from indicator.storage import Store  # noqa: E402
from indicator.storage.engine import resolve_url  # noqa: E402


def survey(framework: Framework, respondents: int, seed: int) -> bytes:
    """A semicolon CSV: village column and one column per item, about 10 % blanks."""
    rng = np.random.default_rng(seed)
    lines = [";".join(["Kylä", *framework.item_ids])]
    for n in range(respondents):
        cells = [f"Kylä {seed}-{n % 20}"]
        for item in framework.items:
            if rng.random() < 0.1:
                cells.append("")
            elif item.type == "likert5":
                cells.append(str(rng.integers(1, 6)))
            elif item.type == "yesno":
                cells.append("Kyllä" if rng.random() < 0.5 else "Ei")
            else:
                cells.append(str(int(rng.integers(0, 30))))
        lines.append(";".join(cells))
    return ("\n".join(lines) + "\n").encode()


def bare_insert(url: str, rows: int) -> float:
    """Rows/s of a bare executemany of ``rows`` long-form rows into a scratch table, one transaction:
    the database's own speed on this machine in this run, the baseline for the store's figures."""
    engine = sa.create_engine(url)
    table = sa.Table(
        "bench_baseline", sa.MetaData(), sa.Column("upload_id", sa.Integer), sa.Column("respondent", sa.String),
        sa.Column("village", sa.String), sa.Column("item", sa.String), sa.Column("value", sa.Float),
    )
    table.create(engine, checkfirst=True)
    data = [{"upload_id": 1, "respondent": str(n // 40), "village": "Kylä", "item": f"I{n % 40}", "value": 3.0}
            for n in range(rows)]
    start = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(table.insert(), data)
    seconds = time.perf_counter() - start
    table.drop(engine)
    engine.dispose()
    return rows / seconds


def bench(url: str, label: str, framework: Framework, files: list[bytes]) -> None:
    store = Store(url)
    start = time.perf_counter()
    rows = 0
    for n, content in enumerate(files):
        store.uploads.add(content, f"f{n}.csv", 2025, framework, approve=True)
    end_to_end = time.perf_counter() - start
    rows = len(store.responses())
    answers = store.responses().iloc[:, 4:].notna().sum().sum()
    reads = [read_survey(c, framework, filename=f"g{n}.csv") for n, c in enumerate(files)]
    start = time.perf_counter()
    for n, (content, result) in enumerate(zip(files, reads, strict=True)):
        store.uploads.store_read(content, f"g{n}.csv", 2026, framework, result.responses, result.report, approve=True)
    storage_only = time.perf_counter() - start
    start = time.perf_counter()
    store.scores(framework)
    scoring = time.perf_counter() - start
    base = bare_insert(url, int(answers))
    print(
        f"{label:>10}: {len(files)} files, {rows} respondents, {answers} answer rows | "
        f"add_upload {answers / end_to_end:,.0f} rows/s ({end_to_end:.2f} s) | "
        f"storage only {answers / storage_only:,.0f} rows/s ({storage_only:.2f} s) | "
        f"responses+scores of {2 * rows} respondents {scoring:.2f} s | "
        f"baseline bare executemany {base:,.0f} rows/s: storage at {answers / storage_only / base:.2f}x of it"
    )
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--respondents", type=int, default=2000, help="respondents per file")
    parser.add_argument("--files", type=int, default=5)
    parser.add_argument("--pg", default=os.environ.get("TEST_DATABASE_URL"), help="PostgreSQL server URL")
    args = parser.parse_args()
    framework = load()
    files = [survey(framework, args.respondents, seed) for seed in range(args.files)]
    with tempfile.TemporaryDirectory() as tmp:
        bench(f"sqlite:///{Path(tmp) / 'bench.db'}", "SQLite", framework, files)
    if not args.pg:
        print("PostgreSQL: skipped (give --pg URL or set TEST_DATABASE_URL)")
        return
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    server = resolve_url(args.pg)
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        url = server.update_query_dict({"options": f"-csearch_path={schema}"})
        bench(url.render_as_string(hide_password=False), "PostgreSQL", framework, files)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


if __name__ == "__main__":
    main()
