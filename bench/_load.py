"""Load generator for the benchmarks, run as its own process: `python -m bench._load URL COOKIE
REQUESTS SECONDS CONCURRENCY`. Prints one JSON line: requests done, errors, seconds, rps."""

import http.client
import json
import sys
import threading
import time
from urllib.parse import urlsplit


def main():
    url, cookie, total, seconds, concurrency = (
        sys.argv[1],
        sys.argv[2],
        int(sys.argv[3]),
        float(sys.argv[4]),
        int(sys.argv[5]),
    )
    parts = urlsplit(url)
    lock = threading.Lock()
    state = {"left": total, "done": 0, "errors": 0}
    deadline = time.monotonic() + seconds

    def worker():
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        while True:
            with lock:
                if state["left"] <= 0 or time.monotonic() > deadline:
                    return
                state["left"] -= 1
            try:
                conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers={"Cookie": cookie})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
            with lock:
                state["done" if ok else "errors"] += 1

    start = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    print(
        json.dumps(
            {
                "done": state["done"],
                "errors": state["errors"],
                "seconds": round(elapsed, 3),
                "rps": round(state["done"] / elapsed, 1) if elapsed else 0.0,
            }
        )
    )


if __name__ == "__main__":
    main()
