"""One article from an http(s) URL: a per-read timeout, a total deadline, a size cap on the
decoded body, host names resolved once and pinned, and a redirect policy."""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import re
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from .. import __version__
from ..errors import InputError
from .article import MAX_ARTICLE_BYTES, Article, article_from_bytes
from .coding import BodyDecoder

FETCH_TIMEOUT = 20.0  # seconds one read of a URL may wait
FETCH_DEADLINE = 60.0  # seconds a whole fetch may take, redirects included
MAX_REDIRECTS = 5


class _Deadline:
    """Shuts every socket of one fetch down when its total time is up: a server that drips a
    byte now and then never trips the per-read timeout, but it cannot outlast this."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed
        sock.shutdown(socket.SHUT_RDWR)


class _Pins:
    """The addresses each host name resolved to during one fetch, looked up once: the redirect
    policy checks them and the connection goes to exactly them. A resolver that answers a public
    address to the check and 127.0.0.1 to the connection (DNS rebinding) cannot swap one for the
    other. The Host header and TLS server name stay the host's name."""

    def __init__(self) -> None:
        self._found: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    def addresses(self, host: str) -> list[str]:
        with self._lock:
            if host not in self._found:
                self._found[host] = _addresses(host)
            return self._found[host]


def _watched(base: type[http.client.HTTPConnection], deadline: _Deadline, pins: _Pins) -> Any:
    """``base`` that connects to the pinned addresses of its host (:class:`_Pins`) and hands
    its sockets to ``deadline`` as soon as they connect (before TLS)."""

    class Watched(base):  # type: ignore[valid-type, misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            create: Callable[..., socket.socket] = getattr(self, "_create_connection")  # noqa: B009

            def create_pinned(address: tuple[str, int], *a: Any, **k: Any) -> socket.socket:
                host, port = address[0], address[1]
                found = pins.addresses(host)
                if not found:
                    raise OSError(f"cannot resolve {host}")
                error: OSError | None = None
                for ip in found:  # each address the check saw, in the resolver's order
                    try:
                        sock = create((ip, port), *a, **k)
                    except OSError as exc:
                        error = exc
                        continue
                    deadline.watch(sock)
                    return sock
                assert error is not None
                raise error

            self._create_connection = create_pinned

    return Watched


_Handler = TypeVar("_Handler", urllib.request.HTTPHandler, urllib.request.HTTPSHandler)


def _pinned(handler: _Handler, deadline: _Deadline, pins: _Pins) -> _Handler:
    """``handler`` (http or https) opening its connections through :func:`_watched`."""
    do_open = handler.do_open

    def pinned_open(http_class: Any, req: Any, **kwargs: Any) -> Any:
        return do_open(_watched(http_class, deadline, pins), req, **kwargs)

    handler.do_open = pinned_open  # type: ignore[method-assign]
    return handler


class RedirectRefused(Exception):
    """A redirect the fetch policy does not follow."""


def _addresses(host: str) -> list[str]:
    """The addresses ``host`` resolves to, each once, in the resolver's order."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _is_public(host: str, resolve: Callable[[str], list[str]]) -> bool:
    """Every address of ``host`` is a global one (not private, loopback, link-local, ...).
    A host that does not resolve counts as public: fetching it fails anyway."""
    for text in resolve(host):
        try:
            address = ipaddress.ip_address(text.split("%", 1)[0])
        except ValueError:
            continue
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if not address.is_global or address.is_multicast:
            return False
    return True


def redirect_refusal(
    source: str, target: str, resolve: Callable[[str], list[str]] | None = None
) -> str | None:
    """Why a redirect from ``source`` to ``target`` is not followed, or None when it may be.

    Only http and https are followed; a public host may not send the fetch to a private,
    loopback or link-local address (the URL the user typed is trusted whatever its host, so a
    local server may redirect within the local network).
    """
    scheme = urllib.parse.urlsplit(target).scheme.lower()
    if scheme not in ("http", "https"):
        return f"to a {scheme or 'relative'} URL (only http and https redirects are followed)"
    resolve = resolve or _addresses
    source_host = urllib.parse.urlsplit(source).hostname or ""
    target_host = urllib.parse.urlsplit(target).hostname or ""
    if _is_public(source_host, resolve) and not _is_public(target_host, resolve):
        return "from a public host to a private, loopback or link-local address"
    return None


class _RedirectPolicy(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def __init__(self, pins: _Pins) -> None:
        super().__init__()
        self.pins = pins

    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> Any:
        why = redirect_refusal(req.full_url, newurl, self.pins.addresses)
        if why is not None:
            fp.close()
            raise RedirectRefused(f"{req.full_url} redirects {why}: {newurl}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url: str, *, timeout: float = FETCH_TIMEOUT, deadline: float | None = None) -> Article:
    """Download one article page (at most ``MAX_ARTICLE_BYTES``) within ``deadline`` seconds
    in all (``FETCH_DEADLINE`` by default), each read waiting at most ``timeout``. Redirects
    follow :func:`redirect_refusal`; the article's ``final_url`` is where they led."""
    limit = FETCH_DEADLINE if deadline is None else deadline
    request = urllib.request.Request(
        url,
        headers={"User-Agent": f"newsbrief/{__version__}", "Accept-Encoding": "gzip, deflate"},
    )
    with _Deadline(limit) as watch:
        pins = _Pins()  # one look-up per host name for the whole fetch, redirects included
        opener = urllib.request.build_opener(
            _pinned(urllib.request.HTTPHandler(), watch, pins),
            _pinned(urllib.request.HTTPSHandler(), watch, pins),
            _RedirectPolicy(pins),
        )
        try:
            with opener.open(request, timeout=min(timeout, limit)) as response:
                final = str(response.geturl())
                declared = response.headers.get_content_charset()
                body = BodyDecoder.for_header(response.headers.get("Content-Encoding"), url)
                data = bytearray()
                while len(data) <= MAX_ARTICLE_BYTES and not watch.expired:
                    chunk = response.read1(65536)
                    if not chunk:
                        break
                    data += body.feed(chunk, MAX_ARTICLE_BYTES + 1 - len(data))
        except RedirectRefused as exc:
            raise InputError(
                f"not following a redirect: {exc}",
                "pass the final URL yourself if you trust it",
            ) from exc
        except urllib.error.HTTPError as exc:
            if 300 <= exc.code < 400:  # urllib refused the scheme (file:, data:, ...)
                raise InputError(
                    f"not following a redirect of {url}: {exc.reason}",
                    "pass the final URL yourself if you trust it",
                ) from exc
            raise InputError(f"{url} answered {exc.code} {exc.reason}", "check the URL") from exc
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            if watch.expired:
                data, final, declared = bytearray(), url, None
            else:
                reason = getattr(exc, "reason", exc)
                raise InputError(
                    f"cannot fetch {url}: {reason}",
                    "check the URL and your connection, or save the page and pass the file",
                ) from exc
    if watch.expired:
        raise InputError(
            f"{url} did not finish loading within {limit:g} s",
            "the server is too slow: try again later, or save the page and pass the file",
        )
    slug = re.sub(r"[^A-Za-z0-9]+", "-", url.split("://", 1)[1]).strip("-")[-60:]
    article = article_from_bytes(
        bytes(data), source=url, article_id=slug or None, declared=declared
    )
    return replace(article, final_url=final)
