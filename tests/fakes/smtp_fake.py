#!/usr/bin/env python3
"""An SMTP sink for oms tests: accepts mail, remembers it, can misbehave.

    smtp_fake.py --port-file FILE --admin-port-file FILE2 [--maildir DIR]

SMTP on 127.0.0.1 (ephemeral port in FILE): EHLO/HELO, MAIL, RCPT, DATA,
RSET, NOOP, AUTH PLAIN/LOGIN, QUIT; no TLS. Every accepted message is kept
in memory (and written to DIR/NNNNNN.eml when --maildir is given).

What a real relay checks, the sink checks too (issue 12), and counts in
"violations" (each with a word in "violation_kinds"):
  - BODY=8BITMIME only when EHLO offered 8BITMIME; a message with 8-bit
    bytes without it ("8bit_without_body"); SMTPUTF8 only when offered; a
    UTF-8 address without SMTPUTF8 is refused (553 5.6.7);
  - a command sent before the reply to the previous one ("early_commands":
    no PIPELINING is offered): a client that gave up on a slow reply and
    goes on on the same connection is out of step (a QUIT that closes the
    session it gave up on is counted apart, in "early_quits");
  - AUTH on a connection without TLS ("auth_in_clear": there is never TLS
    here, so every AUTH counts).
Every accepted message is parsed with Python's email package under
policy.strict (every header, every part decoded); each defect is listed in
the message's "defects" and counted in "defects".

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
                            headers, body, received_at (seconds since the
                            epoch, when the message was accepted)}]
  POST /_admin/faults     {"mode": "451"|"550"|"close"|"stall"|"lost"|"530"|
                                   "503"|"554connect"|"slow250"|null,
                           "fail_rate": 0.3, "seed": 1, "kinds": [...],
                           "stall_seconds": 5, "limit": N}
                          451/close/stall happen at the end of DATA (the
                          message is then NOT accepted); lost: accepted,
                          then the connection is closed before the 250
                          (the client will resend); 550 at RCPT, the
                          reply quoting the recipient's address.
                          530: "authentication required" at MAIL; 503:
                          "bad sequence of commands" at MAIL; 554connect:
                          the greeting is a 554 (the relay refuses us);
                          slow250: the message is accepted, but its 250
                          comes stall_seconds late, on the same connection.
  POST /_admin/config     {"dedupe": true|false,
                           "extensions": ["8BITMIME", "SMTPUTF8", "AUTH PLAIN LOGIN", ...],
                           "require_auth": true|false}
                          extensions: what EHLO offers (default 8BITMIME,
                          SMTPUTF8, SIZE); require_auth: MAIL before AUTH
                          is refused with 530.
  POST /_admin/reset
"""
import argparse
import email.parser
import email.policy
import json
import os
import select
import socket
import signal
import socketserver
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import fakelib


DEFAULT_EXTENSIONS = ["8BITMIME", "SMTPUTF8", "SIZE 10485760"]


def strict_defects(data):
    """Parses a message as a strict reader would: every header and every
    part; returns the defects found (empty: none)."""
    found = []
    try:
        msg = email.parser.BytesParser(policy=email.policy.strict).parsebytes(data)
        for part in msg.walk():
            for k in part.keys():
                for v in part.get_all(k):
                    str(v)
                    for d in getattr(v, "defects", ()):
                        found.append("%s: %s" % (k, d.__class__.__name__))
            for d in part.defects:
                found.append(d.__class__.__name__)
            if not part.is_multipart():
                part.get_content()
    except Exception as e:          # policy.strict raises on a defect
        found.append("%s: %s" % (e.__class__.__name__, e))
    for n, line in enumerate(data.split(b"\r\n")):
        if len(line) > 998:
            found.append("line %d longer than 998 octets" % n)
    if b"\n" in data.replace(b"\r\n", b""):
        found.append("bare LF")
    return found


def decoded_parts(data):
    msg = email.parser.BytesParser(policy=email.policy.default).parsebytes(data)
    text = html = ""
    try:
        for part in msg.walk():
            if part.get_content_type() == "text/plain" and not text:
                text = part.get_content()
            elif part.get_content_type() == "text/html" and not html:
                html = part.get_content()
    except Exception:
        pass
    return text.replace("\r\n", "\n"), html.replace("\r\n", "\n")


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
            self.extensions = list(DEFAULT_EXTENSIONS)
            self.open_conns = getattr(self, "open_conns", set())
            self.require_auth = False
            self.violations = 0
            self.violation_kinds = {}
            self.early_commands = 0
            self.early_quits = 0
            self.auth_in_clear = 0
            self.auths = 0
            self.defects = 0
            self.mail_params = []
        self.faults.reset()

    def violation(self, kind):
        with self.lock:
            self.violations += 1
            self.violation_kinds[kind] = self.violation_kinds.get(kind, 0) + 1

    def add(self, mail_from, rcpts, data, params=""):
        msg = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(data)
        mid = (msg.get("Message-ID") or "").strip()
        dmsg = email.parser.BytesParser(policy=email.policy.default).parsebytes(data)
        defects = strict_defects(data)
        text, html = decoded_parts(data)
        if not msg.is_multipart():
            text = msg.get_payload()
        rec = {"message_id": mid, "mail_from": mail_from, "rcpt": rcpts,
               "subject": str(dmsg.get("Subject", "")), "event": msg.get("X-OMS-Event", ""),
               "order": msg.get("X-OMS-Order", ""),
               "headers": {k: str(v) for k, v in msg.items()},
               "to": str(dmsg.get("To", "")), "from": str(dmsg.get("From", "")),
               "reply_to": str(dmsg.get("Reply-To", "")),
               "body": text, "html": html, "params": params, "defects": defects,
               "size": len(data), "received_at": time.time()}
        with self.lock:
            self.defects += len(defects)
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
                    "violations": self.violations, "violation_kinds": dict(self.violation_kinds),
                    "early_commands": self.early_commands, "early_quits": self.early_quits,
                    "auth_in_clear": self.auth_in_clear,
                    "auths": self.auths, "defects": self.defects,
                    "faults": self.faults.snapshot()}


STATE = State()


class SMTPHandler(socketserver.StreamRequestHandler):
    timeout = 60

    def reply(self, line):
        self.wfile.write((line + "\r\n").encode())
        self.wfile.flush()

    def early(self):
        """Did the client send a command before we answered? (No PIPELINING
        is offered: it must wait for each reply.) A client that closed the
        connection is not early."""
        r, _, _ = select.select([self.connection], [], [], 0)
        if not r:
            return False
        try:
            data = self.connection.recv(4, socket.MSG_PEEK)
        except OSError:
            return False
        if data.upper() == b"QUIT":
            # a client closing the session it gave up on: harmless
            with STATE.lock:
                STATE.early_quits += 1
            return False
        if data:
            with STATE.lock:
                STATE.early_commands += 1
            return True
        return False

    def handle(self):
        with STATE.lock:
            STATE.sessions += 1
            STATE.open_conns.add(self.connection)
        try:
            self.session()
        finally:
            with STATE.lock:
                STATE.open_conns.discard(self.connection)

    def session(self):
        with STATE.lock:
            exts = list(STATE.extensions)
            require_auth = STATE.require_auth
        refused = False
        if STATE.faults.mode == "554connect" and STATE.faults.pick():
            with STATE.lock:
                STATE.rejected += 1
            refused = True
            self.reply("554 5.3.2 oms-smtp-fake does not accept mail from you")
        else:
            self.reply("220 oms-smtp-fake ESMTP ready")
        offered = set(e.split(" ")[0].upper() for e in exts)
        mail_from, rcpts, params, authed = None, [], "", False
        auth_login = 0
        while True:
            raw = self.rfile.readline(4096)
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if auth_login:
                auth_login -= 1
                if auth_login:
                    self.reply("334 UGFzc3dvcmQ6")
                else:
                    authed = True
                    self.reply("235 2.7.0 Authentication successful")
                continue
            verb = line[:4].upper()
            if refused and verb != "QUIT":
                self.reply("503 5.5.1 no service")
                continue
            if verb in ("EHLO", "HELO"):
                if verb == "EHLO":
                    out = ["oms-smtp-fake"] + exts
                    for i, e in enumerate(out):
                        sep = " " if i == len(out) - 1 else "-"
                        self.wfile.write(("250%s%s\r\n" % (sep, e)).encode())
                    self.wfile.flush()
                else:
                    self.reply("250 oms-smtp-fake")
            elif verb == "AUTH":
                with STATE.lock:
                    STATE.auths += 1
                    STATE.auth_in_clear += 1     # there is no TLS here
                parts = line.split()
                if len(parts) >= 2 and parts[1].upper() == "LOGIN":
                    auth_login = 2 if len(parts) == 2 else 1
                    self.reply("334 VXNlcm5hbWU6" if len(parts) == 2 else "334 UGFzc3dvcmQ6")
                    continue
                if len(parts) == 2 and parts[1].upper() == "PLAIN":
                    auth_login = 1          # the credentials come next
                    self.reply("334 ")
                    continue
                authed = True
                self.reply("235 2.7.0 Authentication successful")
            elif verb == "MAIL":
                rest = line[10:].strip()
                addr, _, params = rest.partition(" ")
                kind = STATE.faults.mode if STATE.faults.mode in ("530", "503") else None
                if kind and STATE.faults.pick():
                    with STATE.lock:
                        STATE.rejected += 1
                    self.reply("530 5.7.0 Authentication required" if kind == "530"
                               else "503 5.5.1 Bad sequence of commands")
                    continue
                if require_auth and not authed:
                    with STATE.lock:
                        STATE.rejected += 1
                    self.reply("530 5.7.0 Authentication required")
                    continue
                words = [p.upper() for p in params.split()]
                if "BODY=8BITMIME" in words and "8BITMIME" not in offered:
                    STATE.violation("body_8bitmime_not_offered")
                    self.reply("555 5.5.4 BODY=8BITMIME not supported here")
                    continue
                if "SMTPUTF8" in words and "SMTPUTF8" not in offered:
                    STATE.violation("smtputf8_not_offered")
                    self.reply("555 5.5.4 SMTPUTF8 not supported here")
                    continue
                mail_from, rcpts = addr, []
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
                addr = line[8:].strip()
                if any(ord(ch) > 127 for ch in addr) and "SMTPUTF8" not in params.upper().split():
                    STATE.violation("utf8_address_without_smtputf8")
                    self.reply("553 5.6.7 a UTF-8 address needs SMTPUTF8")
                    continue
                rcpts.append(addr)
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
                data = b"".join(chunks)
                words = params.upper().split()
                if any(c >= 0x80 for c in data) and "BODY=8BITMIME" not in words and \
                        "SMTPUTF8" not in words:
                    # (SMTPUTF8 allows UTF-8 headers: RFC 6531, 6532)
                    STATE.violation("8bit_without_body")
                kind = STATE.faults.pick() if STATE.faults.mode not in ("550", "530", "503", "554connect") else None
                if kind == "lost":
                    # accepted, but the client never hears so: it will send
                    # the same message (same Message-ID) again
                    STATE.add(mail_from, rcpts, data, params)
                    return
                if kind == "close":
                    return
                if kind == "stall":
                    time.sleep(STATE.faults.stall_seconds)
                    return
                if kind == "slow250":
                    # accepted; the 250 comes late, on this connection
                    STATE.add(mail_from, rcpts, data, params)
                    time.sleep(STATE.faults.stall_seconds)
                    self.early()
                    try:
                        self.reply("250 OK queued (late)")
                    except OSError:
                        return
                    mail_from, rcpts, params = None, [], ""
                    continue
                if kind and kind[:1] in "45":
                    with STATE.lock:
                        STATE.rejected += 1
                    self.reply("%s injected failure" % kind)
                    continue
                STATE.add(mail_from, rcpts, data, params)
                mail_from, rcpts, params = None, [], ""
                self.reply("250 OK queued")
            elif verb == "RSET":
                mail_from, rcpts, params = None, [], ""
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
            if body.get("mode") == "554connect":
                # the relay turns us away: sessions it had are gone too
                with STATE.lock:
                    for c in list(STATE.open_conns):
                        try:
                            c.shutdown(socket.SHUT_RDWR)
                        except OSError:
                            pass
            return fakelib.send_json(self, 200, STATE.faults.snapshot())
        if self.path == "/_admin/config":
            with STATE.lock:
                STATE.dedupe = bool(body.get("dedupe", STATE.dedupe))
                if "extensions" in body:
                    STATE.extensions = list(body["extensions"] or [])
                if "require_auth" in body:
                    STATE.require_auth = bool(body["require_auth"])
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
