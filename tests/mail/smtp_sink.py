#!/usr/bin/env python3
"""tests/mail/smtp_sink.py - a small SMTP server that keeps what it gets.

    smtp_sink.py --dir DIR --port-file FILE [--auth USER:PASSWORD]
                 [--timeout SECONDS]

Listens on 127.0.0.1 (loopback only) on a free port, writes the port to
FILE once it accepts connections, and stores every message it is given as
DIR/NNNN.eml (the bytes of DATA, dot-unstuffed, CRLF kept) with
DIR/NNNN.json beside it: the envelope (MAIL FROM, RCPT TO), the EHLO name
and the user that authenticated (null if none).  With --auth it offers
AUTH PLAIN and LOGIN and refuses MAIL before a good login.  It stops on
SIGTERM or SIGINT, or after --timeout seconds (default 120) so that a
test that dies never leaves it running.

Written on asyncio alone: Python's smtpd module is gone from recent
versions and aiosmtpd is not a Debian package everywhere.  It speaks just
enough SMTP (RFC 5321) for a client like libcurl: EHLO/HELO, AUTH, MAIL,
RCPT, DATA, RSET, NOOP, QUIT; anything else is 502.
"""
import argparse
import asyncio
import base64
import json
import os
import signal


class Sink:
    def __init__(self, directory, auth):
        self.dir = directory
        self.auth = auth  # (user, password) or None
        self.count = 0

    def store(self, envelope, data):
        self.count += 1
        base = os.path.join(self.dir, '%04d' % self.count)
        with open(base + '.eml.tmp', 'wb') as f:
            f.write(data)
        with open(base + '.json', 'w', encoding='utf-8') as f:
            json.dump(envelope, f)
        # the message appears whole, after its envelope
        os.rename(base + '.eml.tmp', base + '.eml')

    async def session(self, reader, writer):
        def reply(line):
            writer.write(line.encode('ascii') + b'\r\n')

        env = {'helo': None, 'user': None, 'from': None, 'to': []}
        reply('220 localhost dti test sink ESMTP')
        try:
            while True:
                await writer.drain()
                raw = await reader.readline()
                if not raw:
                    break
                line = raw.decode('utf-8', 'replace').rstrip('\r\n')
                verb = line.split(' ', 1)[0].upper()
                arg = line[len(verb):].strip()
                if verb in ('EHLO', 'HELO'):
                    env['helo'] = arg
                    if verb == 'HELO':
                        reply('250 localhost')
                        continue
                    reply('250-localhost')
                    reply('250-8BITMIME')
                    reply('250-SIZE 10485760')
                    if self.auth:
                        reply('250-AUTH PLAIN LOGIN')
                    reply('250 SMTPUTF8')
                elif verb == 'AUTH' and self.auth:
                    parts = arg.split()
                    mech = parts[0].upper() if parts else ''
                    user = password = None
                    if mech == 'PLAIN':
                        blob = parts[1] if len(parts) > 1 else None
                        if blob is None:
                            reply('334 ')
                            await writer.drain()
                            blob = (await reader.readline()).decode().strip()
                        try:
                            _, user, password = base64.b64decode(
                                blob).decode('utf-8').split('\0')
                        except ValueError:
                            pass
                    elif mech == 'LOGIN':
                        reply('334 VXNlcm5hbWU6')
                        await writer.drain()
                        user = base64.b64decode(
                            (await reader.readline()).strip()).decode()
                        reply('334 UGFzc3dvcmQ6')
                        await writer.drain()
                        password = base64.b64decode(
                            (await reader.readline()).strip()).decode()
                    if (user, password) == self.auth:
                        env['user'] = user
                        reply('235 2.7.0 authenticated')
                    else:
                        reply('535 5.7.8 authentication failed')
                elif verb == 'MAIL':
                    if self.auth and not env['user']:
                        reply('530 5.7.0 authentication required')
                        continue
                    env['from'] = arg.split(':', 1)[1].strip() \
                        if ':' in arg else arg
                    env['to'] = []
                    reply('250 2.1.0 ok')
                elif verb == 'RCPT':
                    if env['from'] is None:
                        reply('503 5.5.1 MAIL first')
                        continue
                    env['to'].append(arg.split(':', 1)[1].strip()
                                     if ':' in arg else arg)
                    reply('250 2.1.5 ok')
                elif verb == 'DATA':
                    if not env['to']:
                        reply('503 5.5.1 RCPT first')
                        continue
                    reply('354 end with <CRLF>.<CRLF>')
                    await writer.drain()
                    data = bytearray()
                    while True:
                        chunk = await reader.readline()
                        if not chunk:
                            return
                        if chunk in (b'.\r\n', b'.\n'):
                            break
                        if chunk.startswith(b'.'):
                            chunk = chunk[1:]
                        data += chunk
                    self.store(dict(env), bytes(data))
                    env['from'], env['to'] = None, []
                    reply('250 2.0.0 stored')
                elif verb == 'RSET':
                    env['from'], env['to'] = None, []
                    reply('250 2.0.0 ok')
                elif verb == 'NOOP':
                    reply('250 2.0.0 ok')
                elif verb == 'QUIT':
                    reply('221 2.0.0 bye')
                    break
                else:
                    reply('502 5.5.2 not implemented')
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


async def main():
    p = argparse.ArgumentParser()
    p.add_argument('--dir', required=True)
    p.add_argument('--port-file', required=True)
    p.add_argument('--auth')
    p.add_argument('--timeout', type=float, default=120)
    a = p.parse_args()
    auth = tuple(a.auth.split(':', 1)) if a.auth else None
    sink = Sink(a.dir, auth)
    server = await asyncio.start_server(sink.session, '127.0.0.1', 0)
    port = server.sockets[0].getsockname()[1]
    with open(a.port_file + '.tmp', 'w') as f:
        f.write('%d\n' % port)
    os.rename(a.port_file + '.tmp', a.port_file)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await asyncio.wait_for(stop.wait(), a.timeout)
    except asyncio.TimeoutError:
        pass
    server.close()
    await server.wait_closed()


if __name__ == '__main__':
    asyncio.run(main())
