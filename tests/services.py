"""Throwaway redis-server and PostgreSQL instances on free loopback ports, for tests and benchmarks.

Both are context managers: the server runs while the block runs and is stopped (and its files
removed) when the block ends. Enter them on a long-lived thread: the servers are told to die
with the thread that started them, so an interrupted test run leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import redis

INSTALL_HINT = "install it with `apt-get install -y redis-server postgresql`"
START_TIMEOUT_S = 30.0
_PR_SET_PDEATHSIG = 1


class ServiceUnavailable(RuntimeError):
    """A local test service could not be started; the message says how to fix that."""


@dataclass(frozen=True)
class RedisServer:
    """A running redis-server."""

    port: int
    host: str = "127.0.0.1"

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"


@dataclass(frozen=True)
class PostgresServer:
    """A running PostgreSQL cluster with trust authentication for the `postgres` role."""

    port: int
    host: str = "127.0.0.1"
    user: str = "postgres"

    def dsn(self, database: str = "postgres") -> str:
        """A libpq connection string (for psycopg.connect)."""
        return f"postgresql://{self.user}@{self.host}:{self.port}/{database}"

    def url(self, database: str = "postgres") -> str:
        """An SQLAlchemy URL using the psycopg 3 driver."""
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create an empty database and return its SQLAlchemy URL."""
        with psycopg.connect(self.dsn(), autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'CREATE DATABASE "{name}"'.encode())
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self.dsn(), autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())


def free_port() -> int:
    """A loopback port nobody listens on right now (another process may still take it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def refusing_port() -> Iterator[int]:
    """A loopback port that refuses connections while the block runs.

    The port stays bound (never listening) by this process, so no other process, such as a
    test service started meanwhile, can take it and answer in its place.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        yield port


def redis_binary() -> str:
    found = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(found).is_file():
        raise ServiceUnavailable(f"redis-server is not installed: {INSTALL_HINT}")
    return found


def postgres_bindir() -> Path:
    """The newest installed PostgreSQL server's bin directory."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/postgres"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    found = shutil.which("postgres")
    if candidates:
        return candidates[-1].parent
    if found:
        return Path(found).parent
    raise ServiceUnavailable(f"PostgreSQL server binaries are not installed: {INSTALL_HINT}")


@contextlib.contextmanager
def redis_server(binary: str | None = None) -> Iterator[RedisServer]:
    """Run redis-server (no persistence) on a free loopback port."""
    exe = binary or redis_binary()
    if not Path(exe).is_file():
        raise ServiceUnavailable(f"{exe} does not exist: {INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="autofix-redis-") as tmp:
        for _ in range(3):
            port = free_port()
            args = [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly"]
            args += ["no", "--daemonize", "no", "--dir", tmp, "--logfile", f"{tmp}/redis.log"]
            proc = _spawn(args, Path(tmp) / "stdout.log", as_postgres=False)
            try:
                if _wait_until(proc, functools.partial(_redis_answers, port, proc.pid)):
                    yield RedisServer(port=port)
                    return
            finally:
                _stop(proc, signal.SIGTERM)
        raise ServiceUnavailable(f"redis-server did not start: {_tail(Path(tmp) / 'redis.log')}")


@contextlib.contextmanager
def postgres_server(bindir: Path | None = None) -> Iterator[PostgresServer]:
    """Run a fresh PostgreSQL cluster (trust auth, no durability) on a free loopback port."""
    bin_path = bindir or postgres_bindir()
    if not (bin_path / "initdb").is_file():
        raise ServiceUnavailable(f"{bin_path}/initdb does not exist: {INSTALL_HINT}")
    as_postgres = os.geteuid() == 0  # the server refuses to run as root
    with tempfile.TemporaryDirectory(prefix="autofix-pg-") as tmp:
        root = Path(tmp)
        if as_postgres:
            shutil.chown(root, user="postgres", group="postgres")
        data, log = root / "data", root / "postgres.log"
        init = [str(bin_path / "initdb"), "-D", str(data), "--auth=trust", "--username=postgres"]
        init += ["--encoding=UTF8", "--no-sync", "--no-instructions"]
        done = _spawn(init, log, as_postgres=as_postgres).wait(timeout=120)
        if done != 0:
            raise ServiceUnavailable(f"initdb failed ({done}): {_tail(log)}")
        for _ in range(3):
            port = free_port()
            args = [str(bin_path / "postgres"), "-D", str(data), "-p", str(port), "-k", tmp]
            for setting in ("listen_addresses=127.0.0.1", "fsync=off", "full_page_writes=off"):
                args += ["-c", setting]
            args += ["-c", "synchronous_commit=off", "-c", "max_connections=200"]
            proc = _spawn(args, log, as_postgres=as_postgres)
            server = PostgresServer(port=port)
            try:
                if _wait_until(proc, functools.partial(_postgres_answers, server, data)):
                    yield server
                    return
            finally:
                _stop(proc, signal.SIGINT)  # "fast" shutdown: disconnect clients, then exit
        raise ServiceUnavailable(f"PostgreSQL did not start: {_tail(log)}")


def _spawn(args: list[str], log: Path, *, as_postgres: bool) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        if as_postgres:
            shutil.chown(log, user="postgres", group="postgres")
        return subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            user="postgres" if as_postgres else None,
            group="postgres" if as_postgres else None,
            extra_groups=[] if as_postgres else None,
            preexec_fn=_die_with_parent,  # runs after the uid change, so it sticks
        )


def _die_with_parent() -> None:
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL))


def _wait_until(proc: subprocess.Popen[bytes], ready: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False  # exited, most likely because the port was taken meanwhile
        if ready():
            return True
        time.sleep(0.05)
    return False


def _redis_answers(port: int, pid: int) -> bool:
    """Our redis-server answers on `port`: not another one that took the port before it could
    (free_port only says the port was free a moment ago; tests of other sessions run too)."""
    client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=2, socket_connect_timeout=2)
    try:
        info = client.info("server")
    except redis.RedisError:
        return False
    finally:
        client.close()
    return isinstance(info, dict) and bool(info.get("process_id") == pid)


def _postgres_answers(server: PostgresServer, data: Path) -> bool:
    """Our PostgreSQL answers on the server's port, judged by the data directory it serves."""
    try:
        with psycopg.connect(server.dsn(), connect_timeout=2) as conn:
            row = conn.execute("SHOW data_directory").fetchone()
    except psycopg.OperationalError:
        return False
    return row is not None and Path(str(row[0])).resolve() == data.resolve()


def _stop(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _tail(log: Path, lines: int = 15) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"(no log at {log})"
