#!/usr/bin/env python3
"""Turns a JMH JSON result (java -jar benchmarks.jar -rf json) into the tables of PERFORMANCE.md.

Every ratio divides a fake's figure by its baseline from the same JSON, so from the same run.
Usage: python3 benchmarks/summarize.py benchmarks/results/latest.json
"""
import json
import sys


def load(path):
    rows = {}
    for r in json.load(open(path)):
        name = r["benchmark"].rsplit(".", 2)
        key = (name[-2], name[-1], tuple(sorted(r.get("params", {}).items())))
        pm = r["primaryMetric"]
        rows[key] = {
            "score": pm["score"],
            "error": pm["scoreError"],
            "unit": pm["scoreUnit"],
            "secondary": {k: v["score"] for k, v in r.get("secondaryMetrics", {}).items()},
        }
    return rows


def get(rows, cls, method, **params):
    return rows.get((cls, method, tuple(sorted(params.items()))))


def fmt(x, digits=1):
    return "n/a" if x is None else f"{x:,.{digits}f}"


def err(row):
    e = row["error"]
    return "" if e != e else f" ± {e:,.1f}"  # NaN when too few iterations for an error


def lifecycle(rows):
    print("| server | start+stop (µs) | vs raw JDK TCP | vs MockWebServer |")
    print("|---|---:|---:|---:|")
    raw = get(rows, "LifecycleBenchmark", "rawJdkTcp")
    mws = get(rows, "LifecycleBenchmark", "mockWebServer")
    for m, label in [("rawJdkTcp", "raw JDK TCP + accept thread (baseline)"),
                     ("rawJdkUnix", "raw JDK Unix + accept thread"),
                     ("tcpServer", "TcpServer"), ("unixSocketServer", "UnixSocketServer"),
                     ("mockWebServer", "okhttp MockWebServer")]:
        r = get(rows, "LifecycleBenchmark", m)
        if r:
            print(f"| {label} | {fmt(r['score'])}{err(r)} | {r['score'] / raw['score']:.2f}× | "
                  f"{r['score'] / mws['score']:.2f}× |")


def throughput(rows):
    gib = 1 << 30
    print("| transport | receiver | ms per GiB | GB/s | vs raw direct | retained heap (MiB) | in memory / spilled (MiB) |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for t in ["TCP", "UNIX"]:
        raw = get(rows, "ThroughputBenchmark", "oneGibibyte", transport=t, receiver="RAW_DIRECT")
        for rc in ["RAW_DIRECT", "RAW_HEAP", "PROTOTYPE_HEAP_SLABS", "FAKE_LIMIT_8MIB",
                   "FAKE_LIMIT_64MIB_DEFAULT", "FAKE_LIMIT_2GIB_IN_MEMORY"]:
            r = get(rows, "ThroughputBenchmark", "oneGibibyte", transport=t, receiver=rc)
            if not r:
                continue
            s = r["secondary"]
            gbs = gib / (r["score"] / 1000) / 1e9
            print(f"| {t} | {rc} | {fmt(r['score'], 0)}{err(r)} | {gbs:.2f} | {raw['score'] / r['score']:.0%} | "
                  f"{fmt(s.get('retainedHeapMiB'))} | {fmt(s.get('recordedInMemoryMiB'), 0)} / {fmt(s.get('spilledMiB'), 0)} |")


def round_trip(rows):
    print("| transport | peer | µs per 100-byte exchange | vs raw echo |")
    print("|---|---|---:|---:|")
    for t in ["TCP", "UNIX"]:
        raw = get(rows, "RoundTripBenchmark", "exchange", transport=t, peer="RAW_ECHO")
        for p in ["RAW_ECHO", "FAKE_ECHO", "FAKE_HANDLER"]:
            r = get(rows, "RoundTripBenchmark", "exchange", transport=t, peer=p)
            if r:
                print(f"| {t} | {p} | {fmt(r['score'])}{err(r)} | {r['score'] / raw['score']:.2f}× |")


def history(rows):
    print("| peer | prior exchanges | µs per exchange | vs same peer, no history |")
    print("|---|---:|---:|---:|")
    for p in ["FAKE_ECHO", "FAKE_HANDLER"]:
        base = get(rows, "HandlerHistoryBenchmark", "exchanges", transport="UNIX", peer=p, priorExchanges="0")
        for n in ["0", "10000", "30000"]:
            r = get(rows, "HandlerHistoryBenchmark", "exchanges", transport="UNIX", peer=p, priorExchanges=n)
            if r:
                print(f"| {p} | {n} | {fmt(r['score'])} | {r['score'] / base['score']:.2f}× |")


def connections(rows):
    print("| transport | connections | holder | ms to connect + answer all | vs raw | heap B/conn | RSS B/conn | threads/conn | stop (ms) | stops reporting a stuck thread |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for t in ["TCP", "UNIX"]:
        for n in ["1000", "10000"]:
            raw = get(rows, "ConnectionsBenchmark", "connectAndAnswerAll", transport=t, connections=n, holder="RAW_ECHO")
            for h in ["RAW_ECHO", "FAKE_ECHO"]:
                r = get(rows, "ConnectionsBenchmark", "connectAndAnswerAll", transport=t, connections=n, holder=h)
                if not r:
                    continue
                s = r["secondary"]
                print(f"| {t} | {n} | {h} | {fmt(r['score'], 0)} | {r['score'] / raw['score']:.2f}× | "
                      f"{fmt(s.get('heapBytesPerConnection'), 0)} | {fmt(s.get('residentBytesPerConnection'), 0)} | "
                      f"{fmt(s.get('threadsPerConnection'), 2)} | {fmt(s.get('stopMillis'), 0)} | "
                      f"{fmt(s.get('stopsReportingStuckThreads'), 2)} |")


def junit(rows):
    plain = get(rows, "JUnitOverheadBenchmark", "thousandTests", suite="PLAIN")
    fake = get(rows, "JUnitOverheadBenchmark", "thousandTests", suite="WITH_UNIX_SOCKET_SERVER")
    if not plain or not fake:
        print("(not in this run)")
        return
    print("| suite | ms per 1,000 tests | per test (ms) | overhead per test (ms) |")
    print("|---|---:|---:|---:|")
    print(f"| 1,000 plain tests (baseline) | {fmt(plain['score'])} {err(plain)} | {plain['score'] / 1000:.3f} | – |")
    print(f"| 1,000 tests with @WithUnixSocketServer | {fmt(fake['score'])} {err(fake)} | {fake['score'] / 1000:.3f} | "
          f"{(fake['score'] - plain['score']) / 1000:.3f} |")


if __name__ == "__main__":
    rows = load(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/results/latest.json")
    for title, table in [("Lifecycle", lifecycle), ("Throughput", throughput), ("Round trip", round_trip),
                         ("Handler history", history), ("Connections", connections),
                         ("JUnit overhead", junit)]:
        print(f"### {title}\n")
        table(rows)
        print()
