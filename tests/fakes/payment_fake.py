#!/usr/bin/env python3
"""A stateful fake of the payment gateway's refund API, for oms tests.

    payment_fake.py --port-file FILE [--api-key KEY] [--log FILE]

Listens on 127.0.0.1 (ephemeral port, written to FILE). Speaks:

  POST /v1/refunds                 form: payment_intent | charge, amount,
                                   reason, metadata[...]; header Idempotency-Key
  GET  /v1/refunds/{id}
  GET  /v1/refunds?payment_intent=ID|charge=ID   a list object, newest first
  GET  /v1/payment_intents/{id}
  POST /v1/payment_intents/{id}/capture   requires_capture -> succeeded;
                                          form amount_to_capture (default:
                                          amount_capturable; more is a 400
                                          amount_too_large; the rest is
                                          released, amount_capturable 0)
  POST /v1/payment_intents/{id}/cancel    -> canceled (succeeded: 400
                                          payment_intent_unexpected_state)
  GET  /v1/charges/{id}
  POST /v1/charges/{id}/capture

Every POST is idempotent by its Idempotency-Key, as Stripe documents: the
first answer to a key is kept, including a 500 (mode "500_stored"), and
replayed with the header Idempotent-Replayed: true.

Idempotency like the real gateway: the first response to a key is kept; the
same key with the same parameters replays it (header Idempotent-Replayed:
true) without executing again; the same key with different parameters is a
400 idempotency_error; a key whose first request is still running is a 409.

Admin API (JSON):
  GET  /_admin/stats      counters (see stats() below); intent_gets_by_id
                          counts GET /v1/payment_intents/{id} per id,
                          posts_by_key POST /v1/refunds per Idempotency-Key
                          (replays included; refunds list executions)
  GET  /_admin/refunds    every refund executed
  POST /_admin/faults     {"mode": "500"|"429"|"409"|"400"|"402"|"404"|"stall"|
                           "close"|"garbage"|"lost"|"garbage_after"|null,
                           "fail_rate": 0.3, "seed": 42, "kinds": [...],
                           "stall_seconds": 5, "limit": N, "message": "..."}
      Faults before execution: 500 429 409 4xx stall close garbage.
      Faults after execution (the refund happened, the answer is lost):
      lost (connection closed), garbage_after (unreadable answer).
  POST /_admin/intents    {"pi_1": {"status": "succeeded", "amount": 1234,
                           "currency": "usd"}, ...}   payment intents to serve
                          (any other field is served as given, e.g.
                          "last_payment_error"; amount_received defaults
                          to amount)
  POST /_admin/charges    {"ch_1": {"status": "succeeded", "captured": true,
                           "amount": 1234, "currency": "usd"}}  charges to serve
  POST /_admin/refund/{id} {"status": "failed", ...}   changes a refund
                          (a pending one settling, a succeeded one failing)
  POST /_admin/config     {"refund_status": "succeeded"|"pending"|"failed",
                           "pending_looks": N (a pending refund settles at
                           the N-th GET; 0: never; default 1),
                           "refund_answer": {"amount": 1, "currency": "eur"}
                           (fields that override every refund answer, as a
                           confused gateway would), "intent_default": {...} | null}
  Faults (besides the list below): "401" (authentication_error), "500_stored"
  (a 500 kept for the Idempotency-Key and replayed; "execute": true makes
  the refund happen before the 500), "retry_after": N seconds and
  "should_retry": true|false add the Retry-After / Stripe-Should-Retry
  headers to injected error answers.
  Stats add: last_stripe_version, post_times (Idempotency-Key -> times of
  its POSTs, monotonic seconds), captures, cancels, refund_lists,
  captured_amounts (intent id -> the amount its capture took),
  refund_gets_by_id (refund id -> GET /v1/refunds/{id}).
  POST /_admin/send_webhook {"url", "event", "secret" | "secrets", "timestamp",
                           "signature"}: the gateway's webhook, signed (see
                           send_webhook), POSTed to the worker's listener
  POST /_admin/reset      forget everything
"""
import argparse
import json
import signal
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import fakelib

GARBAGE = [
    b'{"id": "re_trunc',
    b"<html><body>502 Bad Gateway</body></html>",
    b"[1, 2, 3]",
    b'{"object": "refund", "amount": 100}',
    b'{"id": 12, "status": ["succeeded"]}',
    b'{"id": "re_x", "status": "exploded"}',
    b"\x00\xff\xfe garbage \x01",
    b"",
]


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.faults = fakelib.Faults(["500", "429", "close", "stall", "garbage",
                                      "lost", "garbage_after"])
        self.reset()

    def reset(self):
        with self.lock:
            self.keys = {}          # key -> {"fp": ..., "status": int, "body": bytes} or "inflight"
            self.refunds = {}       # refund id -> object
            self.by_key = {}        # key -> executions
            self.by_refund_id = {}  # metadata[refund_id] -> executions
            self.posts_by_key = {}  # Idempotency-Key -> POSTs (replays included)
            self.intents = {}
            self.captured_amounts = {}   # intent id -> amount captured
            self.intent_gets_by_id = {}
            self.intent_default = None
            self.refund_status = "succeeded"
            self.pending_looks = 1
            self.refund_answer = {}
            self.charges = {}
            self.refund_gets = {}   # refund id -> GETs while pending
            self.refund_gets_by_id = {}   # refund id -> every GET
            self.post_times = {}
            self.last_stripe_version = None
            self.counter = {"requests": 0, "refund_posts": 0, "refunds_executed": 0,
                            "replays": 0, "idempotency_errors": 0, "in_flight_conflicts": 0,
                            "unauthorized": 0, "intent_gets": 0, "refund_gets": 0,
                            "missing_key": 0, "captures": 0, "cancels": 0,
                            "refund_lists": 0, "charge_gets": 0}
            self.seq = 0
        self.faults.reset()

    def stats(self):
        with self.lock:
            s = dict(self.counter)
            s["distinct_keys"] = len(self.by_key)
            s["max_executions_per_key"] = max(self.by_key.values(), default=0)
            s["distinct_refund_ids"] = len(self.by_refund_id)
            s["max_executions_per_refund_id"] = max(self.by_refund_id.values(), default=0)
            s["succeeded"] = sum(1 for r in self.refunds.values() if r["status"] == "succeeded")
            s["intent_gets_by_id"] = dict(self.intent_gets_by_id)
            s["posts_by_key"] = dict(self.posts_by_key)
            s["faults"] = self.faults.snapshot()
            s["last_stripe_version"] = self.last_stripe_version
            s["post_times"] = dict(self.post_times)
            s["captured_amounts"] = dict(self.captured_amounts)
            s["refund_gets_by_id"] = dict(self.refund_gets_by_id)
            return s


STATE = State()
API_KEY = None
LOG = None


def log(msg):
    if LOG:
        with STATE.lock:
            LOG.write("%.3f %s\n" % (time.time(), msg))
            LOG.flush()


def error_obj(etype, message, code=None):
    e = {"type": etype, "message": message}
    if code:
        e["code"] = code
    return {"error": e}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet; --log has our own lines
        pass

    # -- admin ---------------------------------------------------------
    def admin(self, method):
        path = self.path.split("?")[0]
        if method == "GET" and path == "/_admin/stats":
            return fakelib.send_json(self, 200, STATE.stats())
        if method == "GET" and path == "/_admin/refunds":
            with STATE.lock:
                return fakelib.send_json(self, 200, list(STATE.refunds.values()))
        body = fakelib.read_json_body(self) if method == "POST" else {}
        if path == "/_admin/faults":
            STATE.faults.configure(body)
            return fakelib.send_json(self, 200, STATE.faults.snapshot())
        if path == "/_admin/intents":
            with STATE.lock:
                STATE.intents.update(body)
            return fakelib.send_json(self, 200, {"ok": True})
        if path == "/_admin/charges":
            with STATE.lock:
                STATE.charges.update(body)
            return fakelib.send_json(self, 200, {"ok": True})
        if path.startswith("/_admin/refund/"):
            with STATE.lock:
                r = STATE.refunds.get(path.rsplit("/", 1)[1])
                if r:
                    r.update(body)
            return fakelib.send_json(self, 200 if r else 404, r or {"error": "no such refund"})
        if path == "/_admin/config":
            with STATE.lock:
                if "pending_looks" in body:
                    STATE.pending_looks = int(body["pending_looks"])
                if "refund_answer" in body:
                    STATE.refund_answer = dict(body["refund_answer"] or {})
                if "refund_status" in body:
                    STATE.refund_status = body["refund_status"]
                if "intent_default" in body:
                    STATE.intent_default = body["intent_default"]
            return fakelib.send_json(self, 200, {"ok": True})
        if path == "/_admin/send_webhook":
            return fakelib.send_json(self, 200, send_webhook(body))
        if path == "/_admin/reset":
            STATE.reset()
            return fakelib.send_json(self, 200, {"ok": True})
        return fakelib.send_json(self, 404, {"error": "no such admin path"})

    # -- faults --------------------------------------------------------
    def fault_before(self, kind):
        """Applies a fault that happens before any execution. True if it did."""
        if kind is None or kind in ("lost", "garbage_after", "500_stored"):
            return False
        msg = STATE.faults.message
        if kind == "close":
            self.close_connection = True
            return True
        if kind == "stall":
            time.sleep(STATE.faults.stall_seconds)
            self.close_connection = True
            return True
        if kind == "garbage":
            with STATE.lock:
                g = GARBAGE[STATE.seq % len(GARBAGE)]
                STATE.seq += 1
            fakelib.send_raw(self, 200, g)
            return True
        if kind.isdigit():
            status = int(kind)
            types = {400: "invalid_request_error", 401: "authentication_error",
                     402: "card_error", 403: "permission_error", 404: "invalid_request_error",
                     409: "idempotency_error", 429: "rate_limit_error"}
            fakelib.send_json(self, status, error_obj(types.get(status, "api_error"),
                                                      msg or "injected fault %d" % status),
                              STATE.faults.retry_headers())
            return True
        return False

    def deliver(self, kind, status, body, headers=None):
        """Sends the real answer, or loses it (faults after execution)."""
        if kind == "lost":
            self.close_connection = True
            return
        if kind == "garbage_after":
            fakelib.send_raw(self, 200, b'{"id": "re_lost", "status": ')
            return
        fakelib.send_raw(self, status, body, "application/json", headers)

    def note_headers(self):
        v = self.headers.get("Stripe-Version")
        with STATE.lock:
            if v:
                STATE.last_stripe_version = v

    def authorized(self):
        if not API_KEY:
            return True
        if self.headers.get("Authorization", "") == "Bearer " + API_KEY:
            return True
        with STATE.lock:
            STATE.counter["unauthorized"] += 1
        fakelib.send_json(self, 401, error_obj("invalid_request_error",
                                               "Invalid API Key provided"))
        return False

    # -- API -----------------------------------------------------------
    def do_GET(self):
        if self.path.startswith("/_admin/"):
            return self.admin("GET")
        with STATE.lock:
            STATE.counter["requests"] += 1
        if not self.authorized():
            return
        kind = STATE.faults.pick()
        if self.fault_before(kind):
            return
        self.note_headers()
        parts = self.path.split("?")[0].strip("/").split("/")
        query = urllib.parse.parse_qs(self.path.split("?", 1)[1]) if "?" in self.path else {}
        if parts == ["v1", "refunds"]:
            pi = (query.get("payment_intent") or [None])[0]
            ch = (query.get("charge") or [None])[0]
            with STATE.lock:
                STATE.counter["refund_lists"] += 1
                data = [r for r in STATE.refunds.values()
                        if (pi and r.get("payment_intent") == pi) or (ch and r.get("charge") == ch)]
                data.sort(key=lambda r: r["id"], reverse=True)
            return self.deliver(kind, 200, json.dumps({"object": "list", "url": "/v1/refunds",
                                                       "has_more": False, "data": data}).encode())
        if len(parts) == 3 and parts[:2] == ["v1", "charges"]:
            with STATE.lock:
                STATE.counter["charge_gets"] += 1
                STATE.intent_gets_by_id[parts[2]] = STATE.intent_gets_by_id.get(parts[2], 0) + 1
                ch = STATE.charges.get(parts[2])
            if not ch:
                return fakelib.send_json(self, 404, error_obj(
                    "invalid_request_error", "No such charge: '%s'" % parts[2], "resource_missing"))
            obj = {"id": parts[2], "object": "charge", "status": "succeeded", "captured": True,
                   "currency": "usd", "paid": True}
            obj.update(ch)
            obj.setdefault("amount_captured", obj.get("amount") if obj.get("captured") else 0)
            return self.deliver(kind, 200, json.dumps(obj).encode())
        if len(parts) == 3 and parts[:2] == ["v1", "refunds"]:
            with STATE.lock:
                STATE.counter["refund_gets"] += 1
                STATE.refund_gets_by_id[parts[2]] = STATE.refund_gets_by_id.get(parts[2], 0) + 1
                r = STATE.refunds.get(parts[2])
                if r and r["status"] == "pending":
                    n = STATE.refund_gets[parts[2]] = STATE.refund_gets.get(parts[2], 0) + 1
                    if STATE.pending_looks and n >= STATE.pending_looks:
                        r["status"] = "succeeded"   # settles at the N-th look
                if r:
                    r = dict(r)
                    r.update(STATE.refund_answer)
            if not r:
                return fakelib.send_json(self, 404, error_obj(
                    "invalid_request_error", "No such refund", "resource_missing"))
            return self.deliver(kind, 200, json.dumps(r).encode())
        if len(parts) == 3 and parts[:2] == ["v1", "payment_intents"]:
            with STATE.lock:
                STATE.counter["intent_gets"] += 1
                STATE.intent_gets_by_id[parts[2]] = STATE.intent_gets_by_id.get(parts[2], 0) + 1
                pi = STATE.intents.get(parts[2]) or STATE.intent_default
            if not pi:
                return fakelib.send_json(self, 404, error_obj(
                    "invalid_request_error", "No such payment_intent", "resource_missing"))
            obj = {"id": parts[2], "object": "payment_intent", "status": "succeeded",
                   "currency": "usd"}
            obj.update(pi)
            obj.setdefault("amount_received", obj.get("amount"))
            return self.deliver(kind, 200, json.dumps(obj).encode())
        return fakelib.send_json(self, 404, error_obj("invalid_request_error", "Unrecognized request URL"))

    def do_POST(self):
        if self.path.startswith("/_admin/"):
            return self.admin("POST")
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        with STATE.lock:
            STATE.counter["requests"] += 1
        if not self.authorized():
            return
        self.note_headers()
        path = self.path.split("?")[0]
        parts = path.strip("/").split("/")
        if path == "/v1/refunds":
            action = self.execute
        elif len(parts) == 4 and parts[:2] == ["v1", "payment_intents"] and parts[3] in ("capture", "cancel"):
            action = lambda params, key: self.intent_action(parts[2], parts[3], params)
        elif len(parts) == 4 and parts[:2] == ["v1", "charges"] and parts[3] == "capture":
            action = lambda params, key: self.charge_capture(parts[2], params)
        else:
            return fakelib.send_json(self, 404, error_obj("invalid_request_error", "Unrecognized request URL"))
        with STATE.lock:
            if path == "/v1/refunds":
                STATE.counter["refund_posts"] += 1
            k = self.headers.get("Idempotency-Key") or ""
            STATE.posts_by_key[k] = STATE.posts_by_key.get(k, 0) + 1
            STATE.post_times.setdefault(k, []).append(round(time.monotonic(), 3))
        kind = STATE.faults.pick()
        if self.fault_before(kind):
            return
        params = urllib.parse.parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
        params = {k: v[-1] for k, v in params.items()}
        fp = json.dumps([path, params], sort_keys=True)
        key = self.headers.get("Idempotency-Key")
        if key:
            with STATE.lock:
                prev = STATE.keys.get(key)
                if prev == "inflight":
                    STATE.counter["in_flight_conflicts"] += 1
                    conflict = True
                else:
                    conflict = False
                    if prev is None:
                        STATE.keys[key] = "inflight"
            if conflict:
                return fakelib.send_json(self, 409, error_obj(
                    "idempotency_error", "There is currently another in-progress request "
                    "using this Idempotent Key", "idempotency_key_in_use"))
            if prev is not None:
                if prev["fp"] != fp:
                    with STATE.lock:
                        STATE.counter["idempotency_errors"] += 1
                    return fakelib.send_json(self, 400, error_obj(
                        "idempotency_error", "Keys for idempotent requests can only be used "
                        "with the same parameters they were first used with."))
                with STATE.lock:
                    STATE.counter["replays"] += 1
                log("replay key=%s" % key)
                return self.deliver(kind, prev["status"], prev["body"],
                                    dict(prev.get("headers") or {}, **{"Idempotent-Replayed": "true"}))
        else:
            with STATE.lock:
                STATE.counter["missing_key"] += 1
        headers = {}
        if kind == "500_stored":
            # Stripe: a 500 is the outcome of the request as far as the key
            # is concerned; the refund may or may not have happened.
            if STATE.faults.execute and path == "/v1/refunds":
                self.execute(params, key)
            status, obj = 500, error_obj("api_error", "An unknown error occurred")
            headers = {"Stripe-Should-Retry": "false"}
        else:
            status, obj = action(params, key)
        body = json.dumps(obj).encode()
        if key:
            with STATE.lock:
                STATE.keys[key] = {"fp": fp, "status": status, "body": body, "headers": headers}
        log("%s key=%s status=%d fault=%s" % (path, key, status, kind))
        if kind == "500_stored":
            return fakelib.send_raw(self, status, body, "application/json", headers)
        self.deliver(kind, status, body, headers)

    def intent_action(self, pid, verb, params):
        with STATE.lock:
            pi = STATE.intents.get(pid)
            if pi is None:
                return 404, error_obj("invalid_request_error", "No such payment_intent: '%s'" % pid,
                                      "resource_missing")
            st = pi.get("status", "succeeded")
            if verb == "capture":
                if st != "requires_capture":
                    return 400, error_obj("invalid_request_error",
                                          "This PaymentIntent could not be captured because it has a "
                                          "status of %s." % st, "payment_intent_unexpected_state")
                # Stripe: amount_to_capture defaults to the whole
                # amount_capturable and may not exceed it; the rest is
                # released (final_capture defaults to true).
                capturable = int(pi.get("amount_capturable", pi.get("amount", 0)))
                raw = params.get("amount_to_capture")
                if raw is not None and (not raw.isdigit() or int(raw) <= 0):
                    return 400, error_obj("invalid_request_error",
                                          "Invalid positive integer", "parameter_invalid_integer")
                amount = int(raw) if raw is not None else capturable
                if amount > capturable:
                    return 400, error_obj("invalid_request_error",
                                          "The amount to capture (%d) is greater than the amount "
                                          "capturable (%d)." % (amount, capturable), "amount_too_large")
                STATE.counter["captures"] += 1
                STATE.captured_amounts[pid] = amount
                pi["status"] = "succeeded"
                pi["amount_received"] = amount
                pi["amount_capturable"] = 0
            else:
                if st in ("succeeded", "canceled"):
                    return 400, error_obj("invalid_request_error",
                                          "You cannot cancel this PaymentIntent because it has a "
                                          "status of %s." % st, "payment_intent_unexpected_state")
                STATE.counter["cancels"] += 1
                pi["status"] = "canceled"
                pi["cancellation_reason"] = params.get("cancellation_reason")
            obj = {"id": pid, "object": "payment_intent", "currency": "usd"}
            obj.update(pi)
            obj.setdefault("amount_received", 0)
            return 200, obj

    def charge_capture(self, cid, params=None):
        with STATE.lock:
            ch = STATE.charges.get(cid)
            if ch is None:
                return 404, error_obj("invalid_request_error", "No such charge: '%s'" % cid,
                                      "resource_missing")
            if ch.get("captured", True):
                return 400, error_obj("invalid_request_error", "Charge %s has already been captured." % cid,
                                      "charge_already_captured")
            raw = (params or {}).get("amount")
            amount = int(raw) if raw is not None and raw.isdigit() else ch.get("amount", 0)
            if amount > ch.get("amount", 0) or amount <= 0:
                return 400, error_obj("invalid_request_error", "Invalid amount to capture.", "amount_too_large")
            STATE.counter["captures"] += 1
            STATE.captured_amounts[cid] = amount
            ch["captured"] = True
            ch["amount_captured"] = amount
            ch["amount_refunded"] = ch.get("amount", 0) - amount
            obj = {"id": cid, "object": "charge", "status": "succeeded", "currency": "usd"}
            obj.update(ch)
            return 200, obj

    def execute(self, params, key):
        ref = params.get("payment_intent") or params.get("charge")
        amount = params.get("amount", "")
        if not ref or not amount.isdigit() or int(amount) <= 0:
            return 400, error_obj("invalid_request_error",
                                  "Missing or invalid parameter: amount / payment_intent",
                                  "parameter_missing")
        if ref.startswith("pi_missing") or ref.startswith("ch_missing"):
            return 404, error_obj("invalid_request_error", "No such payment_intent: '%s'" % ref,
                                  "resource_missing")
        with STATE.lock:
            STATE.counter["refunds_executed"] += 1
            STATE.seq += 1
            rid = "re_fake%06d" % STATE.seq
            status = STATE.refund_status
            if ref.startswith("pi_fail"):
                status = "failed"
            pi = STATE.intents.get(ref) or STATE.charges.get(ref) or {}
            meta = {k[len("metadata["):-1]: v for k, v in params.items()
                    if k.startswith("metadata[") and k.endswith("]")}
            obj = {"id": rid, "object": "refund", "amount": int(amount),
                   "currency": pi.get("currency", "usd"),
                   "status": status, "created": int(time.time()),
                   "metadata": meta, "reason": params.get("reason"),
                   "idempotency_key": key}
            if ref.startswith("ch_"):
                obj["charge"] = ref
                obj["payment_intent"] = None
            else:
                obj["payment_intent"] = ref
            if status == "failed":
                obj["failure_reason"] = "expired_or_canceled_card"
            STATE.refunds[rid] = obj
            obj = dict(obj)
            obj.update(STATE.refund_answer)
            if key:
                STATE.by_key[key] = STATE.by_key.get(key, 0) + 1
            mid = params.get("metadata[refund_id]", "")
            STATE.by_refund_id[mid] = STATE.by_refund_id.get(mid, 0) + 1
        return 200, obj


def send_webhook(req):
    """POSTs an event to the worker's listener, signed as the gateway signs:
    Stripe-Signature: t=TIMESTAMP,v1=HMAC-SHA256(secret, "TIMESTAMP." + body).
    req: {"url", "event", "secret" (or "secrets": several v1), "timestamp"
    (default now), "signature" (a header to send as is: forged)}.
    Returns {"status", "body"} of the listener's answer and "sent_at", the
    wall-clock time (seconds since the epoch) the POST began."""
    import hashlib
    import hmac
    import urllib.error
    import urllib.request
    body = json.dumps(req["event"]).encode()
    ts = int(req.get("timestamp") or time.time())
    secrets = req.get("secrets") or [req.get("secret", "")]
    sig = req.get("signature") or "t=%d,%s" % (ts, ",".join(
        "v1=" + hmac.new(s.encode(), b"%d." % ts + body, hashlib.sha256).hexdigest() for s in secrets))
    r = urllib.request.Request(req["url"], data=body, method="POST",
                               headers={"Content-Type": "application/json", "Stripe-Signature": sig})
    sent_at = time.time()
    try:
        with urllib.request.urlopen(r, timeout=10) as resp:
            return {"status": resp.status, "body": resp.read().decode("utf-8", "replace"),
                    "sent_at": sent_at}
    except urllib.error.HTTPError as e:
        return {"status": e.code, "body": e.read().decode("utf-8", "replace"), "sent_at": sent_at}
    except OSError as e:
        return {"status": 0, "body": str(e), "sent_at": sent_at}


def main():
    global API_KEY, LOG
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--api-key")
    ap.add_argument("--log")
    args = ap.parse_args()
    API_KEY = args.api_key
    if args.log:
        LOG = open(args.log, "a")
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=srv.shutdown).start())
    fakelib.write_port_file(args.port_file, srv.server_address[1])
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
