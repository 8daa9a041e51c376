#!/usr/bin/env python3
"""A fault-injecting HTTPS proxy in front of an ACME server, for tests.

Everything is passed through (the client's Host header too, so that Pebble
builds every URL it returns on the proxy's address and nothing needs
rewriting) except:
  - newOrder: answered 429 with Retry-After: 120 and a rateLimited problem;
  - the directory gains "renewalInfo" (ACME Renewal Information), whose GETs
    are answered with a fixed window; each requested id is appended to --ari-log.
"""

import argparse
import http.server
import json
import re
import ssl
import urllib.error
import urllib.request

WINDOW = {"start": "2030-01-01T00:00:00Z", "end": "2030-01-02T00:00:00Z"}
ARI_PATH = "/renewal-info/"
CERT_ID = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--ari-log", required=True)
    args = parser.parse_args()
    upstream_tls = ssl.create_default_context(cafile=args.cert)
    state = {"new_order_path": None}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def reply(self, status, headers, body):
            self.send_response(status)
            for name, value in headers:
                if name.lower() not in ("content-length", "transfer-encoding", "connection", "date", "server"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def forward(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {"Host": self.headers["Host"]}
            if self.headers.get("Content-Type"):
                headers["Content-Type"] = self.headers["Content-Type"]
            request = urllib.request.Request(args.upstream + self.path, data=body, method=self.command, headers=headers)
            try:
                with urllib.request.urlopen(request, context=upstream_tls, timeout=30) as r:
                    return r.status, r.getheaders(), r.read()
            except urllib.error.HTTPError as e:
                return e.code, e.headers.items(), e.read()

        def do_GET(self):
            if self.path.startswith(ARI_PATH):
                cert_id = self.path[len(ARI_PATH):]
                with open(args.ari_log, "a") as log:
                    log.write(cert_id + "\n")
                if not CERT_ID.match(cert_id):
                    body = json.dumps({"type": "urn:ietf:params:acme:error:malformed", "detail": "bad id"}).encode()
                    return self.reply(400, [("Content-Type", "application/problem+json")], body)
                body = json.dumps({"suggestedWindow": WINDOW}).encode()
                return self.reply(200, [("Content-Type", "application/json")], body)
            status, headers, body = self.forward()
            if self.path == "/dir" and status == 200:
                directory = json.loads(body)
                state["new_order_path"] = re.sub(r"^https://[^/]+", "", directory["newOrder"])
                directory["renewalInfo"] = "https://" + self.headers["Host"] + ARI_PATH
                body = json.dumps(directory).encode()
            self.reply(status, headers, body)

        def do_HEAD(self):
            self.reply(*self.forward())

        def do_POST(self):
            if self.path == state["new_order_path"]:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = json.dumps({"type": "urn:ietf:params:acme:error:rateLimited",
                                   "detail": "too many new orders recently", "status": 429}).encode()
                return self.reply(429, [("Content-Type", "application/problem+json"), ("Retry-After", "120")], body)
            self.reply(*self.forward())

        def log_message(self, fmt, *fmt_args):
            print("%s %s" % (self.address_string(), fmt % fmt_args), flush=True)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(args.cert, args.key)
    server.socket = tls.wrap_socket(server.socket, server_side=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
