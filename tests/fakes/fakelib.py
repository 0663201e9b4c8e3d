"""Shared bits of the oms test fakes: port files, fault injection, admin API.

Everything here is Python 3 standard library only. A fake listens on
127.0.0.1 with an ephemeral port and writes the port number to a file
(atomically: write a temporary file, then rename) once it accepts
connections, so a test waits for the file and then talks to the fake.
"""
import json
import os
import random
import threading


def write_port_file(path, port):
    tmp = "%s.%d.tmp" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, path)


class Faults:
    """What the fake should do wrong, changed at run time by the admin API.

    mode       one fault for every request (None: behave)
    fail_rate  0..1: probability of a random fault per request, drawn with
               random.Random(seed) so a run can be repeated
    kinds      the faults a random failure picks from
    limit      stop injecting after this many faults (None: no limit)
    """

    def __init__(self, default_kinds):
        self.lock = threading.Lock()
        self.default_kinds = list(default_kinds)
        self.reset()

    def reset(self):
        with self.lock:
            self.mode = None
            self.fail_rate = 0.0
            self.kinds = list(self.default_kinds)
            self.rng = random.Random(0)
            self.stall_seconds = 30.0
            self.limit = None
            self.injected = {}
            self.message = None
            self.execute = False
            self.retry_after = None
            self.should_retry = None

    def configure(self, cfg):
        with self.lock:
            if "mode" in cfg:
                self.mode = cfg["mode"] or None
            if "fail_rate" in cfg:
                self.fail_rate = float(cfg["fail_rate"])
            if "seed" in cfg:
                self.rng = random.Random(cfg["seed"])
            if "kinds" in cfg:
                self.kinds = list(cfg["kinds"]) or list(self.default_kinds)
            if "stall_seconds" in cfg:
                self.stall_seconds = float(cfg["stall_seconds"])
            if "limit" in cfg:
                self.limit = cfg["limit"]
                self.injected = {}      # the limit counts from now
            if "message" in cfg:
                self.message = cfg["message"]
            if "execute" in cfg:
                self.execute = bool(cfg["execute"])
            if "retry_after" in cfg:
                self.retry_after = cfg["retry_after"]
            if "should_retry" in cfg:
                self.should_retry = cfg["should_retry"]

    def retry_headers(self):
        """Retry-After / Stripe-Should-Retry for an injected error answer."""
        h = {}
        with self.lock:
            if self.retry_after is not None:
                h["Retry-After"] = str(self.retry_after)
            if self.should_retry is not None:
                h["Stripe-Should-Retry"] = "true" if self.should_retry else "false"
        return h

    def pick(self):
        """The fault for this request, or None."""
        with self.lock:
            if self.limit is not None and sum(self.injected.values()) >= self.limit:
                return None
            kind = None
            if self.mode:
                kind = self.mode
            elif self.fail_rate > 0 and self.rng.random() < self.fail_rate:
                kind = self.rng.choice(self.kinds)
            if kind:
                self.injected[kind] = self.injected.get(kind, 0) + 1
            return kind

    def snapshot(self):
        with self.lock:
            return {"mode": self.mode, "fail_rate": self.fail_rate,
                    "kinds": self.kinds, "injected": dict(self.injected)}


def read_json_body(handler):
    n = int(handler.headers.get("Content-Length") or 0)
    raw = handler.rfile.read(n) if n > 0 else b""
    if not raw:
        return {}
    return json.loads(raw.decode("utf-8"))


def send_json(handler, status, obj, extra_headers=None):
    body = json.dumps(obj, sort_keys=True).encode("utf-8")
    send_raw(handler, status, body, "application/json", extra_headers)


def send_raw(handler, status, body, ctype="application/json", extra_headers=None):
    handler.send_response(status)
    handler.send_header("Content-Type", ctype)
    handler.send_header("Content-Length", str(len(body)))
    for k, v in (extra_headers or {}).items():
        handler.send_header(k, v)
    handler.end_headers()
    handler.wfile.write(body)
