"""Production mode: `serve` and `worker` refuse an unsafe configuration, each problem in one line naming what to set."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from shopkeeper import cli, startup
from shopkeeper.settings import DEV_PAYMENT_SECRET, DEV_SESSION_SECRET, Settings
from shopkeeper.startup import network_filesystem, sqlite_file, startup_problems

SAFE = Settings(database_url="postgresql://shop@db/shop", env="production", payment_provider="callback",
                payment_secret="whsec_real", session_secret="a-long-random-session-secret")

MOUNTS = r"""sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
overlay / overlay rw,relatime,lowerdir=/var/lib/docker/overlay2/l/X 0 0
/dev/sda1 /srv ext4 rw,relatime 0 0
fileserver:/export/shop /srv/shared nfs4 rw,relatime,vers=4.2 0 0
/dev/sdb1 /srv/shared/local ext4 rw,relatime 0 0
//nas/public /mnt/nas cifs rw,relatime,vers=3.0 0 0
alice@host:/data /home/alice/remote fuse.sshfs rw,nosuid,nodev 0 0
C:\134 /mnt/c 9p rw,noatime,aname=drvfs 0 0
tmpfs /mnt/my\040files tmpfs rw 0 0
server:/vol /mnt/my\040files/net nfs rw 0 0
"""


# --- the pure checks -----------------------------------------------------------------------------

def test_a_safe_production_configuration_has_no_problem() -> None:
    assert startup_problems(SAFE, MOUNTS, "/srv/shop.db") == []
    assert startup_problems(SAFE, "", None) == []


@pytest.mark.parametrize("change, setting, what_to_set", [
    ({"payment_provider": "sandbox"}, "SHOPKEEPER_PAYMENT_PROVIDER", "set SHOPKEEPER_PAYMENT_PROVIDER=callback"),
    ({"payment_secret": DEV_PAYMENT_SECRET}, "SHOPKEEPER_PAYMENT_SECRET", "set SHOPKEEPER_PAYMENT_SECRET to your payment provider's"),
    ({"payment_secret": ""}, "SHOPKEEPER_PAYMENT_SECRET", "set SHOPKEEPER_PAYMENT_SECRET to"),
    ({"session_secret": DEV_SESSION_SECRET}, "SHOPKEEPER_SESSION_SECRET", "set SHOPKEEPER_SESSION_SECRET to a long random value"),
    ({"database_url": "sqlite:////srv/shared/shop.db"}, "SHOPKEEPER_DATABASE_URL", "set SHOPKEEPER_DATABASE_URL to a file on a local disk"),
])
def test_each_production_problem_names_what_to_set(change: dict[str, str], setting: str, what_to_set: str) -> None:
    settings = Settings(**{**SAFE.__dict__, **change})
    problems = startup_problems(settings, MOUNTS, startup.sqlite_file(settings.database_url))
    assert [p.setting for p in problems] == [setting]
    assert what_to_set in problems[0].message and "\n" not in problems[0].message
    assert startup.fatal(problems, settings) == problems  # production refuses every one


def test_the_network_database_problem_says_where_and_which_filesystem() -> None:
    settings = Settings(**{**SAFE.__dict__, "database_url": "sqlite:////srv/shared/shop.db"})
    [problem] = startup_problems(settings, MOUNTS, "/srv/shared/shop.db")
    assert "/srv/shared/shop.db" in problem.message and "(nfs4)" in problem.message


def test_development_defaults_are_warnings_outside_production() -> None:
    settings = Settings()
    problems = startup_problems(settings, MOUNTS, "/srv/shop.db")
    assert [p.setting for p in problems] == ["SHOPKEEPER_PAYMENT_PROVIDER", "SHOPKEEPER_PAYMENT_SECRET", "SHOPKEEPER_SESSION_SECRET"]
    assert startup.fatal(problems, settings) == []


def test_the_real_provider_with_the_development_secret_is_refused_everywhere() -> None:
    settings = Settings(payment_provider="callback")
    problems = startup_problems(settings, "", None)
    assert [p.setting for p in startup.fatal(problems, settings)] == ["SHOPKEEPER_PAYMENT_SECRET"]


# --- SQLite on a network path ----------------------------------------------------------------------

@pytest.mark.parametrize("path, filesystem", [
    ("/srv/shop.db", None),                          # ext4
    ("/var/lib/shop.db", None),                      # the overlay root
    ("/srv/shared/shop.db", "nfs4"),
    ("/srv/shared/deeper/dir/shop.db", "nfs4"),
    ("/srv/shared/local/shop.db", None),             # a local disk mounted inside the share
    ("/srv/sharedness/shop.db", None),               # a sibling whose name only begins like the mount point
    ("/mnt/nas/shop.db", "cifs"),
    ("/home/alice/remote/shop.db", "fuse.sshfs"),
    ("/mnt/c/Users/shop.db", "9p"),                  # WSL's Windows drive
    ("/mnt/my files/shop.db", None),                 # \040 in /proc/mounts is a space
    ("/mnt/my files/net/shop.db", "nfs"),
    ("//fileserver/share/shop.db", startup.UNC),
    ("\\\\fileserver\\share\\shop.db", startup.UNC),
    ("///srv/shop.db", None),                        # three slashes are a plain root
])
def test_network_filesystem_of_the_database_directory(path: str, filesystem: str | None) -> None:
    assert network_filesystem(path, MOUNTS) == filesystem


def test_a_share_mounted_at_the_root_and_no_mounts_at_all() -> None:
    assert network_filesystem("/shop.db", "server:/ / nfs rw 0 0\n") == "nfs"
    assert network_filesystem("/srv/shop.db", "") is None
    assert network_filesystem("/srv/shop.db", "garbage\n\n") is None


def test_the_later_of_two_mounts_at_one_point_wins() -> None:
    assert network_filesystem("/data/shop.db", "/dev/sda1 /data ext4 rw 0 0\nsrv:/x /data nfs rw 0 0\n") == "nfs"
    assert network_filesystem("/data/shop.db", "srv:/x /data nfs rw 0 0\n/dev/sda1 /data ext4 rw 0 0\n") is None


@pytest.mark.parametrize("url, path", [
    ("sqlite:///shopkeeper.db", "shopkeeper.db"),
    ("sqlite:////srv/shop.db", "/srv/shop.db"),
    ("sqlite://///nas/share/shop.db", "//nas/share/shop.db"),
    ("sqlite://", None),
    ("sqlite:///:memory:", None),
    ("postgresql://postgres@127.0.0.1:5432/shop", None),
    ("not a url", None),
])
def test_the_sqlite_file_of_a_database_url(url: str, path: str | None) -> None:
    assert sqlite_file(url) == path


def test_a_unc_database_url_is_a_network_path() -> None:
    settings = Settings(**{**SAFE.__dict__, "database_url": "sqlite://///nas/share/shop.db"})
    [problem] = startup_problems(settings, "", startup.database_file(settings.database_url))
    assert problem.setting == "SHOPKEEPER_DATABASE_URL" and "network share" in problem.message


# --- settings ------------------------------------------------------------------------------------

def test_the_sandbox_is_the_default_outside_production_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHOPKEEPER_PAYMENT_PROVIDER", raising=False)
    monkeypatch.delenv("SHOPKEEPER_ENV", raising=False)
    assert Settings.from_env().payment_provider == "sandbox" and Settings.from_env().sandbox_payments
    monkeypatch.setenv("SHOPKEEPER_ENV", "production")
    assert Settings.from_env().payment_provider == "callback"
    monkeypatch.setenv("SHOPKEEPER_PAYMENT_PROVIDER", "sandbox")
    assert not Settings.from_env().sandbox_payments  # never in production
    monkeypatch.setenv("SHOPKEEPER_PAYMENT_PROVIDER", "stripe")
    with pytest.raises(ValueError, match="SHOPKEEPER_PAYMENT_PROVIDER"):
        Settings.from_env()
    monkeypatch.setenv("SHOPKEEPER_ENV", "prod")
    with pytest.raises(ValueError, match="SHOPKEEPER_ENV"):
        Settings.from_env()


# --- the commands --------------------------------------------------------------------------------

def _run(command: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SHOPKEEPER_")}
    clean.update({"SHOPKEEPER_DATABASE_URL": f"sqlite:///{tmp_path / 'shop.db'}", "SHOPKEEPER_PORT": "1", **env})
    args = [sys.executable, "-m", "shopkeeper.cli", command] + (["--no-worker"] if command == "serve" else [])
    return subprocess.run(args, capture_output=True, text=True, env=clean, timeout=60)


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_production_with_the_sandbox_refuses_to_start(command: str, tmp_path: Path) -> None:
    done = _run(command, tmp_path, SHOPKEEPER_ENV="production", SHOPKEEPER_PAYMENT_PROVIDER="sandbox",
                SHOPKEEPER_PAYMENT_SECRET="whsec_real", SHOPKEEPER_SESSION_SECRET="a-long-random-session-secret")
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("refusing to start:")
    assert "set SHOPKEEPER_PAYMENT_PROVIDER=callback" in lines[0]
    assert "Shopkeeper on http" not in done.stdout and "worker running" not in done.stdout
    assert not (tmp_path / "shop.db").exists()  # it stopped before touching the database


def test_production_names_every_problem_at_once(tmp_path: Path) -> None:
    done = _run("serve", tmp_path, SHOPKEEPER_ENV="production")
    assert done.returncode != 0
    said = done.stderr
    for setting in ("SHOPKEEPER_PAYMENT_SECRET", "SHOPKEEPER_SESSION_SECRET"):
        assert f"set {setting}" in said
    assert said.count("refusing to start:") == 2  # production's default provider is the real one


def test_outside_production_the_same_problems_are_loud_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    cli._check_start(Settings(database_url="sqlite://"))
    said = capsys.readouterr().err
    assert said.count("WARNING") == 3 and "refusing" not in said
    assert "set SHOPKEEPER_PAYMENT_PROVIDER=callback" in said and "set SHOPKEEPER_SESSION_SECRET" in said


def test_the_demo_is_never_built_in_production(tmp_path: Path) -> None:
    done = _run("demo", tmp_path, SHOPKEEPER_ENV="production", SHOPKEEPER_PAYMENT_SECRET="whsec_real",
                SHOPKEEPER_SESSION_SECRET="a-long-random-session-secret")
    assert done.returncode == 2 and "refusing to build the demo" in done.stderr
    assert not (tmp_path / "shop.db").exists()
