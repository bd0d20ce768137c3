"""Security headers, a CSP nonce per request, and rate limits per client."""

from __future__ import annotations

import secrets

from flask import Flask, Response, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

EXEMPT = ("/healthz", "/readyz")
STATIC = ("/assets/", "/embed.js", "/favicon.ico")


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
    limiter = Limiter(get_remote_address, app=app, application_limits=[limit],
                      storage_uri=storage, headers_enabled=True, strategy="moving-window",
                      swallow_errors=True, in_memory_fallback_enabled=True)
    limiter.request_filter(_exempt)
    return limiter


def _exempt() -> bool:
    """Return whether the request is a health check or a static file (never limited)."""
    return request.path in EXEMPT or request.path.startswith(STATIC)


def _trust_proxies(app: Flask) -> None:
    """Believe X-Forwarded-* from the configured number of proxies (none by default)."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        wrapped = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
        app.wsgi_app = wrapped  # type: ignore[method-assign]  # Flask documents this wrapping


def _retry_after_only_when_refused(response: Response) -> Response:
    """Drop the Retry-After the limiter adds to every answer, unless the request was refused."""
    if response.status_code not in (429, 503):
        response.headers.pop("Retry-After", None)
    return response


def init_app(app: Flask) -> None:
    """Add the headers to every response and switch on the rate limit."""
    _trust_proxies(app)
    app.after_request(_retry_after_only_when_refused)  # runs after the limiter's own hook
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
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response
