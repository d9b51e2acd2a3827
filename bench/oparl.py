"""Benchmark of the OParl API on a large city's decade, against a trivial view as the floor.

Generates (once, then cached) 100,000 papers with 300,000 consultations, 5,000 meetings
and 1,000 persons into a separate SQLite file, serves it with gunicorn (2 workers,
DEBUG off) and measures, for a fixed time each, latency (p50/p95) and requests per
second of: a trivial JSON view in the same server (the floor), OParl paper list pages,
and single OParl papers. Ends with one line ``oparl_pages: key=value ...``.

    python bench/oparl.py                 # the full size; about a minute once cached
    python bench/oparl.py --papers 5000   # a quick look (smaller data, own cache file)

See bench/README.md for what is measured and why.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
HOST = "127.0.0.1"
GOAL_RATIO = 2.0
GOAL_LIST_RPS = 300.0


@dataclass
class Result:
    name: str
    latencies_ms: list[float]
    seconds: float

    @property
    def count(self) -> int:
        return len(self.latencies_ms)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(int(len(ordered) * p), len(ordered) - 1)]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms)

    @property
    def p95(self) -> float:
        return self.percentile(0.95)

    @property
    def rps(self) -> float:
        return self.count / self.seconds


def log(message: str) -> None:
    print(message, flush=True)


def cache_key(params: dict) -> str:
    """Changes with the generator's parameters, its code and the schema (migrations).

    The API's code counts too, since the generator stores the papers' OParl JSON.
    """
    digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode())
    sources = [ROOT / "council" / "generate.py", ROOT / "council" / "models.py"]
    sources += [ROOT / "council" / "policies.py"]
    sources += sorted((ROOT / "council" / "oparl").glob("*.py"))
    sources += sorted((ROOT / "council" / "migrations").glob("*.py"))
    sources += sorted((ROOT / "core" / "migrations").glob("*.py"))
    for path in sources:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def base_env(database: Path, var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        TEILHABE_VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="teilhabe.settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
    )
    return env


def build_database(params: dict, target: Path, var_dir: Path) -> None:
    """Migrate a fresh file and generate the data into it; move it in place when done."""
    building = target.with_suffix(f".building-{os.getpid()}")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    env = base_env(building, var_dir)
    manage = [sys.executable, str(ROOT / "manage.py")]
    began = time.perf_counter()
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    command = [*manage, "generate_council_data", "--no-search-index"]
    for name, value in params.items():
        command += [f"--{name}", str(value)]
    subprocess.run(command, env=env, check=True, cwd=ROOT)
    # Fold the write-ahead log into the file, so that the cached copy is one file.
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
            "c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.close()",
            str(building),
        ],
        check=True,
    )
    os.replace(building, target)
    for suffix in ("-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    log(f"generated {target.name} in {time.perf_counter() - began:.0f} s")


def serving_copy(database: Path, var_dir: Path) -> Path:
    """The database in memory (tmpfs) if there is one, else where it is.

    The measurement is of the application, not of this machine's disk: a server keeps a
    database of this size in its page cache, but small virtual machines often evict it,
    and every evicted page then costs a disk read in the middle of a request.
    """
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        return database
    if shutil.disk_usage(shm).free < 3 * database.stat().st_size:
        return database
    target = Path(tempfile.mkdtemp(prefix="teilhabe-bench-", dir=shm)) / database.name
    shutil.copyfile(database, target)
    log(f"serving a copy in {target.parent} (tmpfs)")
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def fetch(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def start_server(database: Path, var_dir: Path, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = base_env(database, var_dir)
    env.update(
        DEBUG="false",
        SECRET_KEY="bench-only-" + "k" * 50,
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="false",
        TEILHABE_URLCONF="floor_urls",
        LOG_LEVEL="ERROR",
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "teilhabe.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"{HOST}:{port}",
            "--pythonpath",
            str(BENCH_DIR),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            if fetch(port, "/healthz")[0] == 200:
                return server, port
        except OSError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def get_json(port: int, path: str) -> dict:
    status, body = fetch(port, path)
    if status != 200:
        raise SystemExit(f"GET {path} answered {status}: {body[:300]!r}")
    return json.loads(body)


def local(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def targets(port: int, rnd: random.Random, max_paper_id: int) -> tuple[list[str], list[str]]:
    """Paper list pages (the first, and pages deep in the list) and single papers."""
    system = get_json(port, "/oparl/v1.1/")
    bodies = get_json(port, local(system["body"]))
    paper_list = local(bodies["data"][0]["paper"])
    pages = [paper_list]
    papers: list[str] = []
    for _ in range(40):
        page = get_json(port, f"{paper_list}?after={rnd.randrange(max_paper_id)}")
        if page["data"]:
            pages.append(local(page["links"]["self"]))
            papers.extend(local(p["id"]) for p in page["data"] if not p.get("deleted"))
    rnd.shuffle(papers)
    return pages, papers[:200]


def load(port: int, name: str, paths: list[str], seconds: float, concurrency: int) -> Result:
    """Request ``paths`` in turn from ``concurrency`` threads for ``seconds``."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker(offset: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        mine: list[float] = []
        i = offset
        while True:
            path = paths[i % len(paths)]
            i += 1
            began = time.perf_counter()
            if began >= stop:
                break
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                errors.append(f"{path}: {exc}")
                continue
            mine.append((time.perf_counter() - began) * 1000)
            if response.status != 200:
                errors.append(f"{path}: HTTP {response.status}")
            if response.will_close:
                conn.close()  # http.client reconnects on the next request
        conn.close()
        with lock:
            latencies.extend(mine)

    began = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(k * 7,)) for k in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - began
    if errors:
        raise SystemExit(f"{name}: {len(errors)} failed requests, e.g. {errors[0]}")
    return Result(name, latencies, took)


def interleaved(
    port: int, sets: dict[str, list[str]], seconds: float, concurrency: int, rounds: int
) -> dict[str, Result]:
    """``seconds`` per URL set, in ``rounds`` alternating slices.

    A shared machine's speed drifts (on the one this was written on, by up to a factor
    of two within a minute); alternating the sets lets each see the same conditions, so
    that their ratio stays meaningful.
    """
    results = {name: Result(name, [], 0.0) for name in sets}
    for _ in range(rounds):
        for name, paths in sets.items():
            part = load(port, name, paths, seconds / rounds, concurrency)
            results[name].latencies_ms.extend(part.latencies_ms)
            results[name].seconds += part.seconds
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--consultations", type=int, default=None, help="default: 3 per paper")
    parser.add_argument("--meetings", type=int, default=5_000)
    parser.add_argument("--persons", type=int, default=1_000)
    parser.add_argument("--seconds", type=float, default=10.0, help="per measured URL set")
    parser.add_argument(
        "--concurrency", type=int, default=4, help="client threads of the loaded runs"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--rounds", type=int, default=5, help="slices each measurement alternates in"
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(
            os.environ.get("TEILHABE_BENCH_DIR", Path(tempfile.gettempdir()) / "teilhabe-bench")
        ),
        help="where generated databases are kept between runs",
    )
    parser.add_argument(
        "--database", type=Path, help="benchmark this existing SQLite file instead (not changed)"
    )
    args = parser.parse_args()
    params = {
        "papers": args.papers,
        "consultations": args.consultations or 3 * args.papers,
        "meetings": args.meetings,
        "persons": args.persons,
        "committees": 16,
        "factions": 8,
        "years": 10,
        "seed": 1,
    }
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    database = args.cache_dir / f"oparl-{cache_key(params)}.sqlite3"
    var_dir = Path(tempfile.mkdtemp(prefix="teilhabe-bench-var-"))
    served_dir = None
    try:
        if args.database:
            database = args.database
            log(f"using {database}")
        elif database.exists():
            log(f"using cached {database}")
        else:
            log(f"generating {params} into {database} (cached for later runs)")
            build_database(params, database, var_dir)
        served = serving_copy(database, var_dir)
        served_dir = served.parent
        server, port = start_server(served, var_dir, args.workers)
        try:
            run(port, args, params)
        finally:
            server.terminate()
            server.wait(timeout=30)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
        if served_dir is not None and served_dir != database.parent:
            shutil.rmtree(served_dir, ignore_errors=True)


def run(port: int, args: argparse.Namespace, params: dict) -> None:
    """Each URL set under load (the headline figures), then with a single client."""
    rnd = random.Random(1)
    pages, papers = targets(port, rnd, params["papers"])
    sets = {"floor": ["/_bench/floor"], "list": pages, "paper": papers}
    sizes = [len(fetch(port, p)[1]) for p in pages[:10]]
    log(
        f"{len(pages)} list pages (about {statistics.mean(sizes) / 1024:.0f} KiB each), "
        f"{len(papers)} papers; {args.seconds:.0f} s per measurement"
    )
    for name, paths in sets.items():
        load(port, name, paths, min(2.0, args.seconds), args.concurrency)  # warm up
    loaded = interleaved(port, sets, args.seconds, args.concurrency, args.rounds)
    single = interleaved(port, sets, args.seconds, 1, args.rounds)
    columns = f"{'p50 ms':>8} {'p95 ms':>8} {'req/s':>8}"
    log(f"{'':8} {f'{args.concurrency} clients':>26} | {'1 client':>26}")
    log(f"{'':8} {columns} | {columns}")
    for name in sets:
        a, b = loaded[name], single[name]
        log(
            f"{name:8} {a.p50:8.2f} {a.p95:8.2f} {a.rps:8.0f} | "
            f"{b.p50:8.2f} {b.p95:8.2f} {b.rps:8.0f}"
        )
    ratio = loaded["list"].p50 / loaded["floor"].p50
    single_ratio = single["list"].p50 / single["floor"].p50
    list_rps = loaded["list"].rps
    log(
        f"list/floor p50: {ratio:.2f} with {args.concurrency} clients, {single_ratio:.2f} with 1 "
        f"(goal <= {GOAL_RATIO}); list {list_rps:.0f} req/s (goal >= {GOAL_LIST_RPS:.0f})"
    )
    print(
        f"oparl_pages: list_p50_ms={loaded['list'].p50:.2f} "
        f"floor_p50_ms={loaded['floor'].p50:.2f} ratio={ratio:.2f} list_rps={list_rps:.0f} "
        f"list_p95_ms={loaded['list'].p95:.2f} paper_p50_ms={loaded['paper'].p50:.2f} "
        f"paper_p95_ms={loaded['paper'].p95:.2f} paper_rps={loaded['paper'].rps:.0f} "
        f"floor_rps={loaded['floor'].rps:.0f} single_list_p50_ms={single['list'].p50:.2f} "
        f"single_floor_p50_ms={single['floor'].p50:.2f} single_ratio={single_ratio:.2f} "
        f"clients={args.concurrency} workers={args.workers} papers={params['papers']}",
        flush=True,
    )


if __name__ == "__main__":
    main()
