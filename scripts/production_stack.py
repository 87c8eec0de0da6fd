"""The production path on one machine, as docker-compose runs it, for the smoke test
(scripts/smoke.py) and the load benchmark (benchmarks/bench_load.py).

``Stack`` sets up the production settings (secrets made up for the run, e-mail kept in memory)
against a database it may drop and create and a Redis database it may empty: ``prepare()``
builds a fresh database (collectstatic, migrate, demo data, optionally ``check --deploy``),
``start()`` runs gunicorn on a free loopback port and a Celery worker, each in its own process
group; leaving the ``with`` block stops both (SIGTERM to the group, SIGKILL after a grace
period) and, with ``drop=True``, drops the database. Logs go to ``workdir``.

    with Stack(database_url=..., redis_url=..., workdir=ROOT / "var" / "smoke") as stack:
        stack.prepare(check_deploy=True)
        stack.start()
        ...  # talk to http://127.0.0.1:{stack.port}/ with X-Forwarded-Proto: https
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Self
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
BIN = Path(PY).parent  # the virtualenv's gunicorn and celery sit beside its python


def say(message: str) -> None:
    print(f"\033[1m==>\033[0m {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _admin_connection(url: str):
    import psycopg

    # The server's maintenance database; Django's options in the query (conn_max_age=…) are not libpq's.
    return psycopg.connect(urlsplit(url)._replace(path="/postgres", query="").geturl(), autocommit=True)


def recreate_database(url: str) -> None:
    name = database_name(url)
    with _admin_connection(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    with _admin_connection(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database_name(url)}" WITH (FORCE)')


def production_env(*, database_url: str, redis_url: str, workdir: Path, **extra: str) -> dict[str, str]:
    """The environment of every process of the stack: production settings, throwaway secrets."""
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DJANGO_SECRET_KEY": "run-" + secrets.token_urlsafe(60),
        "SIGNATURE_BINDING_KEY": "run-" + secrets.token_urlsafe(32),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra)
    return env


class Stack:
    def __init__(self, *, database_url: str, redis_url: str, workdir: Path, drop: bool = False,
                 gunicorn_args: tuple[str, ...] = ("--workers", "2"), worker_concurrency: int = 1,
                 env: dict[str, str] | None = None) -> None:
        self.database_url = database_url
        self.redis_url = redis_url
        self.workdir = Path(workdir)
        self.drop = drop
        self.gunicorn_args = tuple(gunicorn_args)
        self.worker_concurrency = worker_concurrency
        self.env = production_env(database_url=database_url, redis_url=redis_url, workdir=self.workdir,
                                  **(env or {}))
        self.port: int | None = None
        self._processes: list[subprocess.Popen] = []
        self._created = False

    # ------------------------------------------------------------------ set-up

    def manage(self, *args: str, quiet: bool = False) -> str:
        """``manage.py <args>`` with the stack's settings; its output (raises when it fails)."""
        done = subprocess.run([PY, "manage.py", *args], check=False, cwd=ROOT, env=self.env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if done.returncode:
            print(done.stdout, file=sys.stderr)
            raise RuntimeError(f"manage.py {' '.join(args)} failed ({done.returncode})")
        if not quiet:
            print(done.stdout, end="")
        return done.stdout

    def prepare(self, *, demo_args: tuple[str, ...] = (), check_deploy: bool = False) -> None:
        """A fresh database with the demo data, the static files, an empty broker database."""
        import redis

        shutil.rmtree(self.workdir, ignore_errors=True)
        self.workdir.mkdir(parents=True)
        say(f"A fresh database ({database_name(self.database_url)})")
        recreate_database(self.database_url)
        self._created = True
        say("collectstatic, migrate, demo data" + (", check --deploy" if check_deploy else ""))
        self.manage("collectstatic", "--noinput", "-v", "0")
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("demo_data", *demo_args, quiet=True)
        # The broker's database is the run's own: the demo data's e-mail tasks (and anything an
        # earlier run left) go, so that the worker answers at once.
        redis.Redis.from_url(self.redis_url).flushdb()
        if check_deploy:
            self.manage("check", "--deploy", "--fail-level", "WARNING")

    def reuse(self) -> None:
        """Go on with the database and static files an earlier run kept (``drop=False``)."""
        import redis

        if not (self.workdir / "static").is_dir():
            raise RuntimeError(f"nothing to reuse in {self.workdir}: run once without reusing first")
        self._created = True
        redis.Redis.from_url(self.redis_url).flushdb()

    # ------------------------------------------------------------------ processes

    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        log.close()
        self._processes.append(process)
        return process

    def start(self) -> None:
        """gunicorn on a free loopback port and a Celery worker; returns once gunicorn answers."""
        self.port = free_port()
        say(f"gunicorn on 127.0.0.1:{self.port} ({' '.join(self.gunicorn_args)}) and a Celery worker")
        web = self._spawn("gunicorn", [
            str(BIN / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
            "--timeout", "120", "--log-level", "warning", *self.gunicorn_args])
        self._spawn("worker", [
            str(BIN / "celery"), "-A", "config", "worker", "--loglevel=INFO",
            f"--concurrency={self.worker_concurrency}", "--without-gossip", "--without-mingle"])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if web.poll() is not None:
                self.print_logs()
                raise RuntimeError("gunicorn stopped while starting")
            try:
                socket.create_connection(("127.0.0.1", self.port), 1).close()
                return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def pids(self) -> list[int]:
        return [p.pid for p in self._processes]

    def stop(self) -> None:
        """SIGTERM to each process group started here, SIGKILL after 20 s."""
        for process in self._processes:
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for process in self._processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait()
        self._processes.clear()

    def print_logs(self, lines: int = 40) -> None:
        for name in ("gunicorn", "worker"):
            path = self.workdir / f"{name}.log"
            if path.exists():
                print(f"--- {name}.log", file=sys.stderr)
                text = path.read_text(errors="replace").splitlines()
                print("\n".join(text[-lines:]), file=sys.stderr)

    def __enter__(self) -> Self:
        # A SIGTERM to the caller (a CI time-out, kill PID) still stops what was started here.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
        if self.drop and self._created:
            drop_database(self.database_url)
