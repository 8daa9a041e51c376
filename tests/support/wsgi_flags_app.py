"""A small WSGI app for the gunicorn e2e test: it stands in for Meltano's UI
under the same process model (gunicorn master with a pid file, workers
re-forked on SIGHUP, bound to a unix socket). Each worker reads the project's
.env when it starts, so a reload shows new flags from new workers."""
import json
import os


def _read_env(path):
    flags = {}
    try:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if not line or line.startswith("#") or "=" not in line:
                    continue
                key, value = line.split("=", 1)
                if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                    value = value[1:-1]
                flags[key] = value
    except OSError:
        pass
    return flags


FLAGS = _read_env(os.path.join(os.environ.get("MELTANO_PROJECT_ROOT", "."), ".env"))


def app(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    if path == "/api/health":
        body = {"healthy": True}
    elif path == "/flags":
        body = FLAGS
    elif path == "/process":
        body = {"master": os.getppid(), "worker": os.getpid(), "scheme": environ.get("wsgi.url_scheme")}
    else:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found\n"]
    data = json.dumps(body).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]
