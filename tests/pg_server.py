"""A throwaway PostgreSQL server for the test suite, and the few admin helpers the tests need.

`start()` makes a fresh cluster in a temporary directory (initdb, trust authentication, locale C so
that text sorts in byte order), starts it on a free port of 127.0.0.1 and returns a `Server`;
`Server.stop()` stops it and removes the directory. Run as root (as CI does), initdb and pg_ctl run
as the unprivileged user `postgres`, because initdb refuses to run as root.

The helpers (`create_database`, `drop_database`, `create_login`, `url_with`) talk to the server
through psycopg only; nothing here shells out to psql.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import re
import shlex
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

SERVER_USER = "postgres"  # the unprivileged account initdb/pg_ctl run as when we are root
SUPERUSER = "postgres"  # the cluster's superuser (initdb -U)
BINDIR_ENV = "CLAIMS_TEST_PG_BINDIR"  # optional: where initdb/pg_ctl are, if not found on their own

NOT_FOUND = (
    "PostgreSQL binaries not found (initdb): install postgresql, "
    "or run only the SQLite half with `-m 'not postgres'`"
)


class PostgresUnavailable(RuntimeError):
    """The throwaway server could not be started; the message says why and what to do."""


# -- finding and running the binaries ---------------------------------------------------------


def find_bindir() -> Path:
    """The directory holding initdb and pg_ctl: $CLAIMS_TEST_PG_BINDIR, then PATH, then Debian's
    /usr/lib/postgresql/<version>/bin (newest version first), then a few usual install places."""
    candidates: list[str] = []
    if os.environ.get(BINDIR_ENV):
        candidates.append(os.environ[BINDIR_ENV])
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(str(Path(on_path).parent))

    def version(path: str) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", path))

    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True)
    candidates += ["/usr/local/pgsql/bin", "/usr/pgsql/bin", *sorted(glob.glob("/usr/pgsql-*/bin"), key=version, reverse=True)]
    for directory in candidates:
        if all(os.access(Path(directory) / tool, os.X_OK) for tool in ("initdb", "pg_ctl", "postgres")):
            return Path(directory)
    raise PostgresUnavailable(NOT_FOUND)


def _as_root() -> bool:
    return os.geteuid() == 0


def _run(argv: list[str], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run a server binary, as the user `postgres` when we are root; raise PostgresUnavailable on failure."""
    if _as_root():
        runuser = shutil.which("runuser")
        if runuser:
            argv = [runuser, "-u", SERVER_USER, "--", *argv]
        else:
            argv = ["su", SERVER_USER, "-s", "/bin/sh", "-c", shlex.join(argv)]
    # The server's own settings come from the command line only, never from the caller's PG* variables.
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    env["LC_ALL"] = "C"
    try:
        done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PostgresUnavailable(f"{shlex.join(argv)}: {exc}") from exc
    if done.returncode != 0:
        raise PostgresUnavailable(f"{shlex.join(argv)} failed ({done.returncode}): {(done.stderr or done.stdout).strip()}")
    return done


def free_port() -> int:
    """A port on 127.0.0.1 that nobody listens on right now (the kernel's choice for port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- the server -------------------------------------------------------------------------------


@dataclass
class Server:
    base: Path  # the temporary directory: data/ (the cluster), server.log, and the Unix socket
    bindir: Path
    port: int

    @property
    def data(self) -> Path:
        return self.base / "data"

    @property
    def log(self) -> Path:
        return self.base / "server.log"

    @property
    def admin_url(self) -> str:
        """The maintenance URL: the superuser on the `postgres` database."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        """Stop the server (fast shutdown, then immediate if that fails) and remove its directory."""
        try:
            if (self.data / "postmaster.pid").exists():
                try:
                    _run([str(self.bindir / "pg_ctl"), "-D", str(self.data), "stop", "-m", "fast", "-w"], cwd=self.base, timeout=60)
                except PostgresUnavailable:
                    _run([str(self.bindir / "pg_ctl"), "-D", str(self.data), "stop", "-m", "immediate", "-w"], cwd=self.base, timeout=60)
        finally:
            shutil.rmtree(self.base, ignore_errors=True)


def start(attempts: int = 3, *, durable: bool = False) -> Server:
    """Create and start a throwaway cluster; raise PostgresUnavailable (with the server's log) if it cannot.

    `durable` keeps fsync on, as a real server has it: the benchmarks' commits/s mean nothing without it."""
    bindir = find_bindir()
    base = Path(tempfile.mkdtemp(prefix="claims-pg-"))
    try:
        if _as_root():
            try:
                account = pwd.getpwnam(SERVER_USER)
            except KeyError:
                raise PostgresUnavailable(
                    f"running as root, and initdb refuses to run as root; the user {SERVER_USER!r} it would run as does not exist"
                ) from None
            os.chown(base, account.pw_uid, account.pw_gid)
        server = Server(base, bindir, 0)
        _run([str(bindir / "initdb"), "-D", str(server.data), "-U", SUPERUSER, "-A", "trust",
              "-E", "UTF8", "--locale=C", "--no-sync"], cwd=base)
        for attempt in range(attempts):
            server.port = free_port()
            # fsync=off: this cluster is thrown away after the run and never survives a crash, so
            # skipping fsync costs nothing and saves time. synchronous_commit stays at its default.
            options = f"-k {shlex.quote(str(base))} -c listen_addresses=127.0.0.1 -p {server.port}" + ("" if durable else " -c fsync=off")
            try:
                _run([str(bindir / "pg_ctl"), "-D", str(server.data), "-l", str(server.log), "-w", "-t", "60",
                      "-o", options, "start"], cwd=base)
                return server
            except PostgresUnavailable as exc:
                log = server.log.read_text(errors="replace") if server.log.exists() else ""
                taken = "could not bind" in log or "already in use" in log
                if taken and attempt + 1 < attempts:  # someone took the port between our probe and the bind
                    with contextlib.suppress(OSError):
                        server.log.unlink()
                    continue
                tail = "\n".join(log.strip().splitlines()[-15:])
                raise PostgresUnavailable(f"{exc}\nserver log ({server.log}):\n{tail}" if tail else str(exc)) from None
        raise AssertionError("unreachable")
    except BaseException:
        Server(base, bindir, 0).stop()
        raise


# -- helpers for tests ------------------------------------------------------------------------


def url_with(url: str, *, dbname: str | None = None, user: str | None = None) -> str:
    """The same postgresql:// URL with another database and/or user (any password is dropped with a new user)."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if user is not None:
        host = netloc.rpartition("@")[2]
        netloc = f"{quote(user, safe='')}@{host}"
    path = f"/{quote(dbname, safe='')}" if dbname is not None else parts.path
    return urlunsplit((parts.scheme, netloc, path, parts.query, parts.fragment))


def database_prefix() -> str:
    """How the names of this process's test databases begin: the xdist worker id and the pid, so
    that workers, and runs sharing one server through CLAIMS_TEST_POSTGRES, never collide."""
    return f"t_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}_"


def dbname_of(url: str) -> str:
    return unquote(urlsplit(url).path.lstrip("/"))


def _admin(admin_url: str):
    import psycopg  # imported here so that the SQLite-only half of the suite never needs it

    return psycopg.connect(admin_url, autocommit=True, connect_timeout=10)


def create_database(admin_url: str, name: str, template: str | None = None) -> str:
    """CREATE DATABASE name [TEMPLATE template]; returns the new database's URL.

    Nobody may be connected to the template; the server itself waits up to 5 s for closing
    connections to go away before refusing."""
    from psycopg import sql

    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template is not None:
        statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    with _admin(admin_url) as conn:
        conn.execute(statement)
    return url_with(admin_url, dbname=name)


def drop_database(admin_url: str, name: str) -> None:
    """Terminate every other connection to the database, then drop it (nothing if it does not exist)."""
    from psycopg import sql

    with _admin(admin_url) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
        statement = sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name))
        if conn.info.server_version >= 130000:  # FORCE also stops anyone who connects in between
            statement += sql.SQL(" WITH (FORCE)")
        conn.execute(statement)


def create_login(admin_url: str, name: str, password: str | None = None) -> None:
    """CREATE ROLE name LOGIN, unless a role of that name exists already (then it is left as it is).

    Safe when two xdist workers create the same role at once. Roles belong to the whole cluster."""
    import psycopg
    from psycopg import sql

    with _admin(admin_url) as conn:
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone():
            return
        statement = sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name))
        if password is not None:
            statement += sql.SQL(" PASSWORD {}").format(sql.Literal(password))
        try:
            conn.execute(statement)
        except (psycopg.errors.DuplicateObject, psycopg.errors.UniqueViolation):
            pass  # another worker created it between our check and our CREATE

