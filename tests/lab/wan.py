#!/usr/bin/env python3
"""A distant MX for the MailFlowTools lab: Internet round-trip time in front of Postfix.

The lab's links have no delay, so every probe there is bound by CPU, while real
MX hosts are tens of milliseconds away. This relay accepts SMTP connections on
the given addresses and forwards the bytes to an upstream server (Postfix at
198.51.100.25), holding every chunk for the one-way delay in each direction:
each request/reply exchange, TLS included (the relay never looks inside), then
costs one round trip. Order is kept; nothing is dropped or changed.

The delay is read at each new connection from --delay-file (milliseconds, one
way), so a benchmark can sweep round-trip times without restarting the relay;
--delay-ms is used when the file is missing or unreadable.

usage: wan.py [--port 25] [--upstream 198.51.100.25] [--upstream-port 25]
              [--delay-ms 20] [--delay-file PATH] ADDR [ADDR ...]
Standard library only.
"""
import argparse
import asyncio
import signal
import socket
import sys

CHUNK = 65536


def read_delay(path, default_ms):
    if path:
        try:
            with open(path, encoding="ascii") as f:
                return max(0.0, float(f.read().strip())) / 1000.0
        except (OSError, ValueError):
            pass
    return default_ms / 1000.0


async def pipe(reader, writer, delay):
    """Copy reader to writer, each chunk leaving `delay` seconds after it arrived."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def send():
        while True:
            due, data = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if data is None:
                try:
                    if writer.can_write_eof():
                        writer.write_eof()
                except OSError:
                    pass
                return
            writer.write(data)
            await writer.drain()

    sender = asyncio.ensure_future(send())
    try:
        while True:
            data = await reader.read(CHUNK)
            queue.put_nowait((loop.time() + delay, data or None))
            if not data:
                break
        await sender
    except (OSError, asyncio.IncompleteReadError):
        sender.cancel()
    finally:
        if not sender.done():
            sender.cancel()


async def session(client_reader, client_writer, args):
    delay = read_delay(args.delay_file, args.delay_ms)
    try:
        up_reader, up_writer = await asyncio.wait_for(
            asyncio.open_connection(args.upstream, args.upstream_port), timeout=10)
    except (OSError, asyncio.TimeoutError):
        client_writer.close()
        return
    try:
        await asyncio.gather(pipe(client_reader, up_writer, delay), pipe(up_reader, client_writer, delay))
    finally:
        for w in (client_writer, up_writer):
            try:
                w.close()
            except OSError:
                pass


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=25)
    ap.add_argument("--upstream", default="198.51.100.25")
    ap.add_argument("--upstream-port", type=int, default=25)
    ap.add_argument("--delay-ms", type=float, default=20.0)
    ap.add_argument("--delay-file")
    ap.add_argument("addrs", nargs="+")
    args = ap.parse_args()

    servers = []
    for addr in args.addrs:
        family = socket.AF_INET6 if ":" in addr else socket.AF_INET
        servers.append(await asyncio.start_server(
            lambda r, w: session(r, w, args), host=addr, port=args.port, family=family, backlog=512,
            reuse_address=True))
    print(f"wan: {args.addrs} port {args.port} -> {args.upstream}:{args.upstream_port}, "
          f"one-way delay {read_delay(args.delay_file, args.delay_ms) * 1000:.0f} ms", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    await stop.wait()
    for s in servers:
        s.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
