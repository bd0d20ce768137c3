"""Security headers, a CSP nonce per request, and rate limits per client."""

from __future__ import annotations

import secrets

from flask import Flask, Response, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

EXEMPT = ("/healthz", "/readyz")


def csp_nonce() -> str:
    """Return this request's CSP nonce (for inline scripts and styles in templates)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    nonce: str = g.csp_nonce
    return nonce


def frame_ancestors(origins: list[str]) -> str:
    """Return the frame-ancestors directive for the allowed embedding origins."""
    return "frame-ancestors " + (" ".join(["'self'", *origins]))


def _policy(response: Response, app: Flask) -> str:
    if response.mimetype != "text/html":
        return "default-src 'none'; frame-ancestors 'none'; sandbox"
    nonce = csp_nonce()
    framing = (frame_ancestors(app.config["ALLOWED_ORIGINS"]) if g.get("embeddable")
               else "frame-ancestors 'none'")
    return (f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; "
            f"style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; connect-src 'self'; "
            f"object-src 'none'; base-uri 'none'; form-action 'self'; {framing}")


def _limiter(app: Flask) -> Limiter | None:
    limit = str(app.config["RATE_LIMIT"]).strip()
    if limit.lower() == "off":
        return None
    storage = app.config.get("REDIS_URL") or "memory://"
    limiter = Limiter(get_remote_address, app=app, default_limits=[limit],
                      storage_uri=storage, headers_enabled=True, strategy="moving-window",
                      swallow_errors=True)
    limiter.request_filter(lambda: request.path in EXEMPT)
    return limiter


def init_app(app: Flask) -> None:
    """Add the headers to every response and switch on the rate limit."""
    app.extensions["bearings.limiter"] = _limiter(app)
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", _policy(response, app))
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if request.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response
