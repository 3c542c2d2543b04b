#!/usr/bin/env python3
"""One attack on the plugin's server, and what it costs a newcomer from another address.

Run by bench/attacks.sh against a freshly started host. The attacker's connections come from ATTACKER_ADDR
(127.0.0.2) and the newcomer's from 127.0.0.1, both on loopback. While the attack holds, the newcomer asks for the
player page and for the stream every 0.5 s; each try is timed (a refusal or a time-out counts as the whole time
allowed). Prints one JSON object.

Attacks:
  none      nobody attacks: the baseline
  range     16 connections ask for the player's script with a Range header of 2,000 whole-file ranges (6 KB)
            and never read
  pipeline  8 connections pipeline 1,000 requests for the player's script each and never read the answers
  gate      2,000 silent connections (connect, send nothing), reopened as the server closes them
"""

import json
import socket
import statistics
import sys
import threading
import time

ATTACKER_ADDR = "127.0.0.2"
NEWCOMER_ADDR = "127.0.0.1"
TRY_LIMIT = 10.0  # seconds a newcomer's try may take before it counts as failed


def connect(port, source, timeout=5.0, receive_buffer=0):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if receive_buffer:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)  # before connect: a small window
    s.settimeout(timeout)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return s


def range_attack(port, stop):
    ranges = ",".join(["0-"] * 2000)  # each range the whole file; 6 KB, under the server's 8 KB line limit
    request = f"GET /main.js HTTP/1.1\r\nHost: x\r\nRange: bytes={ranges}\r\n\r\n".encode()
    held = []
    for _ in range(16):
        try:
            s = connect(port, ATTACKER_ADDR, receive_buffer=4096)
            s.sendall(request)
            held.append(s)
        except OSError:
            pass
    stop.wait()
    for s in held:
        s.close()


def pipeline_attack(port, stop):
    request = b"GET /main.js HTTP/1.1\r\nHost: x\r\n\r\n" * 1000
    held = []
    for _ in range(8):
        try:
            s = connect(port, ATTACKER_ADDR, receive_buffer=4096)
            s.settimeout(2.0)
            try:
                s.sendall(request)
            except OSError:
                pass  # the server stopped reading: the requests it has are enough
            held.append(s)
        except OSError:
            pass
    stop.wait()
    for s in held:
        s.close()


def gate_attack(port, stop):
    held = []
    while not stop.is_set():
        # Top up to 2,000 open connections; the server may close silent ones, which are then replaced.
        alive = []
        for s in held:
            try:
                s.setblocking(False)
                if s.recv(1, socket.MSG_PEEK) == b"":
                    s.close()
                    continue
            except BlockingIOError:
                pass
            except OSError:
                s.close()
                continue
            alive.append(s)
        held = alive
        while len(held) < 2000 and not stop.is_set():
            try:
                held.append(connect(port, ATTACKER_ADDR, timeout=1.0))
            except OSError:
                break
        stop.wait(0.2)
    for s in held:
        s.close()


def newcomer_try(port, path):
    """Seconds until the page's whole answer (or the stream's first audio event) arrived; TRY_LIMIT if never."""
    began = time.monotonic()
    try:
        s = connect(port, NEWCOMER_ADDR, timeout=TRY_LIMIT)
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
        got = b""
        while time.monotonic() - began < TRY_LIMIT:
            s.settimeout(max(0.05, TRY_LIMIT - (time.monotonic() - began)))
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
            if path == "/stream" and b"event: audio" in got:
                break
        s.close()
        ok = got.startswith(b"HTTP/1.1 200") and (path != "/stream" or b"event: audio" in got)
        return time.monotonic() - began if ok else TRY_LIMIT
    except OSError:
        return TRY_LIMIT


def main():
    attack, port, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    stop = threading.Event()
    attacker = threading.Thread(target={"none": lambda port, stop: stop.wait(), "range": range_attack,
                                        "pipeline": pipeline_attack, "gate": gate_attack}[attack], args=(port, stop))
    attacker.start()
    time.sleep(2.0)  # let the attack take hold
    waits = {"/": [], "/stream": []}
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for path in waits:
            waits[path].append(newcomer_try(port, path))
        time.sleep(0.5)
    stop.set()
    attacker.join()
    result = {"attack": attack}
    for path, values in waits.items():
        key = "page" if path == "/" else "stream"
        result[f"{key}_wait_median_s"] = round(statistics.median(values), 3)
        result[f"{key}_wait_max_s"] = round(max(values), 3)
        result[f"{key}_failed"] = sum(1 for v in values if v >= TRY_LIMIT)
        result[f"{key}_tries"] = len(values)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
