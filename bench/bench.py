#!/usr/bin/env python3
"""tenantforge benchmark: the packaged control plane against the raw-primitives baseline, in the same run.

Starts target/tenantforge-*.jar as its own process (own databases, ports and folders), runs the scenarios, prints a
markdown table and writes CSV under target/bench/. Every tenant it creates is removed again. All traffic goes to
127.0.0.1. Run on demand (not part of the test suite):  bash bench/run.sh
Sizes: SINGLE (30 one-at-a-time tenants), BURST (200 orders dropped on the queue), RAW_PARALLEL (8),
INTAKE_SECONDS (10).
"""
import base64
import csv
import json
import os
import socket
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
RAW = os.environ.get("RAW_PROVISION", os.path.join(os.path.dirname(ROOT), "shared", "bench", "raw-provision.sh"))
PORT = 18090
BROKER = 61619
BASE = f"http://127.0.0.1:{PORT}"
PASSWORD = "bench-admin-password"
AUTH = "Basic " + base64.b64encode(f"admin:{PASSWORD}".encode()).decode()
SINGLE = int(os.environ.get("SINGLE", "30"))
BURST = int(os.environ.get("BURST", "200"))
RAW_PARALLEL = int(os.environ.get("RAW_PARALLEL", "8"))
INTAKE_SECONDS = int(os.environ.get("INTAKE_SECONDS", "10"))
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
    pending, deadline = set(tenants), time.time() + timeout
    while pending and time.time() < deadline:
        code, body = request("GET", "/api/v1/tenants")
        states = {t["id"]: t["status"] for t in json.loads(body)} if code == 200 else {}
        pending = {t for t in pending if states.get(t) not in wanted}
        if pending:
            time.sleep(0.05)
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


def pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100.0 * (len(ordered) - 1))))]


def add(scenario, measure, tenantforge, baseline, unit, better):
    ratio = (tenantforge / baseline) if baseline else None
    rows.append({"scenario": scenario, "measure": measure, "tenantforge": round(tenantforge, 1),
                 "baseline": round(baseline, 1) if baseline is not None else "", "unit": unit,
                 "ratio": round(ratio, 2) if ratio else "", "target": better})


def start_control_plane():
    jar = next(os.path.join(ROOT, "target", f) for f in os.listdir(os.path.join(ROOT, "target"))
               if f.startswith("tenantforge-") and f.endswith(".jar"))
    env = dict(os.environ, TENANTFORGE_ADMIN_PASSWORD=PASSWORD,
               TENANTFORGE_SECRET_KEY=base64.b64encode(b"bench-key-of-exactly-32-bytes!!!").decode())
    args = ["java", "-jar", jar, f"--server.port={PORT}",
            "--spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/tenantforge_bench",
            "--tenantforge.database.url=jdbc:postgresql://127.0.0.1:5432/tenantforge_bench_tenants",
            f"--spring.artemis.embedded.data-directory={OUT}/artemis",
            f"--tenantforge.intake.broker-acceptor=tcp://127.0.0.1:{BROKER}?protocols=CORE,AMQP,STOMP",
            f"--tenantforge.intake.orders-dir={OUT}/orders", f"--tenantforge.runtime.secrets-dir={OUT}/secrets",
            "--tenantforge.runtime.port-range-start=23000", "--tenantforge.runtime.port-range-end=23999",
            "--tenantforge.database.archive-on-delete=false", "--tenantforge.security.order-burst=100000",
            "--tenantforge.security.orders-per-minute=100000", "--logging.level.io.tenantforge=INFO"]
    log = open(os.path.join(OUT, "control-plane.log"), "a")
    started = time.time()
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    while True:
        try:
            with urllib.request.urlopen(BASE + "/actuator/health/readiness", timeout=2) as r:
                if r.status == 200:
                    break
        except (urllib.error.URLError, ConnectionError, socket.timeout):
            pass
        if process.poll() is not None:
            sys.exit("the control plane exited; see target/bench/control-plane.log")
        time.sleep(0.2)
    return process, time.time() - started


def stomp_send(bodies):
    """Drops orders on tenant.orders over STOMP, durable, in one connection."""
    with socket.create_connection(("127.0.0.1", BROKER), timeout=30) as s:
        s.sendall(b"CONNECT\naccept-version:1.2\nhost:localhost\n\n\0")
        s.recv(4096)
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


def delete_all(tenants):
    for t in tenants:
        request("DELETE", f"/api/v1/tenants/{t}")
    left = wait_for(tenants, {"DELETED"}, 600)
    if left:
        print(f"warning: not deleted: {sorted(left)}", file=sys.stderr)


def main():
    os.makedirs(OUT, exist_ok=True)
    process, startup = start_control_plane()
    try:
        # leftovers of an interrupted run would be replayed instead of provisioned: remove them first
        _, body = request("GET", "/api/v1/tenants")
        delete_all([t["id"] for t in json.loads(body) if t["id"].startswith("bench-") and t["status"] != "DELETED"])
        for i in range(max(SINGLE, BURST)):
            raw_remove(f"b{i}")
            raw_remove(f"r{i}")
        idle = rss_kb(process.pid) / 1024
        add("4 start-up", "start to ready", startup * 1000, None, "ms", "-")
        add("4 start-up", "idle RSS", idle, None, "MB", "-")

        # 1: single-tenant latency, one at a time, warm control plane vs forking psql/redis-cli/docker
        single = [f"bench-s{i}" for i in range(SINGLE)]
        latencies = []
        for t in single:
            began = time.time()
            request("POST", "/api/v1/tenants", {"name": t, "subdomain": t, "tier": "basic"})
            wait_for([t], {"ACTIVE", "FAILED"}, 120)
            latencies.append((time.time() - began) * 1000)
        raw_totals = []
        for i in range(SINGLE):
            raw_totals.append(raw(f"b{i}", 24000 + i)["total_ms"])
        for i in range(SINGLE):
            raw_remove(f"b{i}")
        for p in (50, 95):
            add("1 single tenant", f"p{p} order→ACTIVE", pct(latencies, p), pct(raw_totals, p), "ms", "ratio ≤ 1.0 at p50")
        add("1 single tenant", "max order→ACTIVE", max(latencies), max(raw_totals), "ms", "-")
        _, prometheus = request("GET", "/actuator/prometheus")
        sums = metric("tenantforge_provisioning_step_seconds_sum", prometheus)
        counts = metric("tenantforge_provisioning_step_seconds_count", prometheus)
        for step in ("database", "cache", "container", "health"):
            key = next((k for k in sums if f'step="{step}"' in k and 'outcome="success"' in k), None)
            count_key = key.replace("_sum", "_count") if key else None
            if key and counts.get(count_key):
                add("1 single tenant", f"mean {step} step", sums[key] / counts[count_key] * 1000, None, "ms", "-")
        delete_all(single)

        # 2: burst of orders dropped on the queue at once
        burst = [f"bench-b{i}" for i in range(BURST)]
        peak, sampling = [0], [True]

        def sample():
            while sampling[0]:
                peak[0] = max(peak[0], rss_kb(process.pid))
                time.sleep(0.2)

        sampler = threading.Thread(target=sample)
        sampler.start()
        began = time.time()
        stomp_send([{"name": t, "subdomain": t, "tier": "basic"} for t in burst])
        left = wait_for(burst, {"ACTIVE", "FAILED"}, 1200)
        wall = time.time() - began
        sampling[0] = False
        sampler.join()
        failed = [t for t in burst if status(t) != "ACTIVE"]
        _, prometheus = request("GET", "/actuator/prometheus")
        heap_mb = sum(v for k, v in metric("jvm_memory_used_bytes", prometheus).items() if 'area="heap"' in k) / 2**20
        delete_all(burst)
        raw_began = time.time()
        with ThreadPoolExecutor(RAW_PARALLEL) as pool:
            list(pool.map(lambda i: raw(f"r{i}", 25000 + i), range(BURST)))
        raw_wall = time.time() - raw_began
        with ThreadPoolExecutor(RAW_PARALLEL) as pool:
            list(pool.map(lambda i: raw_remove(f"r{i}"), range(BURST)))
        add("2 burst", f"{BURST} orders wall time", wall, raw_wall, "s", "-")
        add("2 burst", "tenants per second", BURST / wall, BURST / raw_wall, "1/s", "ratio ≥ 1.0")
        add("2 burst", "failures", len(failed) + len(left), 0, "count", "0")
        add("2 burst", "peak RSS", peak[0] / 1024, None, "MB", "< 512")
        add("2 burst", "heap used after", heap_mb, None, "MB", "-")

        # 3: intake under a bounded load (wrk, fixed duration, 127.0.0.1 only)
        if subprocess.run(["which", "wrk"], capture_output=True).returncode == 0:
            result = subprocess.run(["wrk", "-t2", "-c8", f"-d{INTAKE_SECONDS}s", "--latency", "-H",
                                     f"Authorization: {AUTH}", BASE + "/api/v1/tenants"],
                                    capture_output=True, text=True)
            for line in result.stdout.splitlines():
                parts = line.split()
                if line.strip().startswith("Requests/sec"):
                    add("3 intake", "GET /tenants requests/s", float(parts[1]), None, "1/s", "-")
                if parts[:1] in (["50%"], ["99%"]):
                    value = parts[1]
                    ms = float(value[:-2]) if value.endswith("ms") else float(value[:-2]) / 1000 if value.endswith("us") else float(value[:-1]) * 1000
                    add("3 intake", f"GET /tenants {parts[0]} latency", ms, None, "ms", "-")
                if "Non-2xx" in line or "Socket errors" in line:
                    add("3 intake", "GET /tenants errors", float(parts[-1].strip(",")), None, "count", "0")
        else:
            print("wrk not installed (apt-get install wrk): intake scenario skipped", file=sys.stderr)
    finally:
        process.terminate()
        process.wait(timeout=60)

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
