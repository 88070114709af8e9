"""Start-up checks of `shopkeeper serve` and `shopkeeper worker`: what makes a deployment unsafe.

In production (`SHOPKEEPER_ENV=production`) every problem found stops the process before it serves or
fires a timer, each with one line naming the setting to change. Outside production the same problems
are loud warnings, so the demo still runs on its development defaults. One problem stops the process
everywhere: a real payment provider (`callback`) with the development payment secret, which is printed
in the source, so anyone could sign a callback that marks an order paid.

The checks are pure: settings, the text of /proc/mounts and the database file's resolved path in, a
list of problems out. `read_mounts` and `database_file` do the I/O for the command.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from shopkeeper.settings import DEV_PAYMENT_SECRET, DEV_SESSION_SECRET, Settings

MOUNTS = Path("/proc/mounts")
# Filesystems whose locks SQLite cannot rely on (https://www.sqlite.org/useovernet.html): a database file
# there can be corrupted by two writers, or by one writer and the worker.
NETWORK_FILESYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "smb", "ncpfs", "afs", "9p", "ceph", "cephfs", "glusterfs", "lustre",
    "gpfs", "ocfs2", "gfs2", "beegfs", "davfs", "fuse.sshfs", "sshfs", "fuse.glusterfs", "fuse.cephfs", "fuse.s3fs",
    "fuse.rclone", "fuse.gcsfuse", "fuse.davfs2", "fuse.juicefs", "fuse.goofys", "fuse.smbnetfs",
})
UNC = "unc"  # the "filesystem type" of a Windows share path, //host/share or \\host\share
_ESCAPE = re.compile(r"\\([0-7]{3})")  # /proc/mounts writes a space in a mount point as \040


@dataclass(frozen=True)
class StartupProblem:
    setting: str  # the environment variable that fixes it
    message: str  # one line: what is wrong, and what to set
    fatal_everywhere: bool = False  # refused outside production too


def startup_problems(settings: Settings, mounts: str, database_path: str | None) -> list[StartupProblem]:
    """Every unsafe setting, in the order the operator should fix them.

    `database_path` is the SQLite database file, absolute and with symlinks resolved (None for PostgreSQL
    or an in-memory database); `mounts` is the text of /proc/mounts ("" where there is none).
    """
    found: list[StartupProblem] = []
    if settings.payment_provider == "sandbox":
        found.append(StartupProblem(
            "SHOPKEEPER_PAYMENT_PROVIDER",
            "the sandbox payment provider lets buyers mark their own orders paid: "
            "set SHOPKEEPER_PAYMENT_PROVIDER=callback and SHOPKEEPER_PAYMENT_SECRET to your provider's signing secret"))
    if settings.payment_secret in (DEV_PAYMENT_SECRET, ""):
        found.append(StartupProblem(
            "SHOPKEEPER_PAYMENT_SECRET",
            "the payment secret is the development secret, published in the source, so anyone can sign a payment callback: "
            "set SHOPKEEPER_PAYMENT_SECRET to your payment provider's signing secret",
            fatal_everywhere=settings.payment_provider != "sandbox"))
    if settings.session_secret in (DEV_SESSION_SECRET, ""):
        found.append(StartupProblem(
            "SHOPKEEPER_SESSION_SECRET",
            "the console's session secret is the development default, so anyone can forge a sign-in: "
            "set SHOPKEEPER_SESSION_SECRET to a long random value (python -c 'import secrets; print(secrets.token_urlsafe(32))')"))
    if database_path is not None:
        filesystem = network_filesystem(database_path, mounts)
        if filesystem is not None:
            where = "a network share" if filesystem == UNC else f"a network filesystem ({filesystem})"
            found.append(StartupProblem(
                "SHOPKEEPER_DATABASE_URL",
                f"the SQLite database {database_path} is on {where}, where SQLite's locks do not hold: "
                "set SHOPKEEPER_DATABASE_URL to a file on a local disk, or to PostgreSQL"))
    return found


def fatal(problems: list[StartupProblem], settings: Settings) -> list[StartupProblem]:
    """The problems that stop the process: all of them in production."""
    return [p for p in problems if settings.production or p.fatal_everywhere]


def network_filesystem(path: str, mounts: str) -> str | None:
    """The network filesystem type the file at `path` lives on (its directory's mount), or None when local.

    `path` is absolute. A UNC path (//host/share/..., \\\\host\\share\\...) is a network share whatever
    is mounted. The deepest mount point that holds the directory wins; of two at the same point, the
    later one (it is mounted over the first).
    """
    if is_unc(path):
        return UNC
    directory = os.path.dirname(path) or "/"
    best: tuple[int, str] | None = None
    for mount_point, fstype in _mount_entries(mounts):
        if _holds(mount_point, directory) and (best is None or len(mount_point) >= best[0]):
            best = (len(mount_point), fstype)
    if best is None:
        return None
    return best[1] if best[1].lower() in NETWORK_FILESYSTEMS else None


def is_unc(path: str) -> bool:
    """Two leading slashes or backslashes then a host name: //host/share. (Three or more slashes are plain `/`.)"""
    return len(path) > 2 and path[0] in "/\\" and path[1] in "/\\" and path[2] not in "/\\"


def _holds(mount_point: str, directory: str) -> bool:
    if mount_point == "/":
        return directory.startswith("/")
    return directory == mount_point or directory.startswith(mount_point.rstrip("/") + "/")


def _mount_entries(mounts: str) -> list[tuple[str, str]]:
    entries = []
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            entries.append((_ESCAPE.sub(lambda m: chr(int(m.group(1), 8)), fields[1]), fields[2]))
    return entries


def sqlite_file(database_url: str) -> str | None:
    """The file named by a SQLite URL, as written there; None for another database or an in-memory one."""
    try:
        url = make_url(database_url)
    except ArgumentError:
        return None
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:" or url.database.startswith("file::memory:"):
        return None
    return url.database


# --- I/O for the command ------------------------------------------------------------------------

def read_mounts() -> str:
    try:
        return MOUNTS.read_text()
    except OSError:  # not Linux: only UNC paths are recognised
        return ""


def database_file(database_url: str) -> str | None:
    """The SQLite database file, absolute with symlinks resolved (the file may not exist yet)."""
    path = sqlite_file(database_url)
    if path is None or is_unc(path):
        return path
    return os.path.realpath(path)


def check(settings: Settings) -> list[StartupProblem]:
    """The problems of this machine's configuration."""
    return startup_problems(settings, read_mounts(), database_file(settings.database_url))
