#!/usr/bin/python3
# A real SMTP server for tests (Debian's python3-aiosmtpd): STARTTLS with the
# given certificate, and, when a password file is given, AUTH (PLAIN, LOGIN)
# required and accepted only over TLS for user "md" with that password. Each
# message is written to OUTDIR as N.eml, with N.login holding the login that
# sent it. Usage: smtp_server.py PORT OUTDIR CERT KEY [PASSWORD_FILE]
import os
import signal
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

port, outdir, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
password = open(sys.argv[5], "rb").read().strip() if len(sys.argv) > 5 else None


class Handler:
    async def handle_DATA(self, server, session, envelope):
        name = os.path.join(outdir, str(time.time_ns()))
        with open(name + ".login", "wb") as f:
            f.write(session.auth_data.login if isinstance(session.auth_data, LoginPassword) else b"")
        with open(name + ".eml", "wb") as f:
            f.write(envelope.original_content)
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"md" and auth_data.password == password
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)
options = dict(hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True)
if password is not None:
    options.update(authenticator=authenticator, auth_required=True, auth_require_tls=True)
controller = Controller(Handler(), **options)
controller.start()
print("ready", flush=True)
signal.sigwait({signal.SIGTERM, signal.SIGINT})
controller.stop()
