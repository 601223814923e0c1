#!/usr/bin/env python3
"""Turns a JMH JSON result (java -jar benchmarks.jar -rf json) into the tables of PERFORMANCE.md.

Every ratio divides a fake's figure by its baseline from the same JSON, so from the same run.
Usage: python3 benchmarks/summarize.py RESULT.json [MORE.json ...] (one set of tables per file)
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
            "raw": pm.get("rawData", []),
        }
    return rows


def get(rows, cls, method, **params):
    return rows.get((cls, method, tuple(sorted(params.items()))))


def fmt(x, digits=1):
    return "n/a" if x is None else f"{x:,.{digits}f}"


def spread(row):
    shots = [x for fork in row["raw"] for x in fork]
    return f"{min(shots):,.0f}–{max(shots):,.0f}" if shots else "n/a"


def err(row):
    e = row["error"]
    return "" if e != e else f" ± {e:,.1f}"  # NaN when too few iterations for an error


def ratio(a, b):
    return "n/a" if a is None or b is None else f"{a['score'] / b['score']:.2f}×"


def lifecycle(rows):
    print("| server | start+stop (µs) | vs bare bind+close, same transport | MockWebServer / this |")
    print("|---|---:|---:|---:|")
    bare = {"TCP": get(rows, "LifecycleBenchmark", "bareBindCloseTcp"),
            "UNIX": get(rows, "LifecycleBenchmark", "bareBindCloseUnix")}
    mws = get(rows, "LifecycleBenchmark", "mockWebServer")
    for m, label, t in [("bareBindCloseTcp", "bare bind + close, TCP (floor)", "TCP"),
                        ("bareBindCloseUnix", "bare bind + close, Unix (floor)", "UNIX"),
                        ("rawJdkTcp", "raw JDK TCP + an accept thread", "TCP"),
                        ("rawJdkUnix", "raw JDK Unix + an accept thread", "UNIX"),
                        ("tcpServer", "TcpServer", "TCP"), ("unixSocketServer", "UnixSocketServer", "UNIX"),
                        ("mockWebServer", "okhttp MockWebServer (TCP)", "TCP")]:
        r = get(rows, "LifecycleBenchmark", m)
        if r:
            print(f"| {label} | {fmt(r['score'])}{err(r)} | {ratio(r, bare[t])} | {ratio(mws, r)} |")


def datagram_lifecycle(rows):
    print("| server | start+stop (µs) | vs raw socket, same transport |")
    print("|---|---:|---:|")
    raw_unix = get(rows, "DatagramLifecycleBenchmark", "rawJunixsocketUnixDatagram")
    raw_udp = get(rows, "DatagramLifecycleBenchmark", "rawJdkUdp")
    for m, label, raw in [("rawJunixsocketUnixDatagram", "raw junixsocket Unix datagram socket", raw_unix),
                          ("rawJdkUdp", "raw JDK UDP socket", raw_udp),
                          ("unixDatagramServer", "UnixDatagramServer", raw_unix),
                          ("udpServer", "UdpServer", raw_udp),
                          ("syslogServer", "SyslogServer (Unix datagram)", raw_unix)]:
        r = get(rows, "DatagramLifecycleBenchmark", m)
        if r:
            print(f"| {label} | {fmt(r['score'])}{err(r)} | {ratio(r, raw)} |")


def throughput(rows):
    gib = 1 << 30
    print("| transport | receiver | ms per GiB (mean; min–max) | GB/s | vs raw direct | vs raw write to file | retained heap (MiB) | in memory / spilled (MiB) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for t in ["TCP", "UNIX"]:
        raw = get(rows, "ThroughputBenchmark", "oneGibibyte", transport=t, receiver="RAW_DIRECT")
        to_file = get(rows, "ThroughputBenchmark", "oneGibibyte", transport=t, receiver="RAW_WRITE_TO_FILE")
        for rc in ["RAW_DIRECT", "RAW_HEAP", "RAW_WRITE_TO_FILE", "PROTOTYPE_HEAP_SLABS", "FAKE_LIMIT_8MIB",
                   "FAKE_LIMIT_64MIB_DEFAULT", "FAKE_LIMIT_2GIB_IN_MEMORY"]:
            r = get(rows, "ThroughputBenchmark", "oneGibibyte", transport=t, receiver=rc)
            if not r:
                continue
            s = r["secondary"]
            gbs = gib / (r["score"] / 1000) / 1e9
            share = f"{to_file['score'] / r['score']:.0%}" if to_file else "n/a"
            print(f"| {t} | {rc} | {fmt(r['score'], 0)} ({spread(r)}) | {gbs:.2f} | {raw['score'] / r['score']:.0%} | {share} | "
                  f"{fmt(s.get('retainedHeapMiB'))} | {fmt(s.get('recordedInMemoryMiB'), 0)} / {fmt(s.get('spilledMiB'), 0)} |")


def round_trip(rows):
    print("| transport | peer | µs per 100-byte exchange | vs raw echo |")
    print("|---|---|---:|---:|")
    for t in ["TCP", "UNIX"]:
        raw = get(rows, "RoundTripBenchmark", "exchange", transport=t, peer="RAW_ECHO")
        for p in ["RAW_ECHO", "FAKE_SCRIPT", "FAKE_ECHO", "FAKE_HANDLER"]:
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
            for h in ["RAW_ECHO", "FAKE_ECHO", "FAKE_ECHO_PLATFORM_THREADS", "FAKE_ECHO_VIRTUAL_THREADS"]:
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
    if not plain:
        print("(not in this run)")
        return
    print("| suite | ms per 1,000 tests | overhead per test over plain (ms) |")
    print("|---|---:|---:|")
    for suite, label in [("PLAIN", "1,000 plain tests (baseline)"),
                         ("WITH_UNIX_SOCKET_SERVER", "a fresh @WithUnixSocketServer per test"),
                         ("WITH_PER_CLASS_FAKE", "one per-class fake injected into every test (the extension's share)")]:
        r = get(rows, "JUnitOverheadBenchmark", "thousandTests", suite=suite)
        if r:
            over = "–" if suite == "PLAIN" else f"{(r['score'] - plain['score']) / 1000:.3f}"
            print(f"| {label} | {fmt(r['score'])}{err(r)} | {over} |")


def syslog(rows):
    raw = get(rows, "SyslogIngestBenchmark", "ingest", receiver="RAW_JUNIXSOCKET")
    print("| receiver | messages/s | vs raw junixsocket receive loop |")
    print("|---|---:|---:|")
    for rc in ["RAW_JUNIXSOCKET", "DATAGRAM_SERVER", "SYSLOG_SERVER"]:
        r = get(rows, "SyslogIngestBenchmark", "ingest", receiver=rc)
        if r:
            print(f"| {rc} | {fmt(r['score'], 0)}{err(r)} | {ratio(r, raw)} |")


def fifo(rows):
    raw = get(rows, "FifoThroughputBenchmark", "transfer", reader="RAW_FILECHANNEL")
    print("| reader | operations/s | vs raw FileChannel |")
    print("|---|---:|---:|")
    for rc in ["RAW_FILECHANNEL", "FIFO"]:
        r = get(rows, "FifoThroughputBenchmark", "transfer", reader=rc)
        if r:
            print(f"| {rc} | {fmt(r['score'], 2)}{err(r)} | {ratio(r, raw)} |")


def export(rows):
    base = get(rows, "ExportBenchmark", "export", output="FILE_WRITE")
    print("| output | ms | vs writing the bytes to a file |")
    print("|---|---:|---:|")
    for o in ["FILE_WRITE", "RECORDING_COPY", "PCAPNG", "JSON_LINES"]:
        r = get(rows, "ExportBenchmark", "export", output=o)
        if r:
            print(f"| {o} | {fmt(r['score'], 0)}{err(r)} | {ratio(r, base)} |")


def container(rows):
    alone = get(rows, "ContainerBenchmark", "containerAlone")
    print("| run | ms | vs the container alone |")
    print("|---|---:|---:|")
    for m, label in [("containerAlone", "container alone"), ("containerWithFakeDevLog", "container with a fake /dev/log")]:
        r = get(rows, "ContainerBenchmark", m)
        if r:
            print(f"| {label} | {fmt(r['score'], 0)}{err(r)} | {ratio(r, alone)} |")


def failure_messages(rows):
    base = get(rows, "FailureMessageBenchmark", "baselineWholeText")
    print("| failure | ms | vs the whole recording as text |")
    print("|---|---:|---:|")
    for m in ["baselineWholeText", "exactBytesLateDifference", "linesEarlyDifference", "framesEarlyDifference",
              "regexEarlyDifference"]:
        r = get(rows, "FailureMessageBenchmark", m)
        if r:
            print(f"| {m} | {fmt(r['score'], 2)}{err(r)} | {ratio(r, base)} |")


CLASSES = {
    "Lifecycle": ["LifecycleBenchmark"], "Datagram lifecycle": ["DatagramLifecycleBenchmark"],
    "Throughput": ["ThroughputBenchmark"], "Round trip": ["RoundTripBenchmark"],
    "Handler history": ["HandlerHistoryBenchmark"], "Connections": ["ConnectionsBenchmark"],
    "JUnit overhead": ["JUnitOverheadBenchmark"], "Syslog ingest": ["SyslogIngestBenchmark"],
    "Named pipes": ["FifoThroughputBenchmark"], "Export": ["ExportBenchmark"], "Container": ["ContainerBenchmark"],
    "Failure messages": ["FailureMessageBenchmark"],
}

if __name__ == "__main__":
    for path in sys.argv[1:] or ["benchmarks/results/latest.json"]:
        rows = load(path)
        print(f"## {path}\n")
        for title, table in [("Lifecycle", lifecycle), ("Datagram lifecycle", datagram_lifecycle),
                             ("Throughput", throughput), ("Round trip", round_trip),
                             ("Handler history", history), ("Connections", connections),
                             ("JUnit overhead", junit), ("Syslog ingest", syslog), ("Named pipes", fifo),
                             ("Export", export), ("Container", container), ("Failure messages", failure_messages)]:
            if not any(key[0] == title_class for key in rows for title_class in CLASSES[title]):
                continue
            print(f"### {title}\n")
            table(rows)
            print()
