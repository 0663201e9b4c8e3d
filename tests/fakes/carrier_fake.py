#!/usr/bin/env python3
"""A stateful carrier-aggregator fake, shaped like EasyPost's v2 API (issue 11).

Listens on 127.0.0.1 (ephemeral port, written to --port-file once it
accepts connections). Python 3 standard library only.

The API (Authorization: Bearer API_KEY, else 401):
    POST /v2/trackers        form tracker[tracking_code], tracker[carrier]:
                             a Tracker (the same one again for the same code
                             and carrier, as EasyPost does)
    GET  /v2/trackers/ID     the Tracker as its journey stands
    POST /v2/shipments       form shipment[to_address][...], shipment[from_address][...],
                             shipment[parcel][weight]: a Shipment with three rates
                             (UPS Ground 3 days, UPS NextDayAir 1 day, USPS
                             Priority 2 days; prices grow with the weight)
    POST /v2/shipments/ID/buy  form rate[id]: the Shipment bought, with
                             tracking_code and postage_label.label_url (once:
                             buying it again answers the same label)

A tracker plays a scripted journey; each step is one scan, one hour after
the previous one (the first an hour after the tracker was made):
    normal     pre_transit, in_transit, in_transit, out_for_delivery, delivered
    exception  pre_transit, in_transit, failure, in_transit, out_for_delivery,
               delivered
    lost       pre_transit, in_transit (and nothing more)
    stuck      pre_transit (and nothing more)
    return     pre_transit, in_transit, failure, return_to_sender
The journey is chosen per tracking code (/_admin/journey) before the
tracker is made (default: normal); /_admin/advance plays the next steps.

The admin API (no key):
    POST /_admin/journey  {"code": C, "journey": J}
    POST /_admin/advance  {"code": C (or none: every tracker), "steps": N}
    POST /_admin/faults   {"mode": null | "fail" | "stall" | "garbage" | "wrong",
                           "stall_seconds": S, "limit": N}
                          fail: 500; stall: no answer for S seconds; garbage:
                          200 with text that is not JSON; wrong: 200 with a
                          JSON object that is not a Tracker. limit: only the
                          next N API requests, then behave.
    POST /_admin/webhook  {"url": U, "code": C, "secrets": [S...],
                           "mode": "signed" | "unsigned" | "badsig" | "replay"
                                   | "duplicate" | "reorder" | "steps"}
                          sends Events about tracker C to U, signed with
                          X-Hmac-Signature: hmac-sha256-hex=HEX (HMAC-SHA256
                          of the body with the first secret). signed: one
                          Event, the tracker now; unsigned: no header;
                          badsig: a wrong signature; replay: the last Event
                          sent again as it was; duplicate: one Event twice
                          at once (two connections); reorder: one Event per
                          scan so far, newest first; steps: one per scan,
                          oldest first. Answers {"sent": [[id, http status
                          or 0], ...]}.
    GET  /_admin/stats    requests per endpoint, trackers, faults injected, the
                          shipments made (to and from zip, the tracking code
                          bought: a return label's addresses are swapped)
"""
import argparse
import datetime
import hashlib
import hmac
import json
import os
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

JOURNEYS = {
    "normal": ["pre_transit", "in_transit", "in_transit", "out_for_delivery", "delivered"],
    "exception": ["pre_transit", "in_transit", "failure", "in_transit", "out_for_delivery",
                  "delivered"],
    "lost": ["pre_transit", "in_transit"],
    "stuck": ["pre_transit"],
    "return": ["pre_transit", "in_transit", "failure", "return_to_sender"],
}
MESSAGES = {
    "pre_transit": "Shipping label created",
    "in_transit": "Arrived at facility",
    "out_for_delivery": "Out for delivery",
    "delivered": "Delivered, front door",
    "failure": "Delivery attempted, address not found",
    "return_to_sender": "Returned to sender",
}
CITIES = ["Louisville", "Memphis", "Indianapolis", "Springfield", "Springfield"]

LOCK = threading.Lock()
STATE = {
    "trackers": {},      # id -> tracker dict (internal)
    "by_code": {},       # (code, carrier) -> id
    "journeys": {},      # code -> journey name
    "stats": {},
    "faults": {"mode": None, "stall_seconds": 30.0, "limit": None, "injected": 0},
    "last_event": None,  # (url, body, headers)
    "seq": 0,
}
API_KEY = None


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def count(key):
    STATE["stats"][key] = STATE["stats"].get(key, 0) + 1


def tracker_json(t):
    """The Tracker object as the API shows it now."""
    steps = JOURNEYS[t["journey"]][:t["played"]]
    details = []
    for i, status in enumerate(steps):
        when = t["created"] + datetime.timedelta(hours=i + 1)
        details.append({
            "object": "TrackingDetail",
            "status": status,
            "message": MESSAGES.get(status, status),
            "datetime": iso(when),
            "source": t["carrier"],
            "tracking_location": {"object": "TrackingLocation",
                                  "city": CITIES[min(i, len(CITIES) - 1)],
                                  "state": "KY" if i == 0 else "TN", "country": "US",
                                  "zip": None},
        })
    status = steps[-1] if steps else "unknown"
    est = t["created"] + datetime.timedelta(days=t["est_days"])
    return {
        "id": t["id"], "object": "Tracker", "mode": "test",
        "tracking_code": t["code"], "carrier": t["carrier"], "status": status,
        "signed_by": "J. DOE" if status == "delivered" else None,
        "est_delivery_date": iso(est),
        "public_url": "https://track.example.com/%s" % t["id"],
        "tracking_details": details,
        "created_at": iso(t["created"]),
        "updated_at": iso(datetime.datetime.utcnow()),
    }


def make_event(t, tracker=None):
    with LOCK:
        STATE["seq"] += 1
        seq = STATE["seq"]
    return {"id": "evt_%06d_%s" % (seq, t["id"][4:]), "object": "Event",
            "description": "tracker.updated", "mode": "test",
            "result": tracker if tracker is not None else tracker_json(t),
            "created_at": iso(datetime.datetime.utcnow())}


def sign(body, secret):
    return "hmac-sha256-hex=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_event(url, body, headers):
    req = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except Exception:  # noqa: BLE001 - an unreachable listener is status 0
        return 0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet
        pass

    def send(self, status, body, ctype="application/json"):
        if isinstance(body, (dict, list)):
            body = json.dumps(body, sort_keys=True).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    # -- faults --------------------------------------------------------
    def fault(self):
        f = STATE["faults"]
        with LOCK:
            mode = f["mode"]
            if not mode or (f["limit"] is not None and f["injected"] >= f["limit"]):
                return False
            f["injected"] += 1
            stall = f["stall_seconds"]
        if mode == "fail":
            self.send(500, {"error": {"code": "INTERNAL_SERVER_ERROR", "message": "fake outage"}})
        elif mode == "stall":
            time.sleep(stall)
            self.close_connection = True
        elif mode == "garbage":
            self.send(200, b"<html>502 Bad Gateway</html>", "text/html")
        elif mode == "wrong":
            self.send(200, {"object": "Shipment", "id": "shp_1", "status": "delivered"})
        return True

    def authorised(self):
        if self.headers.get("Authorization") != "Bearer %s" % API_KEY:
            self.send(401, {"error": {"code": "APIKEY.INVALID", "message": "bad key"}})
            return False
        return True

    # -- API -----------------------------------------------------------
    def do_GET(self):
        path = urllib.parse.urlparse(self.path).path
        if path == "/_admin/stats":
            with LOCK:
                out = {"requests": dict(STATE["stats"]),
                       "trackers": {t["code"]: {"id": t["id"], "journey": t["journey"],
                                                "played": t["played"]}
                                    for t in STATE["trackers"].values()},
                       "faults": dict(STATE["faults"]),
                       "shipments": {k: {"to_zip": v["to_zip"], "from_zip": v["from_zip"],
                                         "tracking_code": (v["bought"] or {}).get("tracking_code")}
                                     for k, v in STATE.get("shipments", {}).items()}}
            return self.send(200, out)
        if path.startswith("/labels/") and path.endswith(".pdf"):
            # the label a bought shipment's label_url names (public, as
            # the aggregator's are: no key)
            sid = path[len("/labels/"):-len(".pdf")]
            with LOCK:
                count("label downloads")
                known = bool(STATE.get("shipments", {}).get(sid, {}).get("bought"))
            if not known:
                return self.send(404, b"no such label", "text/plain")
            return self.send(200, b"%PDF-1.4\n% fake label " + sid.encode() + b"\n%%EOF\n", "application/pdf")
        with LOCK:
            count("GET " + ("/v2/trackers/ID" if path.startswith("/v2/trackers/") else path))
        if self.fault() or not self.authorised():
            return
        if path.startswith("/v2/trackers/"):
            tid = path[len("/v2/trackers/"):]
            with LOCK:
                t = STATE["trackers"].get(tid)
                out = tracker_json(t) if t else None
            if not out:
                return self.send(404, {"error": {"code": "NOT_FOUND", "message": "no such tracker"}})
            return self.send(200, out)
        self.send(404, {"error": {"code": "NOT_FOUND", "message": "no such endpoint"}})

    def do_POST(self):
        path = urllib.parse.urlparse(self.path).path
        raw = self.body()
        if path.startswith("/_admin/"):
            return self.admin(path, json.loads(raw.decode() or "{}"))
        with LOCK:
            count("POST " + path)
        if self.fault() or not self.authorised():
            return
        form = urllib.parse.parse_qs(raw.decode())
        if path == "/v2/shipments":
            return self.shipment_create(form)
        if path.startswith("/v2/shipments/") and path.endswith("/buy"):
            return self.shipment_buy(path[len("/v2/shipments/"):-len("/buy")], form)
        if path != "/v2/trackers":
            return self.send(404, {"error": {"code": "NOT_FOUND", "message": "no such endpoint"}})
        code = (form.get("tracker[tracking_code]") or [""])[0]
        carrier = (form.get("tracker[carrier]") or [""])[0]
        if not code or not carrier:
            return self.send(422, {"error": {"code": "TRACKER.PARAMETERS.INVALID",
                                             "message": "tracking_code and carrier"}})
        with LOCK:
            tid = STATE["by_code"].get((code, carrier))
            if not tid:
                tid = "trk_" + hashlib.sha1(("%s/%s" % (code, carrier)).encode()).hexdigest()[:24]
                STATE["trackers"][tid] = {
                    "id": tid, "code": code, "carrier": carrier,
                    "journey": STATE["journeys"].get(code, "normal"), "played": 1,
                    "created": datetime.datetime.utcnow().replace(microsecond=0)
                    - datetime.timedelta(hours=12),
                    "est_days": 3}
                STATE["by_code"][(code, carrier)] = tid
            out = tracker_json(STATE["trackers"][tid])
        self.send(201, out)

    def shipment_create(self, form):
        to_zip = (form.get("shipment[to_address][zip]") or [""])[0]
        from_zip = (form.get("shipment[from_address][zip]") or [""])[0]
        weight = float((form.get("shipment[parcel][weight]") or ["0"])[0] or 0)
        if not to_zip or weight <= 0:
            return self.send(422, {"error": {"code": "SHIPMENT.INVALID_PARAMS",
                                             "message": "to_address zip and parcel weight"}})
        with LOCK:
            STATE["seq"] += 1
            sid = "shp_%06d" % STATE["seq"]
            extra = int(weight) * 5
            rates = [
                {"id": "rate_%s_ups_g" % sid[4:], "object": "Rate", "carrier": "UPS", "service": "Ground",
                 "rate": "%d.%02d" % divmod(785 + extra, 100), "currency": "USD", "delivery_days": 3},
                {"id": "rate_%s_ups_n" % sid[4:], "object": "Rate", "carrier": "UPS", "service": "NextDayAir",
                 "rate": "%d.%02d" % divmod(3210 + extra, 100), "currency": "USD", "delivery_days": 1},
                {"id": "rate_%s_usps_p" % sid[4:], "object": "Rate", "carrier": "USPS", "service": "Priority",
                 "rate": "%d.%02d" % divmod(940 + extra, 100), "currency": "USD", "delivery_days": 2},
            ]
            STATE.setdefault("shipments", {})[sid] = {"id": sid, "rates": rates, "bought": None,
                                                      "to_zip": to_zip, "from_zip": from_zip,
                                                      "weight": weight}
            count("shipments created")
        self.send(201, {"id": sid, "object": "Shipment", "mode": "test", "rates": rates,
                        "tracking_code": None, "postage_label": None})

    def shipment_buy(self, sid, form):
        rate_id = (form.get("rate[id]") or [""])[0]
        with LOCK:
            shp = STATE.get("shipments", {}).get(sid)
            if not shp:
                return self.send(404, {"error": {"code": "NOT_FOUND", "message": "no such shipment"}})
            rate = next((r for r in shp["rates"] if r["id"] == rate_id), None)
            if not rate:
                return self.send(422, {"error": {"code": "SHIPMENT.RATE.INVALID", "message": "no such rate"}})
            if not shp["bought"]:
                STATE["seq"] += 1
                n = STATE["seq"]
                code = ("1ZFAKE%012d" % n) if rate["carrier"] == "UPS" else ("9400%018d" % n)
                shp["bought"] = {"rate": rate, "tracking_code": code,
                                 "label_url": "http://%s:%d/labels/%s.pdf" % (self.server.server_address[:2] + (sid,))}
                count("labels bought")
            b = shp["bought"]
        self.send(200, {"id": sid, "object": "Shipment", "mode": "test", "selected_rate": b["rate"],
                        "tracking_code": b["tracking_code"],
                        "postage_label": {"object": "PostageLabel", "label_url": b["label_url"]}})

    # -- admin ---------------------------------------------------------
    def admin(self, path, cfg):
        if path == "/_admin/journey":
            if cfg.get("journey") not in JOURNEYS:
                return self.send(400, {"error": "unknown journey"})
            with LOCK:
                STATE["journeys"][cfg["code"]] = cfg["journey"]
            return self.send(200, {"ok": True})
        if path == "/_admin/advance":
            n = int(cfg.get("steps", 1))
            with LOCK:
                for t in STATE["trackers"].values():
                    if cfg.get("code") in (None, t["code"]):
                        t["played"] = min(len(JOURNEYS[t["journey"]]), t["played"] + n)
                        if "est_days" in cfg:
                            t["est_days"] = int(cfg["est_days"])
            return self.send(200, {"ok": True})
        if path == "/_admin/faults":
            with LOCK:
                f = STATE["faults"]
                for k in ("mode", "stall_seconds", "limit"):
                    if k in cfg:
                        f[k] = cfg[k]
                f["injected"] = 0
            return self.send(200, {"ok": True})
        if path == "/_admin/webhook":
            return self.send(200, {"sent": self.webhook(cfg)})
        self.send(404, {"error": "no such admin endpoint"})

    def webhook(self, cfg):
        url, mode = cfg["url"], cfg.get("mode", "signed")
        secrets = cfg.get("secrets") or ["whsec_test"]
        with LOCK:
            t = next((x for x in STATE["trackers"].values() if x["code"] == cfg.get("code")), None)
            if t is None and mode != "replay":
                return []
            if t is not None:
                t = dict(t)

        def headers_for(body, signed=True, bad=False):
            h = {"Content-Type": "application/json"}
            if signed:
                h["X-Hmac-Signature"] = sign(body + (b"x" if bad else b""), secrets[0])
            return h

        sent = []
        if mode == "replay":
            last = STATE["last_event"]
            if last:
                sent.append([last[3], post_event(last[0], last[1], last[2])])
            return sent
        if mode in ("reorder", "steps"):
            events = []
            for k in range(1, t["played"] + 1):
                part = dict(t)
                part["played"] = k
                events.append(make_event(t, tracker_json(part)))
            if mode == "reorder":
                events.reverse()
        else:
            events = [make_event(t)]
        for ev in events:
            body = json.dumps(ev, sort_keys=True).encode()
            h = headers_for(body, signed=mode != "unsigned", bad=mode == "badsig")
            if mode == "duplicate":
                res = [None, None]

                def go(i):
                    res[i] = post_event(url, body, h)
                th = [threading.Thread(target=go, args=(i,)) for i in range(2)]
                for x in th:
                    x.start()
                for x in th:
                    x.join()
                sent.append([ev["id"], res[0]])
                sent.append([ev["id"], res[1]])
            else:
                sent.append([ev["id"], post_event(url, body, h)])
            STATE["last_event"] = (url, body, h, ev["id"])
        return sent


def main():
    global API_KEY
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--api-key", default="ep_test_oms")
    args = ap.parse_args()
    API_KEY = args.api_key
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    tmp = "%s.%d.tmp" % (args.port_file, os.getpid())
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, args.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
