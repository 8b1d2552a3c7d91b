"""Debian's nginx in front of test servers, configured by the project's own site file (deploy/nginx/alykyla.conf).

``site_config`` turns the site file into one for loopback: the app ports, the listening ports, a throwaway
self-signed certificate and temporary folders put in place of the server's; everything else (sticky
sessions, websockets, headers, timeouts) stays as shipped. ``Nginx`` runs it as a foreground process (never a
daemon) and reads its access log, which names the app process (``upstream=``) of every request.
"""

from __future__ import annotations

import os
import re
import shutil
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.e2e.browser import ROOT

SITE = ROOT / "deploy" / "nginx" / "alykyla.conf"
SHIPPED_PORTS = ("8501", "8502")
LOG_FORMAT = '$remote_addr "$request" $status upstream=$upstream_addr node=$alykyla_node'


def site_config(app_ports: list[int], http_port: int, https_port: int, folder: Path) -> str:
    """The shipped site file for loopback: ``app_ports`` in place of 8501 and 8502, the listening ports, the
    certificate in ``folder`` and local folders for certbot's challenge and the static files' cache."""
    text = SITE.read_text(encoding="utf-8")
    for shipped, port in zip(SHIPPED_PORTS, app_ports, strict=True):
        text = text.replace(f"server 127.0.0.1:{shipped} ", f"server 127.0.0.1:{port} ")
    text = re.sub(r"^\s*listen \[::\]:\d+.*\n", "", text, flags=re.MULTILINE)
    text = text.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    text = text.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    text = text.replace("/etc/letsencrypt/live/alykyla.example.fi/", f"{folder}/")
    text = text.replace("/var/www/letsencrypt", str(folder / "acme"))
    text = text.replace("/var/cache/nginx/alykyla", str(folder / "cache"))
    return text.replace("alykyla.example.fi", "localhost")


def main_config(folder: Path) -> str:
    """nginx.conf around the site (what Debian's /etc/nginx/nginx.conf does, in ``folder``)."""
    temp = "\n".join(f"    {kind}_temp_path {folder}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                          "scgi"))
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must reach the temporary folders
    return (f"{user}worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log info;\n"
            "events { worker_connections 1024; }\n"
            f"http {{\n{temp}\n    log_format alykyla '{LOG_FORMAT}';\n"
            f"    access_log {folder}/access.log alykyla;\n    include {folder}/site.conf;\n}}\n")


def self_signed(folder: Path) -> None:
    """A throwaway certificate for 127.0.0.1 and localhost (fullchain.pem, privkey.pem)."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", str(folder / "privkey.pem"), "-out", str(folder / "fullchain.pem")],
        check=True, capture_output=True, timeout=60,
    )


@dataclass
class Nginx:
    """nginx in the foreground on ``https_port`` (and ``http_port``) before the app processes."""

    folder: Path
    https_port: int
    http_port: int
    process: subprocess.Popen | None = field(default=None, init=False)

    @property
    def base(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def start(self, app_ports: list[int]) -> None:
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        (self.folder / "acme").mkdir(parents=True, exist_ok=True)
        self_signed(self.folder)
        (self.folder / "site.conf").write_text(site_config(app_ports, self.http_port, self.https_port, self.folder))
        (self.folder / "nginx.conf").write_text(main_config(self.folder))
        command = [binary, "-p", str(self.folder), "-c", str(self.folder / "nginx.conf"), "-g", "daemon off;"]
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
        if checked.returncode != 0:
            raise RuntimeError(f"nginx -t refused the site file:\n{checked.stderr}")
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                self.get("/_stcore/health")
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"nginx did not answer:\n{self.error_log()}")

    def get(self, path: str, cookie: str | None = None) -> tuple[int, dict[str, str], bytes]:
        """A request through nginx (certificate not checked): status, headers, body."""
        request = urllib.request.Request(self.base + path, headers={"Cookie": cookie} if cookie else {})
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        try:
            with urllib.request.urlopen(request, timeout=10, context=context) as reply:
                return reply.status, dict(reply.headers), reply.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def access_log(self) -> list[str]:
        path = self.folder / "access.log"
        return path.read_text(errors="replace").splitlines() if path.exists() else []

    def upstreams(self, matches: Callable[[str], bool], count: int, timeout: float = 10) -> list[str]:
        """The upstream (an app process's address, or "-" for nginx's cache) of each logged request whose
        line ``matches``, once ``count`` are logged or ``timeout`` seconds passed: nginx writes a request's
        line after its answer, so a client can be faster than the log."""
        deadline = time.monotonic() + timeout
        while True:
            found = [re.search(r"upstream=(\S+)", line).group(1) for line in self.access_log() if matches(line)]
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.1)

    def error_log(self) -> str:
        path = self.folder / "error.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
