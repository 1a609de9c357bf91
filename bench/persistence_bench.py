#!/usr/bin/env python3
"""Persistence benchmark: Cardinal against redis-server 7.0, side by side, alternating.

1. Write throughput (SET, 50 clients, no pipelining) with appendonly no, appendfsync everysec
   and appendfsync always; the ratio cardinal/redis for each, and for each server fsync-always
   throughput as a share of its no-log throughput (group commit; goal >= 0.5 for Cardinal).
2. Time to load 3M keys (16-byte keys and values) from a snapshot (dump.rdb) and from the log
   (every key written through the log, no rewrite), from the servers' own log lines.
3. Peak memory during BGSAVE of 3M keys under a write load: the parent's and the child's PSS
   summed (smaps_rollup), so pages the fork still shares are counted once.

Usage: /usr/bin/python3 bench/persistence_bench.py [--quick] [--skip-load] [--skip-bgsave]
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run_bench  # noqa: E402  (Server, load_keys, run_one)

DEFAULT_CARDINAL = run_bench.DEFAULT_CARDINAL


def servers(args, extra):
    return [run_bench.Server("cardinal", "cardinal", args.cardinal, args.server_cpu or None, list(extra)),
            run_bench.Server("redis", "redis", args.redis_server, args.server_cpu or None, list(extra))]


MODES = {
    "no-log": ["--appendonly", "no"],
    "everysec": ["--appendonly", "yes", "--appendfsync", "everysec"],
    "always": ["--appendonly", "yes", "--appendfsync", "always"],
}


def write_throughput(args):
    results = {}
    for mode, extra in MODES.items():
        runs = {"cardinal": [], "redis": []}
        pair = servers(args, extra)
        try:
            for s in pair:
                s.start()
            w = {"test": "set", "requests": args.requests, "datasize": 16, "pipeline": 1}
            for rnd in range(args.rounds):
                for s in (pair if rnd % 2 == 0 else pair[::-1]):
                    r = run_bench.run_one(args.redis_benchmark, args.client_cpu or None, s, w,
                                          args.clients, 1_000_000)
                    runs[s.label].append(r["rps"])
                    print(f"  {mode:9s} round {rnd + 1} {s.label:9s} {r['rps']:>10,.0f} SET/s", flush=True)
        finally:
            for s in pair:
                s.stop()
        results[mode] = {k: statistics.median(v) for k, v in runs.items()}
    print("\nWrite throughput (SET, -c %d -P 1), median of %d rounds:" % (args.clients, args.rounds))
    print(f"  {'mode':9s} {'cardinal':>12s} {'redis':>12s} {'ratio':>6s}")
    for mode, r in results.items():
        print(f"  {mode:9s} {r['cardinal']:>12,.0f} {r['redis']:>12,.0f} {r['cardinal'] / r['redis']:6.2f}")
    for lab in ("cardinal", "redis"):
        share = results["always"][lab] / results["no-log"][lab]
        print(f"  {lab}: fsync-always throughput = {share:.2f} of no-log throughput")
    return results


def loaded_seconds(log_path: Path, pattern: str) -> float:
    text = log_path.read_text(errors="replace")
    m = re.findall(pattern + r": ([0-9.]+) seconds", text)
    if not m:
        raise SystemExit(f"no load time in {log_path}:\n{text[-1500:]}")
    return float(m[-1])


def load_times(args):
    out = {}
    for source, extra, pattern in (
            ("snapshot", ["--appendonly", "no"], "DB loaded from disk"),
            ("log", ["--appendonly", "yes", "--appendfsync", "no", "--auto-aof-rewrite-percentage", "0"],
             "DB loaded from append only file")):
        for s in servers(args, extra):
            s.start()
            run_bench.load_keys(s.port, args.keys)
            if source == "snapshot":
                subprocess.run([args.redis_cli, "-p", str(s.port), "save"], check=True, capture_output=True)
            data_dir = s.dir
            s.stop(remove=False)
            # Restart on the same directory.
            srv = run_bench.Server(s.label, s.kind, s.binary, s.cpu, list(extra) + ["--dir", data_dir])
            srv.start()
            secs = loaded_seconds(Path(srv.dir, "server.log"), pattern)
            keys = int(subprocess.run([args.redis_cli, "-p", str(srv.port), "dbsize"], capture_output=True,
                                      text=True).stdout.strip())
            srv.stop()
            shutil.rmtree(data_dir, ignore_errors=True)
            if keys != args.keys:
                raise SystemExit(f"{s.label} loaded {keys} keys from its {source}, expected {args.keys}")
            out.setdefault(source, {})[s.label] = secs
            print(f"  load from {source:8s} {s.label:9s} {secs:6.2f} s ({args.keys:,} keys)", flush=True)
    print("\nLoad time of %d keys (server's own log line):" % args.keys)
    for source, r in out.items():
        print(f"  {source:8s} cardinal {r['cardinal']:.2f} s, redis {r['redis']:.2f} s, "
              f"ratio {r['cardinal'] / r['redis']:.2f}")
    return out


def pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        return 0
    return 0


def children(pid: int):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def bgsave_peak(args):
    out = {}
    for s in servers(args, ["--appendonly", "no"]):
        s.start()
        try:
            run_bench.load_keys(s.port, args.keys)
            base = pss_kb(s.pid)
            stop = threading.Event()
            load = subprocess.Popen([args.redis_benchmark, "-p", str(s.port), "-c", str(args.bgsave_clients),
                                     "-n", "100000000", "-r", str(args.keys), "-d", "16",
                                     "-P", str(args.bgsave_pipeline), "-t", "set", "-q"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.0)
            peak = 0
            subprocess.run([args.redis_cli, "-p", str(s.port), "bgsave"], check=True, capture_output=True)
            t0 = time.monotonic()
            saw_child = False
            while time.monotonic() - t0 < 120:
                kids = children(s.pid)
                saw_child = saw_child or bool(kids)
                peak = max(peak, pss_kb(s.pid) + sum(pss_kb(k) for k in kids))
                info = subprocess.run([args.redis_cli, "-p", str(s.port), "info", "persistence"],
                                      capture_output=True, text=True).stdout
                if "rdb_bgsave_in_progress:0" in info and time.monotonic() - t0 > 0.2:
                    break
                time.sleep(0.02)
            load.terminate()
            load.wait(timeout=30)
            stop.set()
            secs = time.monotonic() - t0
            info = subprocess.run([args.redis_cli, "-p", str(s.port), "info", "persistence"],
                                  capture_output=True, text=True).stdout
            m = re.search(r"rdb_last_cow_size:(\d+)", info)
            cow = int(m.group(1)) if m else 0
            out[s.label] = {"dataset_pss_kb": base, "peak_pss_kb": peak, "ratio_to_dataset": peak / base,
                            "seconds": secs, "cow_bytes": cow}
            print(f"  BGSAVE {s.label:9s} before {base / 1024:8.1f} MiB, peak parent+child "
                  f"{peak / 1024:8.1f} MiB ({peak / base:.2f}x), save took ~{secs:.2f} s, "
                  f"INFO rdb_last_cow_size {cow / 2**20:.1f} MiB", flush=True)
        finally:
            s.stop()
    print("\nPeak memory during BGSAVE of %d keys under a SET load of %d clients, pipeline %d "
          "(PSS, parent + child):" % (args.keys, args.bgsave_clients, args.bgsave_pipeline))
    for lab, r in out.items():
        print(f"  {lab:9s} {r['peak_pss_kb'] / 1024:8.1f} MiB = {r['ratio_to_dataset']:.2f}x its dataset")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cardinal", default=os.environ.get("CARDINAL_SERVER") or str(DEFAULT_CARDINAL))
    ap.add_argument("--redis-server", default=shutil.which("redis-server") or "/usr/bin/redis-server")
    ap.add_argument("--redis-benchmark", default=shutil.which("redis-benchmark") or "/usr/bin/redis-benchmark")
    ap.add_argument("--redis-cli", default=shutil.which("redis-cli") or "/usr/bin/redis-cli")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--requests", "-n", type=int, default=100_000)
    ap.add_argument("--clients", "-c", type=int, default=50)
    ap.add_argument("--keys", type=int, default=3_000_000)
    ap.add_argument("--server-cpu", default="0")
    ap.add_argument("--client-cpu", default="1")
    ap.add_argument("--quick", action="store_true", help="1 round, 20000 requests, 300000 keys")
    ap.add_argument("--bgsave-clients", type=int, default=20, help="write load during BGSAVE")
    ap.add_argument("--bgsave-pipeline", type=int, default=16)
    ap.add_argument("--skip-throughput", action="store_true")
    ap.add_argument("--skip-load", action="store_true")
    ap.add_argument("--skip-bgsave", action="store_true")
    args = ap.parse_args()
    if args.quick:
        args.rounds, args.requests, args.keys = 1, 20_000, 300_000
    if not args.skip_throughput:
        write_throughput(args)
    if not args.skip_load:
        load_times(args)
    if not args.skip_bgsave:
        bgsave_peak(args)


if __name__ == "__main__":
    main()
