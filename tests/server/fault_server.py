#!/usr/bin/env python3
"""Test HTTP server for ifs-fetch and the nightly pipeline: tests only, 127.0.0.1, a free port.

Serves the files of --dir with validators (ETag, Last-Modified; If-None-Match and
If-Modified-Since answered with 304) and injects faults by path:

  /files/NAME                     the file, with validators
  /fault/KIND/NAME?times=N        KIND for the first N requests to this path (default: always),
                                  then the file as /files/NAME would serve it
KIND: 500 | 503 (Retry-After: 1) | 429 (Retry-After: 1) | slow (1 byte per 2 s) |
      drop (half the body, then the connection is closed) | truncated-gzip |
      wrong-length (Content-Length larger than the body) | 401 (unless "Authorization:
      Bearer <--token>") | big (--big-bytes of body) | redirect-file (302 to file:///etc/passwd)
      | redirect (302 to /files/NAME) | redirect-http (302 to http://127.0.0.1:PORT/files/NAME,
      plain http on this server's port: for the HTTPS server, a downgrade) | 404

With --cert and --key the server speaks HTTPS (TLS) instead, for tests of certificate
verification; tests make a self-signed certificate with openssl at test time.

Every request is appended to --log as one line: method, path, status, and the names (not the
values) of the request headers, so tests can check what was sent without storing secrets.
"""
import argparse, email.utils, gzip, hashlib, os, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, parse_qs

counts = {}
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def log_request_line(self, status):
        names = ",".join(sorted(k.lower() for k in self.headers.keys()))
        with lock, open(self.server.args.log, "a") as log:
            log.write(f"{self.command} {self.path} {status} {names}\n")

    def send_plain(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.log_request_line(status)

    def serve_file(self, name):
        path = os.path.join(self.server.args.dir, os.path.basename(name))
        if not os.path.isfile(path):
            return self.send_plain(404, b"not found\n")
        with open(path, "rb") as f:
            body = f.read()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        last_modified = email.utils.formatdate(int(os.stat(path).st_mtime), usegmt=True)
        if self.headers.get("If-None-Match") == etag:
            return self.send_plain(304, b"", [("ETag", etag)])
        self.send_plain(200, body, [("ETag", etag), ("Last-Modified", last_modified),
                                    ("Content-Type", "text/csv; charset=utf-8")])

    def do_GET(self):
        url = urlsplit(self.path)
        parts = url.path.strip("/").split("/")
        if parts[0] == "files" and len(parts) == 2:
            return self.serve_file(parts[1])
        if parts[0] != "fault" or len(parts) != 3:
            return self.send_plain(404, b"no such path\n")
        kind, name = parts[1], parts[2]
        times = int(parse_qs(url.query).get("times", ["1000000"])[0])
        with lock:
            counts[url.path] = counts.get(url.path, 0) + 1
            n = counts[url.path]
        if kind == "401":
            if self.headers.get("Authorization") == "Bearer " + self.server.args.token:
                return self.serve_file(name)
            return self.send_plain(401, b"unauthorised\n", [("WWW-Authenticate", "Bearer")])
        if n > times:
            return self.serve_file(name)
        if kind in ("500", "404"):
            return self.send_plain(int(kind), b"fault\n")
        if kind in ("503", "429"):
            return self.send_plain(int(kind), b"busy\n", [("Retry-After", "1")])
        if kind == "redirect-file":
            return self.send_plain(302, b"", [("Location", "file:///etc/passwd")])
        if kind == "redirect":
            return self.send_plain(302, b"", [("Location", "/files/" + name)])
        if kind == "redirect-http":
            port = self.server.server_address[1]
            return self.send_plain(302, b"", [("Location", "http://127.0.0.1:%d/files/%s" % (port, name))])
        body = open(os.path.join(self.server.args.dir, name), "rb").read()
        if kind == "slow":
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.log_request_line(200)
            try:
                for i in range(len(body)):
                    self.wfile.write(body[i:i + 1])
                    self.wfile.flush()
                    time.sleep(2)
            except OSError:
                pass
            return
        if kind in ("drop", "wrong-length"):
            self.send_response(200)
            self.send_header("Content-Length", str(len(body) if kind == "drop" else len(body) + 1000))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2] if kind == "drop" else body)
            self.wfile.flush()
            self.log_request_line(200)
            self.close_connection = True
            return
        if kind == "truncated-gzip":
            packed = gzip.compress(body)
            packed = packed[: len(packed) * 2 // 3]
            return self.send_plain(200, packed, [("Content-Encoding", "gzip")])
        if kind == "big":
            size = self.server.args.big_bytes
            self.send_response(200)
            self.send_header("Content-Length", str(size))
            self.end_headers()
            self.log_request_line(200)
            chunk = b"x" * 65536
            try:
                sent = 0
                while sent < size:
                    self.wfile.write(chunk[: min(65536, size - sent)])
                    sent += 65536
            except OSError:
                pass
            return
        self.send_plain(400, b"unknown fault\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--token", default="s3cret-token-value")
    parser.add_argument("--big-bytes", type=int, default=8 * 1024 * 1024)
    parser.add_argument("--cert", help="PEM certificate: serve HTTPS")
    parser.add_argument("--key", help="PEM private key of --cert")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.args = args
    if args.cert:
        import ssl
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
