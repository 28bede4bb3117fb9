"""Start the real action server and Rasa server on free loopback ports, for tests.

Each test session gets its own ports, table database and tracker store in a temporary folder,
so it never touches a running `make run` and leaves nothing behind.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited early:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not come up in {seconds}s:\n{log.read_text()[-3000:]}")


@dataclass
class Servers:
    rasa_url: str
    action_url: str
    workdir: Path
    rasa_urls: tuple[str, ...] = ()  # every Rasa server started (`rasa_servers`), first = rasa_url
    control: Control | None = field(default=None, repr=False)  # stop/start them (fault tests)

    def pseudonym(self, sender: str, channel: str = "rest") -> str:
        """The sender id Rasa knows for `sender` on a channel (`channels.identity`), computed
        with the servers' SENDER_ID_KEY, for reading trackers by sender id."""
        from channels import identity

        prefix = {"webchat": "web"}.get(channel, channel)
        key = self.control.env.get(identity.KEY_ENV) if self.control else None
        if not key:  # both sides read the same key file under var/
            return identity.pseudonymize(prefix, sender)
        from tests.integration.chat_apps import pseudonym

        return pseudonym(key, prefix, sender)

    def tracker(self, sender: str, channel: str = "rest") -> dict:
        answer = requests.get(
            f"{self.rasa_url}/conversations/{self.pseudonym(sender, channel)}/tracker", timeout=30
        )
        answer.raise_for_status()
        return answer.json()

    def say(
        self, sender: str, message: str, channel: str = "rest", metadata: dict | None = None
    ) -> list[dict]:
        body: dict = {"sender": sender, "message": message}
        if metadata is not None:
            body["metadata"] = metadata
        response = requests.post(
            f"{self.rasa_url}/webhooks/{channel}/webhook", json=body, timeout=60
        )
        response.raise_for_status()
        return response.json()


def latest_model() -> Path:
    models = sorted((ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        subprocess.run([str(ROOT / "scripts" / "train-if-needed")], check=True, cwd=ROOT)
        models = sorted((ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1]


@contextmanager
def running_servers(
    workdir: Path,
    extra_env: dict | None = None,
    tables_dir: Path | None = None,
    endpoints: Path | None = None,
    rasa_servers: int = 1,
    startup_seconds: float = 240,
):
    """`tables_dir`: the table folder the action server compiles and watches (default the
    project's `entitlements/`). `endpoints`: an endpoints file to use instead of the SQLite one
    written here (it gets the action server's URL as `${ACTION_ENDPOINT_URL}`); `rasa_servers`:
    how many Rasa servers to start, in parallel, sharing it (scale-out tests); `startup_seconds`:
    how long each may take to come up (several loading a model at once share the cores)."""
    action_port, rasa_port = free_port(), free_port()
    rasa_ports = [rasa_port] + [free_port() for _ in range(rasa_servers - 1)]
    env = {
        **os.environ,
        "SANIC_HOST": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{workdir / 'entitlements.sqlite3'}",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "TF_ENABLE_ONEDNN_OPTS": "0",  # ~220 MB less for the Rasa server (Makefile)
        **({"ENTITLEMENTS_DIR": str(tables_dir)} if tables_dir else {}),
        **({"ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook"} if endpoints else {}),
        **(extra_env or {}),
    }
    if endpoints is None:
        endpoints = workdir / "endpoints.yml"
        endpoints.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n  timeout: 5\n'
            "nlg:\n  type: i18n.nlg.CatalogNLG\n"
            "tracker_store:\n  type: privacy.tracker_store.PrivateSQLTrackerStore\n"
            f"  dialect: sqlite\n  db: {workdir / 'tracker.sqlite3'}\n"
        )
    rasa_names = ["rasa"] + [f"rasa-{i + 1}" for i in range(1, rasa_servers)]
    logs = {name: workdir / f"{name}.log" for name in ("actions", *rasa_names)}
    processes: list[subprocess.Popen] = []
    try:
        with logs["actions"].open("w") as out:
            actions = _start_actions(action_port, env, out)
        processes.append(actions)
        rasas: list[subprocess.Popen] = []
        for name, port in zip(rasa_names, rasa_ports, strict=True):
            with logs[name].open("w") as out:
                rasas.append(_start_rasa(port, endpoints, env, out))
        processes += rasas
        action_url = f"http://127.0.0.1:{action_port}"
        rasa_urls = tuple(f"http://127.0.0.1:{port}" for port in rasa_ports)
        wait_until_up(f"{action_url}/health", actions, logs["actions"], 90)
        for name, url, rasa in zip(rasa_names, rasa_urls, rasas, strict=True):
            wait_until_up(f"{url}/status", rasa, logs[name], startup_seconds)
        control = Control(processes, env, endpoints, action_port, rasa_ports[0], logs)
        yield Servers(rasa_urls[0], action_url, workdir, rasa_urls, control)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _start_rasa(port: int, endpoints: Path, env: dict, out) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(BIN / "rasa"),
            "run",
            "--enable-api",
            "-i",
            "127.0.0.1",
            "-p",
            str(port),
            "--model",
            str(latest_model()),
            "--endpoints",
            str(endpoints),
            "--credentials",
            str(ROOT / "credentials.yml"),
        ],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )


def _start_actions(port: int, env: dict, out) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "python"), "-m", "actions.server", "--actions", "actions", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )


@dataclass
class Control:
    """Stop, freeze and restart the servers of `running_servers` on the same ports (faults).

    `processes` is the list `running_servers` terminates at the end: a restarted server takes
    the place of the one it replaces, so nothing is left running. Logs are appended to.
    """

    processes: list[subprocess.Popen]
    env: dict
    endpoints: Path
    action_port: int
    rasa_port: int
    logs: dict[str, Path]

    @property
    def actions(self) -> subprocess.Popen:
        return self.processes[0]

    @property
    def rasa(self) -> subprocess.Popen:
        return self.processes[1]

    def _stop(self, process: subprocess.Popen) -> None:
        process.send_signal(signal.SIGCONT)  # a frozen process cannot handle SIGTERM
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def stop_action_server(self) -> None:
        self._stop(self.actions)

    def start_action_server(self) -> None:
        with self.logs["actions"].open("a") as out:
            self.processes[0] = _start_actions(self.action_port, self.env, out)
        url = f"http://127.0.0.1:{self.action_port}/health"
        wait_until_up(url, self.actions, self.logs["actions"], 90)

    def freeze_action_server(self) -> None:
        """SIGSTOP: the port still accepts connections, nothing answers (a hung server)."""
        self.actions.send_signal(signal.SIGSTOP)

    def thaw_action_server(self) -> None:
        self.actions.send_signal(signal.SIGCONT)

    def restart_rasa(self) -> None:
        self._stop(self.rasa)
        with self.logs["rasa"].open("a") as out:
            self.processes[1] = _start_rasa(self.rasa_port, self.endpoints, self.env, out)
        url = f"http://127.0.0.1:{self.rasa_port}/status"
        wait_until_up(url, self.rasa, self.logs["rasa"], 240)
