#!/usr/bin/env python3
"""An SMTP sink for oms tests: accepts mail, remembers it, can misbehave.

    smtp_fake.py --port-file FILE --admin-port-file FILE2 [--maildir DIR]

SMTP on 127.0.0.1 (ephemeral port in FILE): EHLO/HELO, MAIL, RCPT, DATA,
RSET, NOOP, QUIT; no TLS, no AUTH. Every accepted message is kept in memory
(and written to DIR/NNNNNN.eml when --maildir is given).

Duplicates: a message whose Message-ID was seen before is counted in
"duplicates". That is how a relay or mailbox provider recognises the copy
that oms-worker sends again when it died after the relay accepted a message
but before the outbox job was marked done (at-least-once delivery). With
{"dedupe": true} the sink answers 250 but drops the copy, as a deduplicating
relay would.

Admin API (HTTP, JSON, 127.0.0.1, port in FILE2):
  GET  /_admin/stats      {"messages", "distinct_message_ids", "duplicates",
                           "by_event": {event: distinct ids},
                           "per_order": {order: {event: distinct ids}}, ...}
  GET  /_admin/messages   [{message_id, mail_from, rcpt, subject, event, order,
                            headers, body}]
  POST /_admin/faults     {"mode": "451"|"550"|"close"|"stall"|"lost"|null,
                           "fail_rate": 0.3, "seed": 1, "kinds": [...],
                           "stall_seconds": 5, "limit": N}
                          451/close/stall happen at the end of DATA (the
                          message is then NOT accepted); lost: accepted,
                          then the connection is closed before the 250
                          (the client will resend); 550 at RCPT, the
                          reply quoting the recipient's address.
  POST /_admin/config     {"dedupe": true|false}
  POST /_admin/reset
"""
import argparse
import email.parser
import email.policy
import json
import os
import signal
import socketserver
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import fakelib


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.faults = fakelib.Faults(["451", "close", "stall"])
        self.maildir = None
        self.reset()

    def reset(self):
        with self.lock:
            self.messages = []
            self.seen = {}
            self.duplicates = 0
            self.dedupe = False
            self.sessions = 0
            self.rejected = 0
        self.faults.reset()

    def add(self, mail_from, rcpts, data):
        msg = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(data)
        mid = (msg.get("Message-ID") or "").strip()
        rec = {"message_id": mid, "mail_from": mail_from, "rcpt": rcpts,
               "subject": msg.get("Subject", ""), "event": msg.get("X-OMS-Event", ""),
               "order": msg.get("X-OMS-Order", ""), "headers": dict(msg.items()),
               "body": msg.get_payload() if not msg.is_multipart() else "",
               "size": len(data)}
        with self.lock:
            dup = mid in self.seen
            self.seen[mid] = self.seen.get(mid, 0) + 1
            if dup:
                self.duplicates += 1
                if self.dedupe:
                    return
            self.messages.append(rec)
            n = len(self.messages)
        if self.maildir:
            with open(os.path.join(self.maildir, "%06d.eml" % n), "wb") as f:
                f.write(data)

    def stats(self):
        with self.lock:
            ids = {}
            for m in self.messages:
                ids.setdefault(m["message_id"], m)
            by_event, per_order = {}, {}
            for m in ids.values():
                by_event[m["event"]] = by_event.get(m["event"], 0) + 1
                o = per_order.setdefault(m["order"], {})
                o[m["event"]] = o.get(m["event"], 0) + 1
            max_per_order_event = max((c for o in per_order.values() for c in o.values()),
                                      default=0)
            return {"messages": len(self.messages), "distinct_message_ids": len(ids),
                    "duplicates": self.duplicates, "by_event": by_event,
                    "per_order": per_order, "max_per_order_event": max_per_order_event,
                    "sessions": self.sessions, "rejected": self.rejected,
                    "faults": self.faults.snapshot()}


STATE = State()


class SMTPHandler(socketserver.StreamRequestHandler):
    timeout = 60

    def reply(self, line):
        self.wfile.write((line + "\r\n").encode())
        self.wfile.flush()

    def handle(self):
        with STATE.lock:
            STATE.sessions += 1
        self.reply("220 oms-smtp-fake ESMTP ready")
        mail_from, rcpts = None, []
        while True:
            raw = self.rfile.readline(4096)
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line[:4].upper()
            if verb in ("EHLO", "HELO"):
                if verb == "EHLO":
                    self.wfile.write(b"250-oms-smtp-fake\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n")
                    self.wfile.flush()
                else:
                    self.reply("250 oms-smtp-fake")
            elif verb == "MAIL":
                mail_from, rcpts = line[10:].strip().split(" ")[0], []
                self.reply("250 OK")
            elif verb == "RCPT":
                if STATE.faults.mode == "550":
                    STATE.faults.pick()
                    with STATE.lock:
                        STATE.rejected += 1
                    # like real relays, quote the address back
                    self.reply("550 5.1.1 %s: Recipient address rejected: "
                               "mailbox unavailable" % line[8:].strip())
                    continue
                rcpts.append(line[8:].strip())
                self.reply("250 OK")
            elif verb == "DATA":
                if not rcpts:
                    self.reply("503 need RCPT")
                    continue
                self.reply("354 end with <CRLF>.<CRLF>")
                chunks = []
                while True:
                    l = self.rfile.readline(65536)
                    if not l:
                        return
                    if l in (b".\r\n", b".\n"):
                        break
                    if l.startswith(b".."):
                        l = l[1:]
                    chunks.append(l)
                kind = STATE.faults.pick() if STATE.faults.mode != "550" else None
                if kind == "lost":
                    # accepted, but the client never hears so: it will send
                    # the same message (same Message-ID) again
                    STATE.add(mail_from, rcpts, b"".join(chunks))
                    return
                if kind == "close":
                    return
                if kind == "stall":
                    time.sleep(STATE.faults.stall_seconds)
                    return
                if kind and kind[:1] in "45":
                    with STATE.lock:
                        STATE.rejected += 1
                    self.reply("%s injected failure" % kind)
                    continue
                STATE.add(mail_from, rcpts, b"".join(chunks))
                self.reply("250 OK queued")
            elif verb == "RSET":
                mail_from, rcpts = None, []
                self.reply("250 OK")
            elif verb == "NOOP":
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 command not implemented")


class SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class AdminHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        if self.path == "/_admin/stats":
            return fakelib.send_json(self, 200, STATE.stats())
        if self.path == "/_admin/messages":
            with STATE.lock:
                return fakelib.send_json(self, 200, STATE.messages)
        fakelib.send_json(self, 404, {"error": "no such path"})

    def do_POST(self):
        body = fakelib.read_json_body(self)
        if self.path == "/_admin/faults":
            STATE.faults.configure(body)
            return fakelib.send_json(self, 200, STATE.faults.snapshot())
        if self.path == "/_admin/config":
            with STATE.lock:
                STATE.dedupe = bool(body.get("dedupe", STATE.dedupe))
            return fakelib.send_json(self, 200, {"ok": True})
        if self.path == "/_admin/reset":
            STATE.reset()
            return fakelib.send_json(self, 200, {"ok": True})
        fakelib.send_json(self, 404, {"error": "no such path"})


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--admin-port-file", required=True)
    ap.add_argument("--maildir")
    args = ap.parse_args()
    if args.maildir:
        os.makedirs(args.maildir, exist_ok=True)
        STATE.maildir = args.maildir
    smtp = SMTPServer(("127.0.0.1", 0), SMTPHandler)
    admin = ThreadingHTTPServer(("127.0.0.1", 0), AdminHandler)
    admin.daemon_threads = True
    threading.Thread(target=admin.serve_forever, daemon=True).start()

    def stop(*_):
        threading.Thread(target=smtp.shutdown).start()
    signal.signal(signal.SIGTERM, stop)
    fakelib.write_port_file(args.admin_port_file, admin.server_address[1])
    fakelib.write_port_file(args.port_file, smtp.server_address[1])
    try:
        smtp.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    admin.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
