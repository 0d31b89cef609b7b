#!/usr/bin/env python3
"""tenantforge benchmark: the packaged control plane against the raw-primitives baseline, in the same run.

Starts target/tenantforge-*.jar as its own process (own databases, ports and folders), runs the scenarios, prints a
markdown table and writes CSV under target/bench/. Every tenant it creates is removed again. All traffic goes to
127.0.0.1. Run on demand (not part of the test suite):  bash bench/run.sh
Sizes: SINGLE (30 one-at-a-time tenants, with the warm pool off, then with POOL=2 slots per tier; POOL=0 skips
the second round), BURST (200 orders dropped on the queue), RAW_PARALLEL (8),
INTAKE_SECONDS (10), SWEEP_SIZES (50,200,500; empty to skip the sweep scenario and the no-op rollout check at each
size, scenario 6); ROLLOUT_MIGRATE (500: schemas a one-table migration is applied to, 0 skips scenario 7) and
ROLLOUT_IMAGE (100: tenants an image rollout moves from v1 to v2 through the router); JAVA_OPTS and EXTRA_ARGS
(control-plane arguments) for the way it is run.
"""
import base64
import csv
import http.client
import json
import os
import socket
import ssl
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "target", "bench")
RAW = os.environ.get("RAW_PROVISION", os.path.join(ROOT, "bench", "raw-provision.sh"))
PORT = 18090
BROKER = 61619
BROKER_USER, BROKER_PASSWORD = "bench-orders", "bench-orders-password"
BASE = f"http://127.0.0.1:{PORT}"
PASSWORD = "bench-admin-password"
AUTH = "Basic " + base64.b64encode(f"admin:{PASSWORD}".encode()).decode()
SINGLE = int(os.environ.get("SINGLE", "30"))
POOL = int(os.environ.get("POOL", "2"))  # scenario 1 again with the warm pool on, this many slots per tier
BURST = int(os.environ.get("BURST", "200"))
RAW_PARALLEL = int(os.environ.get("RAW_PARALLEL", "8"))
INTAKE_SECONDS = int(os.environ.get("INTAKE_SECONDS", "10"))
SWEEP_SIZES = [int(n) for n in os.environ.get("SWEEP_SIZES", "50,200,500").split(",") if n.strip()]
SWEEPS_PER_SIZE = 3
ROLLOUT_MIGRATE = int(os.environ.get("ROLLOUT_MIGRATE", "500"))
ROLLOUT_IMAGE = int(os.environ.get("ROLLOUT_IMAGE", "100"))
V1, V2 = "tenantforge/tenant-smoke:v1", "tenantforge/tenant-smoke:v2"
# scenario 7's router: a Caddy the control plane runs itself, its own ports and data folder, on 127.0.0.1
ROUTER_ADMIN, ROUTER_PORT, ROUTER_DOMAIN = 18019, 18443, "tenants.bench"
LOAD_THREADS, LOAD_MAX_REQUESTS, LOAD_MAX_SECONDS = 4, 200_000, 600
# how the control plane is run: the JVM settings the README recommends (JAVA_OPTS="" for the JVM's defaults)
JAVA_OPTS = os.environ.get("JAVA_OPTS", "-Xmx256m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 "
                           "-XX:MaxMetaspaceSize=192m -XX:ReservedCodeCacheSize=64m")
rows = []


def request(method, path, body=None, timeout=30):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method,
                                 headers={"Authorization": AUTH, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def status(tenant):
    code, body = request("GET", f"/api/v1/tenants/{tenant}")
    return json.loads(body)["status"] if code == 200 else None


def wait_for(tenants, wanted, timeout):
    """Polls until every tenant is in one of the wanted states: one tenant every 5 ms (latency), many every 500 ms
    through the list (so the harness's own polling does not load the control plane)."""
    pending, deadline = set(tenants), time.time() + timeout
    while pending and time.time() < deadline:
        if len(pending) == 1:
            states = {t: status(t) for t in pending}
        else:
            code, body = request("GET", "/api/v1/tenants")
            states = {t["id"]: t["status"] for t in json.loads(body)} if code == 200 else {}
        pending = {t for t in pending if states.get(t) not in wanted}
        if pending:
            time.sleep(0.005 if len(pending) == 1 else 0.5)
    return pending


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    except (OSError, StopIteration):
        return 0


def metric(name, text):
    values = {}
    for line in text.splitlines():
        if line.startswith(name):
            values[line.split(" ")[0]] = float(line.split(" ")[-1])
    return values


def cpu_by_process():
    """CPU seconds used so far per command name (with children reaped by it), for who-used-the-machine tables."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        seconds = sum(int(x) for x in fields[11:15]) / ticks  # utime stime cutime cstime
        key = "java (control plane)" if name == "java" else "containerd-shim" if name.startswith("containerd-shim") else name
        used[key] = used.get(key, 0) + seconds
    return used


def machine_cpu():
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")  # busy seconds (all but idle, iowait)


def add_cpu(scenario, label, before, after, busy, count):
    """Rows: CPU milliseconds per tenant, by process, between two cpu_by_process() snapshots."""
    spent = {k: after.get(k, 0) - before.get(k, 0) for k in after}
    add(scenario, f"{label}: machine CPU per tenant", 1000 * busy / count, None, "ms", "-")
    for name, seconds in sorted(spent.items(), key=lambda kv: -kv[1])[:6]:
        if seconds > 0.05 * busy:
            add(scenario, f"{label}: CPU per tenant in {name}", 1000 * seconds / count, None, "ms", "-")


def pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100.0 * (len(ordered) - 1))))]


def add(scenario, measure, tenantforge, baseline, unit, better):
    ratio = (tenantforge / baseline) if baseline else None
    rows.append({"scenario": scenario, "measure": measure, "tenantforge": round(tenantforge, 1),
                 "baseline": round(baseline, 1) if baseline is not None else "", "unit": unit,
                 "ratio": round(ratio, 2) if ratio else "", "target": better})
    print(f"bench: {scenario} | {measure} | {rows[-1]['tenantforge']} | {rows[-1]['baseline']} {unit}",
          file=sys.stderr, flush=True)  # progress, in case a long run is cut short


def control_plane_args():
    return [f"--server.port={PORT}",
            "--spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/tenantforge_bench",
            "--tenantforge.database.url=jdbc:postgresql://127.0.0.1:5432/tenantforge_bench_tenants",
            f"--spring.artemis.embedded.data-directory={OUT}/artemis",
            f"--tenantforge.intake.broker-acceptor=tcp://127.0.0.1:{BROKER}?protocols=CORE,AMQP,STOMP",
            f"--tenantforge.intake.orders-dir={OUT}/orders", f"--tenantforge.runtime.secrets-dir={OUT}/secrets",
            "--tenantforge.runtime.port-range-start=23000", "--tenantforge.runtime.port-range-end=23999",
            "--tenantforge.database.archive-on-delete=false", "--tenantforge.security.order-burst=100000",
            "--tenantforge.security.orders-per-minute=100000", "--logging.level.io.tenantforge=INFO",
            # the producer the burst logs in as (bcrypt, cost 4, of BROKER_PASSWORD)
            f"--tenantforge.broker.users[0].name={BROKER_USER}", "--tenantforge.broker.users[0].role=producer",
            "--tenantforge.broker.users[0].password-hash="
            "{bcrypt}$2a$04$ciJrlcvnU2YVM3R/zwS6NO9HeGrw.9MIyZMt/1IQhK2Vme0gGBEcG"] \
        + os.environ.get("EXTRA_ARGS", "").split()  # e.g. --tenantforge.runtime.health-check-interval=600s


def control_plane_env():
    return dict(os.environ, MALLOC_ARENA_MAX="2", TENANTFORGE_ADMIN_PASSWORD=PASSWORD,
                TENANTFORGE_BROKER_PASSWORD="bench-control-plane-broker-password",
                TENANTFORGE_SECRET_KEY=base64.b64encode(b"bench-key-of-exactly-32-bytes!!!").decode())


def start_control_plane(fast, extra=()):
    """Starts the control plane and waits for readiness. fast: the way scripts/demo.sh starts it (the extracted jar
    and its class-data-sharing archive from scripts/cds.sh); otherwise `java -jar` on the fat jar (the baseline).
    extra: more control-plane arguments (scenario 7's router)."""
    extra = list(extra)
    if fast:
        prepared = subprocess.run(["bash", "scripts/cds.sh"] + control_plane_args() + extra, cwd=ROOT,
                                  env=dict(control_plane_env(), JAVA_OPTS=JAVA_OPTS), capture_output=True,
                                  text=True, check=True)
        launch = prepared.stdout.split()
    else:
        jar = next(os.path.join(ROOT, "target", f) for f in os.listdir(os.path.join(ROOT, "target"))
                   if f.startswith("tenantforge-") and f.endswith(".jar"))
        launch = ["-jar", jar]
    args = ["java"] + JAVA_OPTS.split() + launch + control_plane_args() + extra
    log = open(os.path.join(OUT, "control-plane.log"), "a")
    started = time.time()
    process = subprocess.Popen(args, cwd=ROOT, env=control_plane_env(), stdout=log, stderr=subprocess.STDOUT)
    while True:
        try:
            with urllib.request.urlopen(BASE + "/actuator/health/readiness", timeout=2) as r:
                if r.status == 200:
                    break
        except (urllib.error.URLError, ConnectionError, socket.timeout):
            pass
        if process.poll() is not None:
            sys.exit("the control plane exited; see target/bench/control-plane.log")
        time.sleep(0.05)
    return process, time.time() - started


def stomp_send(bodies):
    """Drops orders on tenant.orders over STOMP, durable, in one connection."""
    with socket.create_connection(("127.0.0.1", BROKER), timeout=30) as s:
        s.sendall(f"CONNECT\naccept-version:1.2\nhost:localhost\nlogin:{BROKER_USER}\n"
                  f"passcode:{BROKER_PASSWORD}\n\n\0".encode())
        if not s.recv(4096).startswith(b"CONNECTED"):
            sys.exit("the broker refused the bench's producer login")
        for body in bodies:
            frame = ("SEND\ndestination:tenant.orders\ndestination-type:ANYCAST\npersistent:true\n"
                     "content-type:application/json\n\n" + json.dumps(body) + "\0")
            s.sendall(frame.encode())
        s.sendall(b"DISCONNECT\nreceipt:done\n\n\0")
        s.recv(4096)


def raw(slug, port):
    result = subprocess.run(["bash", RAW, slug, str(port)], capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    fields = dict(kv.split("=") for kv in result.stdout.split()[1:])
    return {k: int(v) for k, v in fields.items()}


def raw_remove(slug):
    subprocess.run(["bash", RAW, "--remove", slug], capture_output=True, timeout=120)


def redis_command_calls():
    """Redis's own count of commands served (INFO commandstats), to check the sweep's count from outside."""
    out = subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "INFO", "commandstats"],
                         capture_output=True, text=True).stdout
    return sum(int(line.split("calls=")[1].split(",")[0]) for line in out.splitlines() if "calls=" in line)


def sweep_scenario():
    """5: the health sweep at growing fleet sizes: duration and calls per sweep (constant but for /health probes)."""
    fleet = []
    for size in SWEEP_SIZES:
        grow = [f"bench-w{i}" for i in range(len(fleet), size)]
        stomp_send([{"name": t, "subdomain": t, "tier": "basic"} for t in grow])
        left = wait_for(grow, {"ACTIVE", "FAILED"}, 1800)
        fleet += grow
        failed = [t for t in grow if status(t) != "ACTIVE"] + sorted(left)
        durations, reports, redis_deltas = [], [], []
        for _ in range(SWEEPS_PER_SIZE):
            while True:  # 409: the scheduled sweep is running; the next one is ours
                before = redis_command_calls()
                code, body = request("POST", "/api/v1/fleet/sweep", timeout=300)
                if code != 409:
                    break
                time.sleep(0.5)
            redis_deltas.append(redis_command_calls() - before - 1)  # minus this INFO itself
            if code != 200:
                raise RuntimeError(f"sweep answered {code}: {body}")
            report = json.loads(body)
            reports.append(report)
            durations.append(report["durationMillis"])
        calls = reports[-1]["calls"]
        healthy = reports[-1]["tenants"]["HEALTHY"]
        label = f"{size} tenants"
        add("5 sweep", f"{label}: sweep duration (median of {SWEEPS_PER_SIZE})", statistics.median(durations), None, "ms", "-")
        add("5 sweep", f"{label}: healthy / failed to provision", healthy, len(failed), "count", "-")
        add("5 sweep", f"{label}: engine calls", calls["engine"], None, "count", "constant")
        add("5 sweep", f"{label}: tenants-db + control-plane-db queries",
            calls["tenantsDatabase"] + calls["controlPlaneDatabase"], None, "count", "constant")
        add("5 sweep", f"{label}: Redis calls (report / INFO commandstats)", calls["redis"], max(redis_deltas), "count", "constant")
        add("5 sweep", f"{label}: /health probes (parallel)", calls["healthProbes"], None, "count", "= tenants")
        rollout_noop_scenario(size)
    delete_all(fleet)


def rollout_noop_scenario(size):
    """6: a no-op version check of the whole fleet: the ledger in one query, and a rollout to the version every
    tenant is at already (planned from that one query: no tenant to upgrade, no migration run)."""
    began = time.monotonic()
    code, body = request("GET", "/api/v1/fleet/versions")
    ledger_ms = (time.monotonic() - began) * 1000
    if code != 200:
        raise RuntimeError(f"GET /fleet/versions answered {code}: {body}")
    current = json.loads(body)["current"]
    began = time.monotonic()
    code, body = request("POST", "/api/v1/fleet/rollouts", {"image": current["image"],
                         "schemaVersion": current["schemaVersion"], "waves": ["1", "10%", "100%"]})
    noop_ms = (time.monotonic() - began) * 1000
    if code != 202:
        raise RuntimeError(f"no-op rollout answered {code}: {body}")
    planned = json.loads(body)["tenants"]
    rollout_id, deadline = json.loads(body)["id"], time.time() + 60
    while time.time() < deadline:  # the driver completes it at its next tick; the next rollout would get 409
        if json.loads(request("GET", f"/api/v1/fleet/rollouts/{rollout_id}")[1])["state"] != "RUNNING":
            break
        time.sleep(0.2)
    add("6 rollout", f"{size} tenants: GET /fleet/versions (one ledger query)", ledger_ms, None, "ms", "< 1000 ms")
    add("6 rollout", f"{size} tenants: no-op rollout checked and planned", noop_ms, None, "ms", "< 1000 ms")
    add("6 rollout", f"{size} tenants: tenants to upgrade in the no-op rollout", planned, None, "count", "0")


def control_plane_sql(statement):
    """One statement on the bench's control-plane database (set-up only: the fleet's version scenario 7 starts at)."""
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "tenantforge_bench", "-qAtc", statement],
                   check=True, capture_output=True, text=True)


def tenants_sql(query):
    return subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "tenantforge_bench_tenants", "-qAtc",
                           query], check=True, capture_output=True, text=True).stdout.strip()


def router_args():
    return ["--tenantforge.routing.enabled=true", f"--tenantforge.routing.base-domain={ROUTER_DOMAIN}",
            f"--tenantforge.routing.admin-url=http://127.0.0.1:{ROUTER_ADMIN}",
            f"--tenantforge.routing.edge-admin-url=http://127.0.0.1:{ROUTER_ADMIN - 1}",
            "--tenantforge.routing.listen-address=127.0.0.1", f"--tenantforge.routing.listen-port={ROUTER_PORT}",
            "--tenantforge.routing.certificate-issuer=internal", "--tenantforge.routing.process.managed=true",
            f"--tenantforge.routing.process.data-dir={OUT}/router",
            # Docker's own health check of 500 containers would take both cores (as in scenario 5 at 500): the
            # rollout probes each new container's /health itself
            "--tenantforge.runtime.health-check-interval=600s"]


class RouterLoad:
    """A bounded load loop through the router (127.0.0.1, SNI and Host the tenant's hostname, the router's own root
    certificate): LOAD_THREADS threads going round the tenants, GET /health on a new connection each time, until
    stopped, LOAD_MAX_REQUESTS requests or LOAD_MAX_SECONDS. Counts answers other than 200 and connection errors."""

    def __init__(self, slugs):
        self.slugs, self.ok, self.failures, self.stopped = slugs, 0, [], False
        self.context = ssl.create_default_context(cafile=os.path.join(OUT, "router", "storage", "pki",
                                                                      "authorities", "local", "root.crt"))
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, args=(n,)) for n in range(LOAD_THREADS)]
        self.deadline = time.time() + LOAD_MAX_SECONDS

    def get(self, slug):
        host = f"{slug}.{ROUTER_DOMAIN}"
        sock = socket.create_connection(("127.0.0.1", ROUTER_PORT), timeout=10)
        connection = http.client.HTTPSConnection(host, ROUTER_PORT, timeout=10, context=self.context)
        connection.sock = self.context.wrap_socket(sock, server_hostname=host)
        try:
            connection.request("GET", "/health", headers={"Host": host})
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()

    def run(self, n):
        i = n
        while not self.stopped and time.time() < self.deadline:
            with self.lock:
                if self.ok + len(self.failures) >= LOAD_MAX_REQUESTS:
                    return
            slug = self.slugs[i % len(self.slugs)]
            i += LOAD_THREADS
            try:
                code = self.get(slug)
                outcome = None if code == 200 else f"{slug}: {code}"
            except (OSError, http.client.HTTPException) as e:
                outcome = f"{slug}: {e}"
            with self.lock:
                if outcome is None:
                    self.ok += 1
                else:
                    self.failures.append(outcome)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_):
        self.stopped = True
        for thread in self.threads:
            thread.join()


def run_rollout(body, timeout):
    """Starts a rollout and waits until it is no longer RUNNING; returns its final view and its own duration."""
    code, answer = request("POST", "/api/v1/fleet/rollouts", body)
    if code != 202:
        raise RuntimeError(f"rollout answered {code}: {answer}")
    rollout_id = json.loads(answer)["id"]
    deadline = time.time() + timeout
    while time.time() < deadline:
        _, answer = request("GET", f"/api/v1/fleet/rollouts/{rollout_id}")
        view = json.loads(answer)
        if view["state"] != "RUNNING":
            break
        time.sleep(0.2)
    else:
        raise RuntimeError(f"rollout {rollout_id} still RUNNING after {timeout} s")

    def instant(text):  # ISO-8601 with nanoseconds and Z, as the API writes it
        seconds, _, fraction = text.rstrip("Z").partition(".")
        return time.mktime(time.strptime(seconds, "%Y-%m-%dT%H:%M:%S")) + float("0." + (fraction or "0"))

    return view, instant(view["finishedAt"]) - instant(view["createdAt"])


def rollout_scenario():
    """7: the fleet's version moved in rollouts (issue 20), on a control plane that also runs the router: a one-table
    tenant migration (db/tenant V2) applied to ROLLOUT_MIGRATE schemas by a schema-only rollout (same image, so no
    container is restarted), at most 8 tenants at once; then an image rollout of ROLLOUT_IMAGE tenants from v1 to v2
    (the rest pinned) while a bounded load loop goes through the router to every one of them."""
    process, _ = start_control_plane(fast=True, extra=router_args())
    fleet = [f"bench-u{i}" for i in range(ROLLOUT_MIGRATE)]
    try:
        # the fleet starts on v1 at schema 1 (new orders take the fleet's version)
        control_plane_sql("INSERT INTO fleet_version (id, image, schema_version) VALUES (1, '" + V1 + "', '1') "
                          "ON CONFLICT (id) DO UPDATE SET image = excluded.image, schema_version = '1'")
        stomp_send([{"name": t, "subdomain": t, "tier": "basic"} for t in fleet])
        left = wait_for(fleet, {"ACTIVE", "FAILED"}, 1800)
        active = [t for t in fleet if t not in left and status(t) == "ACTIVE"]
        add("7 rollout", f"{ROLLOUT_MIGRATE} tenants ordered on v1 at schema 1: ACTIVE", len(active), None, "count",
            f"= {ROLLOUT_MIGRATE}")
        rollout_noop_scenario(len(active))  # 6 at this size: the whole fleet's versions checked, nothing to do

        view, seconds = run_rollout({"image": V1, "schemaVersion": "2", "waves": ["1", "100%"], "maxUnavailable": 8,
                                     "failureThreshold": 1}, 600)
        migrated = int(tenants_sql("SELECT count(*) FROM information_schema.columns WHERE table_schema LIKE "
                                   "'tenant\\_bench\\_u%' AND table_name = 'customers' AND column_name = 'notes'"))
        add("7 rollout", f"schema-only rollout (V2: one column, one table) over {view['tenants']} schemas, 8 at once",
            seconds * 1000, None, "ms", "< 30000 ms")
        add("7 rollout", f"schemas at V2 afterwards (rollout {view['state']})", migrated, None, "count",
            f"= {view['tenants']}")

        moved = active[:ROLLOUT_IMAGE]
        for t in active[ROLLOUT_IMAGE:]:
            code, answer = request("PUT", f"/api/v1/tenants/{t}/pin", {"pinned": True})
            if code != 200:
                raise RuntimeError(f"pin {t} answered {code}: {answer}")
        # before the rollout: every tenant answers 200 through the router (Caddy issues the new tenants'
        # certificates in the background: until it has, the handshake fails)
        warm = RouterLoad(moved)
        began, answered = time.time(), set()
        while len(answered) < len(moved) and time.time() < began + 600:
            for slug in moved:
                if slug not in answered:
                    try:
                        if warm.get(slug) == 200:
                            answered.add(slug)
                    except (OSError, http.client.HTTPException):
                        pass
            time.sleep(0.2)
        add("7 rollout", f"{len(moved)} tenants ACTIVE → each answers 200 through the router (certificates issued)",
            (time.time() - began) * 1000, None, "ms", "-")
        with RouterLoad(moved) as load:
            view, seconds = run_rollout({"image": V2, "schemaVersion": "2", "waves": ["1", "10%", "100%"],
                                         "maxUnavailable": 8, "failureThreshold": 1}, 1200)
        failures = load.failures
        if failures:
            print(f"rollout: answers other than 200 through the router: {failures[:10]}", file=sys.stderr)
        add("7 rollout", f"image rollout v1 -> v2 of {view['tenants']} tenants: wall time", seconds * 1000, None, "ms",
            "-")
        add("7 rollout", "image rollout: tenants per minute", view["upgraded"] / seconds * 60, None, "1/min", "-")
        add("7 rollout", f"image rollout: tenants upgraded (rollout {view['state']})", view["upgraded"], None,
            "count", f"= {view['tenants']}")
        add("7 rollout", "image rollout: tenants failed", view["failed"], None, "count", "0")
        add("7 rollout", "requests through the router during the rollout", load.ok + len(failures), None, "count",
            "-")
        add("7 rollout", "requests through the router other than 200 during the rollout", len(failures), None,
            "count", "0")
    finally:
        delete_all(fleet)
        control_plane_sql("DELETE FROM fleet_version")
        process.terminate()
        process.wait(timeout=60)


def pool_size(size):
    """Sets the warm pool's size through the console's JMX bean (Jolokia), as an operator does in Hawtio."""
    code, body = request("GET", f"/actuator/jolokia/write/io.tenantforge:type=SchemaPool/Size/{size}")
    if code != 200 or '"status":200' not in body:
        sys.exit(f"cannot set the pool size: {code} {body}")


def pool_ready(tier="basic"):
    _, prometheus = request("GET", "/actuator/prometheus")
    return metric("tenantforge_pool_ready", prometheus).get(f'tenantforge_pool_ready{{tier="{tier}"}}', 0)


def single_scenario(pool):
    """1: SINGLE tenants one at a time, order accepted -> ACTIVE, vs the raw script one at a time, in alternation.
    pool: the warm pool's size (0: off); with it on, each order starts once the pool is full again."""
    label = f"1 single tenant, pool {pool}" if pool else "1 single tenant, pool off"
    single = [f"bench-{'p' if pool else 's'}{i}" for i in range(SINGLE)]
    latencies, raw_totals = [], []
    pool_size(pool)

    def refilled():
        deadline = time.time() + 60
        while pool and pool_ready() < pool and time.time() < deadline:
            time.sleep(0.05)

    _, before = request("GET", "/actuator/prometheus")
    for i, t in enumerate(single):  # in alternation, so both see the same machine
        refilled()
        began = time.time()
        request("POST", "/api/v1/tenants", {"name": t, "subdomain": t, "tier": "basic"})
        wait_for([t], {"ACTIVE", "FAILED"}, 120)
        latencies.append((time.time() - began) * 1000)
        refilled()  # the raw script does not share the machine with the pool's refill
        raw_totals.append(raw(f"b{i}", 24000 + i)["total_ms"])
    for i in range(SINGLE):
        raw_remove(f"b{i}")
    pool_size(0)
    for p in (50, 95):
        add(label, f"p{p} order→ACTIVE", pct(latencies, p), pct(raw_totals, p), "ms",
            "ratio ≤ 0.5 at p50" if pool else "ratio ≤ 1.0 at p50")
    add(label, "max order→ACTIVE", max(latencies), max(raw_totals), "ms", "-")
    _, prometheus = request("GET", "/actuator/prometheus")
    sums, counts = metric("tenantforge_provisioning_step_seconds_sum", prometheus), \
        metric("tenantforge_provisioning_step_seconds_count", prometheus)
    sums0, counts0 = metric("tenantforge_provisioning_step_seconds_sum", before), \
        metric("tenantforge_provisioning_step_seconds_count", before)
    for step in ("database", "cache", "container", "health"):
        key = next((k for k in sums if f'step="{step}"' in k and 'outcome="success"' in k), None)
        count_key = key.replace("_sum", "_count") if key else None
        if key and counts.get(count_key):
            n = counts[count_key] - counts0.get(count_key, 0)
            if n:
                add(label, f"mean {step} step", (sums[key] - sums0.get(key, 0)) / n * 1000, None, "ms", "-")
    delete_all(single)


def burst_scenario(process):
    """2: BURST orders dropped on the queue at once vs the raw script RAW_PARALLEL at a time."""
    burst = [f"bench-b{i}" for i in range(BURST)]
    peak, sampling = [0], [True]

    def sample():
        while sampling[0]:
            peak[0] = max(peak[0], rss_kb(process.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample)
    sampler.start()
    cpu_before, busy_before = cpu_by_process(), machine_cpu()
    began = time.time()
    stomp_send([{"name": t, "subdomain": t, "tier": "basic"} for t in burst])
    left = wait_for(burst, {"ACTIVE", "FAILED"}, 1200)
    wall = time.time() - began
    cpu_after, busy_after = cpu_by_process(), machine_cpu()
    sampling[0] = False
    sampler.join()
    statuses = {t: status(t) for t in burst}
    failed = [t for t in burst if statuses[t] != "ACTIVE"]
    if failed:
        print(f"burst: not ACTIVE: {[(t, statuses[t]) for t in failed]}", file=sys.stderr)
    _, prometheus = request("GET", "/actuator/prometheus")
    heap_mb = sum(v for k, v in metric("jvm_memory_used_bytes{", prometheus).items() if 'area="heap"' in k) / 2**20
    delete_all(burst)
    raw_cpu_before, raw_busy_before = cpu_by_process(), machine_cpu()
    raw_began = time.time()
    with ThreadPoolExecutor(RAW_PARALLEL) as pool:
        list(pool.map(lambda i: raw(f"r{i}", 25000 + i), range(BURST)))
    raw_wall = time.time() - raw_began
    raw_cpu_after, raw_busy_after = cpu_by_process(), machine_cpu()
    with ThreadPoolExecutor(RAW_PARALLEL) as pool:
        list(pool.map(lambda i: raw_remove(f"r{i}"), range(BURST)))
    add("2 burst", f"{BURST} orders wall time", wall, raw_wall, "s", "-")
    add("2 burst", "tenants per second", BURST / wall, BURST / raw_wall, "1/s", "ratio ≥ 1.0")
    add("2 burst", "failures", len(failed) + len(left), 0, "count", "0")
    add("2 burst", "peak RSS", peak[0] / 1024, None, "MB", "< 512")
    add("2 burst", "heap used after", heap_mb, None, "MB", "-")
    add_cpu("2 burst", "tenantforge", cpu_before, cpu_after, busy_after - busy_before, BURST)
    add_cpu("2 burst", "raw script", raw_cpu_before, raw_cpu_after, raw_busy_after - raw_busy_before, BURST)


def process_cpu_seconds(pid):
    """CPU seconds (user + system) one process has used so far."""
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read()
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def intake_load(method, path, body=None, pid=None):
    """wrk for INTAKE_SECONDS against one endpoint; returns requests/s, p50 and p99 in ms, errors and, with pid,
    the control plane's CPU milliseconds per request (steadier than requests/s on a machine whose speed varies)."""
    args = ["wrk", "-t2", "-c8", f"-d{INTAKE_SECONDS}s", "--latency", "-H", f"Authorization: {AUTH}"]
    script = None
    if body is not None:
        script = os.path.join(OUT, "post.lua")
        with open(script, "w") as f:
            f.write('wrk.method = "%s"\nwrk.body = %s\nwrk.headers["Content-Type"] = "application/json"\n'
                    % (method, json.dumps(json.dumps(body))))
        args += ["-s", script]
    cpu_before = process_cpu_seconds(pid) if pid else 0
    result = subprocess.run(args + [BASE + path], capture_output=True, text=True)
    cpu_used = process_cpu_seconds(pid) - cpu_before if pid else 0
    found = {"errors": 0.0}
    for line in result.stdout.splitlines():
        parts = line.split()
        if len(parts) > 2 and parts[1] == "requests" and parts[2] == "in" and parts[0].isdigit() and pid:
            found["cpu_ms"] = cpu_used * 1000 / max(1, int(parts[0]))
        if line.strip().startswith("Requests/sec"):
            found["rps"] = float(parts[1])
        if parts[:1] in (["50%"], ["99%"]):
            value = parts[1]
            found[parts[0]] = float(value[:-2]) if value.endswith("ms") else float(value[:-2]) / 1000 if value.endswith("us") else float(value[:-1]) * 1000
        if "Non-2xx" in line or "Socket errors" in line:
            found["errors"] += sum(float(x.strip(",")) for x in parts if x.strip(",").isdigit())
    return found


def delete_all(tenants):
    for t in tenants:
        request("DELETE", f"/api/v1/tenants/{t}")
    left = wait_for(tenants, {"DELETED"}, 600)
    if left:
        print(f"warning: not deleted: {sorted(left)}", file=sys.stderr)


def main():
    os.makedirs(OUT, exist_ok=True)
    # 4: start-up, the fat jar (baseline) then the prepared start; the second one serves the rest of the run
    baseline, baseline_startup = start_control_plane(fast=False)
    baseline.terminate()
    baseline.wait(timeout=60)
    process, startup = start_control_plane(fast=True)
    try:
        # leftovers of an interrupted run would be replayed instead of provisioned: remove them first
        _, body = request("GET", "/api/v1/tenants")
        delete_all([t["id"] for t in json.loads(body) if t["id"].startswith("bench-") and t["status"] != "DELETED"])
        for i in range(max(SINGLE, BURST)):
            raw_remove(f"b{i}")
            raw_remove(f"r{i}")
        idle = rss_kb(process.pid) / 1024
        add("4 start-up", "start to ready (extracted jar + CDS vs java -jar)", startup * 1000, baseline_startup * 1000,
            "ms", "≤ 8000 ms")
        add("4 start-up", "idle RSS", idle, None, "MB", "-")

        rows.append({"scenario": "0 setup", "measure": "JVM options", "tenantforge": JAVA_OPTS or "(defaults)",
                     "baseline": "", "unit": "", "ratio": "", "target": "-"})
        # 1: single-tenant latency, one at a time, warm control plane vs forking psql/redis-cli/docker
        if SINGLE:
            single_scenario(0)
            if POOL:
                single_scenario(POOL)

        # 2: burst of orders dropped on the queue at once
        if BURST:
            burst_scenario(process)

        # 3: intake under a bounded load (wrk, fixed duration, 127.0.0.1 only): order creation (the same order
        # replayed, so the load does not turn into thousands of containers) and status reads
        if INTAKE_SECONDS and subprocess.run(["which", "wrk"], capture_output=True).returncode == 0:
            order = {"name": "bench-intake", "subdomain": "bench-intake", "tier": "basic", "orderId": "bench-intake-1"}
            request("POST", "/api/v1/tenants", order)
            wait_for(["bench-intake"], {"ACTIVE", "FAILED"}, 120)
            for label, method, path, body in (("POST /tenants (replayed order)", "POST", "/api/v1/tenants", order),
                                              ("GET /tenants/{id}", "GET", "/api/v1/tenants/bench-intake", None),
                                              ("GET /tenants (list)", "GET", "/api/v1/tenants", None),
                                              ("GET /tenants?limit=50 (page)", "GET", "/api/v1/tenants?limit=50", None)):
                found = intake_load(method, path, body, process.pid)
                add("3 intake", f"{label} requests/s", found.get("rps", 0), None, "1/s", "-")
                add("3 intake", f"{label} control-plane CPU per request", found.get("cpu_ms", 0), None, "ms", "-")
                add("3 intake", f"{label} p50 latency", found.get("50%", 0), None, "ms", "-")
                add("3 intake", f"{label} p99 latency", found.get("99%", 0), None, "ms", "-")
                add("3 intake", f"{label} errors", found["errors"], None, "count", "0")
            delete_all(["bench-intake"])
        elif INTAKE_SECONDS:
            print("wrk not installed (apt-get install wrk): intake scenario skipped", file=sys.stderr)

        # 5: the health sweep as the fleet grows (issue 5)
        if SWEEP_SIZES:
            sweep_scenario()
    finally:
        process.terminate()
        process.wait(timeout=60)
    # 7: rollouts, on a control plane of their own that also runs the router
    if ROLLOUT_MIGRATE:
        rollout_scenario()

    with open(os.path.join(OUT, "results.csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        writer.writerows(rows)
    print("| scenario | measure | tenantforge | baseline | unit | tenantforge/baseline | target |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['scenario']} | {r['measure']} | {r['tenantforge']} | {r['baseline']} | {r['unit']} | {r['ratio']} | {r['target']} |")


if __name__ == "__main__":
    main()
