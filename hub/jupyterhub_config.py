"""JupyterHub's configuration for the class (hub/classhub.py writes the settings it reads).

The hub listens on 127.0.0.1 only; its own API and the proxy's API on free ports (none fixed,
so two hubs, or a test beside a class, never collide). PAM logs in the instructor and the
students listed, nobody else; each one's server runs as their Unix account from the class's
environment. Students get the kit's student-only configuration (JUPYTER_CONFIG_PATH: the
Assignment List and Validate, no formgrader); the instructor gets nbgrader's full set, in
their copy of the repository (the course below it), with that copy of the course's packages on PYTHONPATH.
"""
import json
import os
import pathlib
import socket

settings = json.loads(pathlib.Path(os.environ["CLASSHUB_SETTINGS"]).read_text())
state = pathlib.Path(os.environ["CLASSHUB_SETTINGS"]).parent
env_bin = str(pathlib.Path(settings["env"]) / "bin")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = settings["port"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = free_port()
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{free_port()}"
c.ConfigurableHTTPProxy.command = [settings["proxy"]]
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(state / "jupyterhub.pid")

c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = {settings["instructor"], *settings["students"]}
c.PAMAuthenticator.open_sessions = False        # no systemd session per server

# The default LocalProcessSpawner: each server runs as its user's own uid (the hub is root).
c.Spawner.cmd = [f"{env_bin}/jupyterhub-singleuser"]
c.Spawner.default_url = "/lab"
# A terminal's shell is not a login shell: Debian's /etc/profile would reset PATH and take the
# class's environment (its python, nbgrader) out of it.
c.Spawner.args = ["--ServerApp.terminado_settings=shell_command=/bin/bash"]
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.env_keep = ["LANG", "LC_ALL"]         # nothing of root's environment (its PATH, its venv) goes through
# nbgrader runs the alembic it installs, from PATH; the kernel is the environment's.
c.Spawner.environment = {"PATH": f"{env_bin}:/usr/local/bin:/usr/bin:/bin", "JUPYTER_PREFER_ENV_PATH": "1"}


def per_user(spawner):
    """The student-only configuration for students; for the instructor, the course folder and
    the copy of the course's packages its nbgrader_config.py imports."""
    name = spawner.user.name
    if name == settings["instructor"]:
        spawner.environment["PYTHONPATH"] = settings["course_copy"]
        spawner.notebook_dir = settings["course_copy"]      # the formgrader wants the course below it
    else:
        spawner.environment["JUPYTER_CONFIG_PATH"] = settings["student_config"]
        spawner.notebook_dir = "~"


c.Spawner.pre_spawn_hook = per_user
