#!/usr/bin/env python3
"""One request as a whole process: `patchbay request` versus `curl`, against the same local server.

What a script pays per call: process start, opening the data folder, unlocking the vault, loading
the connection and its secret, rendering, TLS-free HTTP/1.1 to 127.0.0.1, printing the body and
writing the history row — versus curl sending the same request with the same header. Median of N
runs each, interleaved so both see the same machine state. Prints a Markdown table for
docs/BENCHMARKS.md.

The vault is unlocked the way it is configured:
  - keyring (the default): needs a Secret Service, e.g.
      dbus-run-session -- scripts/with-keyring.sh python3 bench/request_vs_curl.py
  - passphrase: PATCHBAY_VAULT_PASSPHRASE; Argon2id (64 MiB, 3 passes) then costs most of the
    time, by design.
The script measures the mode that works here and says which.

Usage: python3 bench/request_vs_curl.py [path/to/release/patchbay] [N]
"""
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOKEN = "tok_bench_0123456789abcdef"
BODY = b'{"ok": true, "items": [1, 2, 3]}'


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, *args):
        pass


def run(cmd, env, input_bytes=None):
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, input=input_bytes, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.decode()}")
    return elapsed, done.stdout


def setup(binary, env, url, tmp):
    path = os.path.join(tmp, "bench.json")
    with open(path, "w") as f:
        json.dump({
            "slug": "bench", "display_name": "Bench", "base_url": url,
            "auth_patterns": [{"type": "bearer",
                               "fields": [{"field_name": "token", "input_type": "password", "required": True}]}],
        }, f)
    run([binary, "types", "create", "--file", path], env)
    run([binary, "connect", "bench", "--name", "bench", "--secret", "token"], env, (TOKEN + "\n").encode())
    _, out = run([binary, "vault", "status", "--json"], env)
    return json.loads(out).get("mode", "?")


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "patchbay")
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    if not os.path.exists(binary):
        subprocess.run(["cargo", "build", "--release", "-p", "patchbay-cli"], cwd=ROOT, check=True)
    curl = shutil.which("curl")
    if curl is None:
        sys.exit("curl is missing: sudo apt-get install -y curl")

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"

    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, PATCHBAY_DATA_DIR=os.path.join(tmp, "data"))
        for k in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
            env.pop(k, None)
        mode = setup(binary, env, url, tmp)
        pb_cmd = [binary, "request", "bench", "GET", "/items"]
        curl_cmd = [curl, "-sS", "-H", f"Authorization: Bearer {TOKEN}", f"{url}/items"]
        for _ in range(3):  # warm the page cache and the server
            run(pb_cmd, env)
            run(curl_cmd, env)
        pb_times, curl_times = [], []
        for _ in range(n):
            t, out = run(pb_cmd, env)
            assert out == BODY, out
            pb_times.append(t)
            t, out = run(curl_cmd, env)
            assert out == BODY, out
            curl_times.append(t)

    pb_med, curl_med = statistics.median(pb_times), statistics.median(curl_times)
    print(f"| one GET as a whole process (median of {n}, vault: {mode}) | median | p90 |")
    print("|---|---|---|")
    for name, times, med in (("`curl`", curl_times, curl_med), ("`patchbay request`", pb_times, pb_med)):
        p90 = statistics.quantiles(times, n=10)[-1]
        print(f"| {name} | {med * 1000:.1f} ms | {p90 * 1000:.1f} ms |")
    print(f"\nratio patchbay / curl (medians): {pb_med / curl_med:.2f}x (target <= 2x)")


if __name__ == "__main__":
    main()
