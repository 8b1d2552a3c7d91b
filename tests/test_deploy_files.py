"""The server's files in deploy/ (docs/deploy.md): the backup script writes a database copy and an export that
both restore, the nginx site's upload limit follows Streamlit's, the settings file reads in sh as systemd
reads it, and every unit names files that exist in the checkout. The nginx site itself runs in
tests/e2e/test_deploy_e2e.py."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path

import pytest

from indicator.framework import load
from indicator.storage import Store

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def small_store(url: str) -> None:
    framework = load()
    items = [item.id for item in framework.items if item.type == "likert5"][:4]
    rows = ["Anjala;" + ";".join(str(1 + (n + k) % 5) for k in range(len(items))) for n in range(6)]
    store = Store(url)
    store.uploads.add(("\n".join(["Kylä;" + ";".join(items), *rows]) + "\n").encode(), "anjala.csv",
                      date.today().year, framework, role="admin", approve=True)
    store.close()


@pytest.mark.slow
def test_backup_script_writes_a_copy_and_an_export_that_both_restore(tmp_path):
    database = tmp_path / "alykyla.db"
    small_store(f"sqlite:///{database}")
    backups = tmp_path / "backups"
    result = subprocess.run(
        [str(DEPLOY / "backup.sh")], cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{database}", "ALYKYLA_BACKUP_DIR": str(backups),
             "ALYKYLA_PYTHON": sys.executable, "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    written = [Path(line.removeprefix("backup: ")) for line in result.stdout.splitlines()]
    assert [p.suffix for p in written] == [".db", ".xlsx"] and all(p.parent == backups for p in written)
    assert oct(written[0].stat().st_mode & 0o777) == "0o600"  # umask 077: only the app's user reads them
    with sqlite3.connect(written[0]) as copy:
        assert copy.execute("SELECT count(*), sum(respondents) FROM uploads").fetchone() == (1, 6)
    restored = f"sqlite:///{tmp_path / 'restored.db'}"
    back = subprocess.run([sys.executable, "-m", "indicator", "restore", str(written[1]), "--db", restored],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert back.returncode == 0, back.stderr
    store = Store(restored)
    assert store.uploads.table()["respondents"].tolist() == [6]
    store.close()


def test_backup_script_refuses_an_unknown_database(tmp_path):
    result = subprocess.run([str(DEPLOY / "backup.sh")], capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "mysql://u@h/d",
                                 "ALYKYLA_BACKUP_DIR": str(tmp_path)})
    assert result.returncode == 2 and result.stderr == "backup: unknown database URL: mysql:...\n"


def test_nginx_upload_limit_follows_streamlits():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    site = (DEPLOY / "nginx" / "alykyla.conf").read_text(encoding="utf-8")
    limit = int(re.search(r"client_max_body_size (\d+)m;", site).group(1))
    assert config["server"]["maxUploadSize"] < limit <= config["server"]["maxUploadSize"] + 2


def test_settings_file_reads_in_sh_with_the_keys_the_units_need():
    script = "set -a; . ./deploy/env.example; set +a; env"
    env = subprocess.run(["sh", "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=30,
                         env={"PATH": "/usr/bin:/bin"}).stdout
    values = dict(line.split("=", 1) for line in env.splitlines() if "=" in line)
    assert values["DATABASE_URL"] == "postgresql://alykyla@/alykyla"
    assert values["ALYKYLA_CHECK_APPS"].split() == ["http://127.0.0.1:8501", "http://127.0.0.1:8502"]
    for key in ("STREAMLIT_SERVER_COOKIE_SECRET", "ALYKYLA_DEMO", "ALYKYLA_BACKUP_DIR", "ALYKYLA_BACKUP_DAYS"):
        assert values[key], key


def test_units_name_files_of_the_checkout_and_the_ports_of_the_site():
    site = (DEPLOY / "nginx" / "alykyla.conf").read_text(encoding="utf-8")
    assert re.findall(r"server 127\.0\.0\.1:(\d+)", site) == ["8501", "8502"]
    checks = (DEPLOY / "env.example").read_text(encoding="utf-8")
    assert "http://127.0.0.1:8501 http://127.0.0.1:8502" in checks
    for unit in (DEPLOY / "systemd").iterdir():
        text = unit.read_text(encoding="utf-8")
        for path in re.findall(r"/srv/alykyla/app/(\S+)", text):
            assert (ROOT / path.rstrip(")")).exists(), f"{unit.name}: {path}"
        if unit.suffix == ".service":
            assert "EnvironmentFile=/etc/alykyla/env" in text and "User=alykyla" in text
