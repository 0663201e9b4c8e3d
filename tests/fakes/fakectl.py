#!/usr/bin/env python3
"""Talks to a fake's admin API from shell tests.

    fakectl.py PORTFILE get PATH [FIELD]        prints the JSON (or one field,
                                                 dotted path, e.g. faults.mode)
    fakectl.py PORTFILE post PATH [JSON]
    fakectl.py PORTFILE wait [SECONDS]          waits for the port file
"""
import json
import os
import sys
import time
import urllib.request


def port_of(path, wait=10.0):
    end = time.monotonic() + wait
    while True:
        try:
            with open(path) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            if time.monotonic() > end:
                raise SystemExit("fakectl: no port in %s" % path)
            time.sleep(0.05)


def main(argv):
    if len(argv) < 3:
        raise SystemExit(__doc__)
    pf, verb = argv[1], argv[2]
    if verb == "wait":
        port_of(pf, float(argv[3]) if len(argv) > 3 else 10.0)
        return 0
    port = port_of(pf)
    url = "http://127.0.0.1:%d%s" % (port, argv[3])
    data = None
    if verb == "post":
        data = (argv[4] if len(argv) > 4 else "{}").encode()
    req = urllib.request.Request(url, data=data, method=verb.upper(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        obj = json.loads(r.read().decode())
    if verb == "get" and len(argv) > 4:
        for part in argv[4].split("."):
            obj = obj.get(part) if isinstance(obj, dict) else None
    if isinstance(obj, (dict, list)):
        print(json.dumps(obj, sort_keys=True))
    elif obj is None:
        print("")
    else:
        print(obj)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
