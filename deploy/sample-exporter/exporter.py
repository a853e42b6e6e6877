#!/usr/bin/env python3
"""A small stand-in for a real service's metrics: request counts, a latency histogram and payments for a control
and a canary track, in the Prometheus text format, on /metrics. The series names and labels are the ones the queries
in plans/*.yaml read, so a rollout with metric source "prometheus" has live data in the compose stack.

    python3 exporter.py --port 9105 [--canary-slowdown 1.0]

Only the standard library: it runs in the plain python image."""

import argparse
import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BUCKETS = [0.025, 0.05, 0.075, 0.1, 0.125, 0.15, 0.2, 0.3, 0.5, 1.0]
TRACKS = ("control", "canary")
JOURNEYS = ("search", "checkout")


class Service:
    def __init__(self, canary_slowdown):
        self.lock = threading.Lock()
        self.slowdown = {"control": 1.0, "canary": canary_slowdown}
        self.requests = {}
        self.buckets = {}
        self.sums = {}
        self.payments = {t: {"started": 0, "completed": 0, "usd": 0.0} for t in TRACKS}

    def serve_one(self, track, journey):
        latency = random.lognormvariate(-2.7, 0.35) * self.slowdown[track]
        code = "500" if random.random() < 0.002 else ("404" if random.random() < 0.01 else "200")
        with self.lock:
            key = (track, journey, code)
            self.requests[key] = self.requests.get(key, 0) + 1
            for le in BUCKETS + [float("inf")]:
                if latency <= le:
                    bkey = (track, journey, le)
                    self.buckets[bkey] = self.buckets.get(bkey, 0) + 1
            skey = (track, journey)
            self.sums[skey] = self.sums.get(skey, 0.0) + latency
            if journey == "checkout":
                self.payments[track]["started"] += 1
                if code == "200":
                    self.payments[track]["completed"] += 1
                    self.payments[track]["usd"] += round(random.uniform(5, 20), 2)

    def run(self):
        while True:
            for track in TRACKS:
                for journey in JOURNEYS:
                    for _ in range(5 if track == "control" else 1):
                        self.serve_one(track, journey)
            time.sleep(0.1)

    def render(self):
        out = ["# TYPE http_requests_total counter"]
        with self.lock:
            for (track, journey, code), value in sorted(self.requests.items()):
                out.append(f'http_requests_total{{track="{track}",journey="{journey}",code="{code}"}} {value}')
            out.append("# TYPE http_request_duration_seconds histogram")
            for track in TRACKS:
                for journey in JOURNEYS:
                    for le in BUCKETS + [float("inf")]:
                        label = "+Inf" if le == float("inf") else repr(le)
                        value = self.buckets.get((track, journey, le), 0)
                        out.append(f'http_request_duration_seconds_bucket{{track="{track}",journey="{journey}",le="{label}"}} {value}')
                    count = self.buckets.get((track, journey, float("inf")), 0)
                    out.append(f'http_request_duration_seconds_sum{{track="{track}",journey="{journey}"}} {self.sums.get((track, journey), 0.0):.6f}')
                    out.append(f'http_request_duration_seconds_count{{track="{track}",journey="{journey}"}} {count}')
            for name, field in (("payments_started_total", "started"), ("payments_completed_total", "completed"), ("payments_amount_usd_total", "usd")):
                out.append(f"# TYPE {name} counter")
                for track in TRACKS:
                    out.append(f'{name}{{track="{track}"}} {self.payments[track][field]}')
        return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=9105)
    parser.add_argument("--canary-slowdown", type=float, default=1.0)
    args = parser.parse_args()
    service = Service(args.canary_slowdown)
    threading.Thread(target=service.run, daemon=True).start()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path != "/metrics":
                self.send_error(404)
                return
            body = service.render().encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_):
            pass

    ThreadingHTTPServer((args.host, args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
