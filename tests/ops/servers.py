"""Throw-away servers for the fault tests: a redis-server and a PostgreSQL cluster (initdb) of the
test's own, on free loopback ports in a temporary folder, which the tests stop, freeze (SIGSTOP)
and start again. The machine's own servers (5432, 6379) are never touched; only the processes
started here are signalled, by their own pid."""

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    """A loopback port nothing listens on (for a server to take, or to stay unreachable)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, up: bool, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                if up:
                    return
        except OSError:
            if not up:
                return
        time.sleep(0.1)
    raise RuntimeError(f"port {port} did not go {'up' if up else 'down'} in {timeout}s")


class OwnRedis:
    """A redis-server of this test: `stop()`/`start()` for an outage, `freeze()`/`thaw()` for one
    that accepts connections and never answers (SIGSTOP), the harder case for clients."""

    def __init__(self, folder: Path):
        self.binary = shutil.which("redis-server")
        if not self.binary:
            raise RuntimeError("redis-server is not installed")
        self.folder = folder
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "OwnRedis":
        self.folder.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [
                self.binary,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=open(self.folder / "redis.log", "ab"),  # noqa: SIM115 - for the server's lifetime
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _wait_port(self.port, up=True)
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.thaw()
            self.proc.terminate()
            self.proc.wait(timeout=30)
        _wait_port(self.port, up=False)

    def freeze(self) -> None:
        os.kill(self.proc.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGCONT)


class OwnPostgres:
    """A PostgreSQL cluster of this test (initdb in a temporary folder, trust on loopback), run as
    the `postgres` system user when the test runs as root (PostgreSQL refuses to run as root)."""

    def __init__(self):
        self.bindir = self._bindir()
        # Its own folder in /tmp: the postgres user must reach it, and a test's tmp_path is private.
        self.folder = Path(tempfile.mkdtemp(prefix="leerborg-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.user = "postgres" if os.geteuid() == 0 else None

    @staticmethod
    def _bindir() -> Path:
        found = shutil.which("initdb")
        if found:
            return Path(os.path.realpath(found)).parent
        versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not versions:
            raise RuntimeError("initdb is not installed (apt-get install postgresql)")
        return versions[-1].parent

    def url(self, name: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bindir / args[0]), *args[1:]]
        kwargs = {}
        if self.user:
            entry = pwd.getpwnam(self.user)
            kwargs = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
        return subprocess.run(command, check=check, capture_output=True, text=True, **kwargs)

    def init(self) -> "OwnPostgres":
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        return self

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "pg.log"), "-w", "start")
        _wait_port(self.port, up=True)

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)
        _wait_port(self.port, up=False)

    def pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])
