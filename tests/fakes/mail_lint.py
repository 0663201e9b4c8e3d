#!/usr/bin/env python3
"""Checks e-mail messages as a strict reader would (issue 12).

    mail_lint.py FILE...        one message per file (CRLF), or "-" for stdin

Each message is parsed with Python's email package under policy.strict:
every header is parsed (a defect raises), every part decoded. Checked on
top: lines of at most 998 octets and no bare LF (RFC 5322), 7-bit data
unless a part says 8bit, encoded words of at most 75 characters and
header lines of at most 78 characters, multipart/alternative with the
plain text first, the HTML part a document whose text is escaped (no
markup but ours: p, br, a, html, head, meta, title, body), both parts
valid UTF-8 that say the same words. Prints one line per problem and
exits 1 when there is any.
"""
import email.parser
import email.policy
import html.parser
import re
import sys

ALLOWED_TAGS = {"html", "head", "meta", "title", "body", "p", "br", "a"}


class Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.text = []
        self.in_body = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        if tag == "body":
            self.in_body = True

    def handle_data(self, data):
        if self.in_body:
            self.text.append(data)


def check(data):
    problems = []
    for n, line in enumerate(data.split(b"\r\n")):
        if len(line) > 998:
            problems.append("line %d is %d octets (more than 998)" % (n + 1, len(line)))
    if b"\n" in data.replace(b"\r\n", b""):
        problems.append("a bare LF")
    head = data.split(b"\r\n\r\n", 1)[0]
    for n, line in enumerate(head.split(b"\r\n")):
        if len(line) > 78:
            problems.append("header line %d is %d characters (more than 78)" % (n + 1, len(line)))
        for w in re.findall(rb"=\?[^?]*\?[bBqQ]\?[^?]*\?=", line):
            if len(w) > 75:
                problems.append("an encoded word of %d characters (more than 75)" % len(w))
    try:
        msg = email.parser.BytesParser(policy=email.policy.strict).parsebytes(data)
        for part in msg.walk():
            for k in part.keys():
                for v in part.get_all(k):
                    str(v)
                    for d in getattr(v, "defects", ()):
                        problems.append("header %s: %s" % (k, d.__class__.__name__))
            for d in part.defects:
                problems.append("defect %s" % d.__class__.__name__)
    except Exception as e:
        return problems + ["strict parser: %s: %s" % (e.__class__.__name__, e)]
    eightbit = any(p.get("Content-Transfer-Encoding", "").lower() == "8bit" for p in msg.walk())
    if not eightbit and any(b >= 0x80 for b in data):
        problems.append("8-bit data without a part that says 8bit")
    if msg.get_content_type() != "multipart/alternative":
        return problems + ["not multipart/alternative but %s" % msg.get_content_type()]
    parts = list(msg.iter_parts())
    if len(parts) != 2 or parts[0].get_content_type() != "text/plain" or \
            parts[1].get_content_type() != "text/html":
        return problems + ["the parts are not text/plain then text/html"]
    try:
        text = parts[0].get_content()
        doc = parts[1].get_content()
    except Exception as e:
        return problems + ["a part does not decode: %s" % e]
    for p in parts:
        if p.get_content_charset() != "utf-8":
            problems.append("a part's charset is %s" % p.get_content_charset())
    t = Tags()
    t.feed(doc)
    for tag, attrs in t.tags:
        if tag not in ALLOWED_TAGS:
            problems.append("HTML part has a <%s> that is not ours (escaping)" % tag)
        if tag == "a":
            href = dict(attrs).get("href", "")
            if not href.startswith(("https://", "http://")):
                problems.append("a link to %r" % href)
    # the HTML's body says what the text says, to the character (line
    # breaks and blanks aside)
    if "".join(text.split()) != "".join("".join(t.text).split()):
        problems.append("the HTML does not say what the text says")
    return problems


def main(argv):
    bad = 0
    for f in argv[1:] or ["-"]:
        data = sys.stdin.buffer.read() if f == "-" else open(f, "rb").read()
        for p in check(data):
            print("%s: %s" % (f, p))
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
