"""Git over smart HTTP for the fake GitHub: `git http-backend` run as a CGI per request."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response


def _parse_cgi(output: bytes) -> tuple[int, dict[str, str], bytes]:
    head, sep, body = output.partition(b"\r\n\r\n")
    if not sep:
        head, _, body = output.partition(b"\n\n")
    status, headers = 200, {}
    for line in head.decode("latin-1").splitlines():
        key, _, value = line.partition(":")
        if key.lower() == "status":
            status = int(value.strip().split()[0])
        elif key:
            headers[key.strip()] = value.strip()
    return status, headers, body


def run_http_backend(root: Path, request: Request, path_info: str, body: bytes) -> Response:
    """Serve one smart-HTTP request for the bare repositories under `root`."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "GIT_PROJECT_ROOT": str(root),
        "GIT_HTTP_EXPORT_ALL": "1",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "PATH_INFO": path_info,
        "REQUEST_METHOD": request.method,
        "QUERY_STRING": request.url.query,
        "CONTENT_TYPE": request.headers.get("content-type", ""),
        "CONTENT_LENGTH": str(len(body)),
        "REMOTE_USER": "x-access-token",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    if "content-encoding" in request.headers:
        env["HTTP_CONTENT_ENCODING"] = request.headers["content-encoding"]
    if "git-protocol" in request.headers:
        env["GIT_PROTOCOL"] = request.headers["git-protocol"]
    result = subprocess.run(
        ["git", "http-backend"], input=body, env=env, capture_output=True, timeout=120, check=False
    )
    if result.returncode != 0 and not result.stdout:
        return Response(result.stderr, status_code=500, media_type="text/plain")
    status, headers, payload = _parse_cgi(result.stdout)
    return Response(payload, status_code=status, headers=headers)
