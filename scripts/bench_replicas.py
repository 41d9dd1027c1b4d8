#!/usr/bin/env python3
"""Measures what issue 13 asks of replicas, against servers scripts/bench-replicas.sh started.

  visibility A B TOKEN N      write through A, time until B's search finds it (N writes)
  writes BASE TOKEN SECONDS C writes per second through BASE with C concurrent clients

Prints one JSON object. Standard library only.
"""
import json
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid


def post_entry(base, token, slug, word):
    body = json.dumps({
        "slug": slug,
        "title": f"Bench entry {word}",
        "summary": f"Written for the replica benchmark ({word}).",
        "kind": "practice",
        "topics": ["policing"],
        "body_markdown": f"The word is {word}.",
        "message": "benchmark",
    }).encode()
    request = urllib.request.Request(
        f"{base}/api/entries", data=body, method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return reply.status


def found(base, word):
    with urllib.request.urlopen(f"{base}/api/search?q={word}", timeout=30) as reply:
        return json.load(reply)["total"] > 0


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def visibility(a, b, token, n):
    latencies = []
    for i in range(n):
        word = "w" + uuid.uuid4().hex[:12]
        assert post_entry(a, token, f"vis-{word}", word) == 201
        acknowledged = time.perf_counter()
        while not found(b, word):
            if time.perf_counter() - acknowledged > 10:
                raise SystemExit(f"{word} not visible on {b} after 10 s")
            time.sleep(0.002)
        latencies.append((time.perf_counter() - acknowledged) * 1000)
    return {
        "writes": n,
        "median_ms": round(statistics.median(latencies), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "max_ms": round(max(latencies), 1),
    }


def writes(base, token, seconds, clients):
    done = []
    stop = time.perf_counter() + seconds
    lock = threading.Lock()

    def client(c):
        n = 0
        while time.perf_counter() < stop:
            word = "x" + uuid.uuid4().hex[:12]
            assert post_entry(base, token, f"wr-{c}-{n}-{word}", word) == 201
            n += 1
        with lock:
            done.append(n)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    total = sum(done)
    return {"clients": clients, "writes": total,
            "per_second": round(total / (time.perf_counter() - started), 1)}


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "visibility":
        print(json.dumps(visibility(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))))
    elif mode == "writes":
        print(json.dumps(writes(sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5]))))
    else:
        raise SystemExit(__doc__)
