"""Real Unix accounts for the tests that need them (test_hub, test_exchange): made with a name
the test chooses (a random suffix), removed with everything they ran."""
import contextlib
import os
import pwd
import secrets
import signal
import subprocess
import time

import pytest


def needs(condition, message):
    """Skip (fail on CI) unless condition."""
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def run_as(user, command, cwd="/", env=None, check=True):
    """command as the Unix account user (runuser: its uid and groups, a clean environment)."""
    account = pwd.getpwnam(user)
    base = {"HOME": account.pw_dir, "USER": user, "LOGNAME": user, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    done = subprocess.run(["runuser", "-u", user, "--", "env", "-i", *(f"{k}={v}" for k, v in {**base, **(env or {})}.items()),
                           *command], cwd=cwd, capture_output=True, text=True)
    if check:
        assert done.returncode == 0, f"{command} as {user}: {done.stdout[-2000:]}{done.stderr[-2000:]}"
    return done


def add_account(name):
    password = secrets.token_urlsafe(16)
    subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", name], check=True)
    subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, check=True)
    return password


def remove_account(name):
    """End what the account still runs (its processes, by id), then remove it and its home."""
    with contextlib.suppress(KeyError):
        uid = pwd.getpwnam(name).pw_uid
        for _ in range(5):
            pids = subprocess.run(["pgrep", "-U", str(uid)], capture_output=True, text=True).stdout.split()
            if not pids:
                break
            for pid in pids:
                with contextlib.suppress(ProcessLookupError, ValueError):
                    os.kill(int(pid), signal.SIGKILL)
            time.sleep(0.5)
        subprocess.run(["userdel", "--remove", name], capture_output=True)
