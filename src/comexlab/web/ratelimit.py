"""The login rate limit: moving windows per client IP and username, per username, per IP.

Kept apart from ``auth/security.py`` (sessions and CSRF) because the app context holds the
limiter, and security reads the context: one module each way keeps the imports acyclic.
"""

from __future__ import annotations

import time

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from comexlab.i18n import Msg
from comexlab.web.problems import WebError


class LoginRateLimiter:
    """Login attempts allowed per client IP and username, per username, and per client IP.

    Three moving windows:

    - IP + username (``per_ip_user``, 5/minute): one user behind the agency's shared NAT does
      not lock out their colleagues;
    - username (``per_user``, 10/minute): guessing one account's password from many
      addresses (or with a forged ``X-Forwarded-For``) is still capped;
    - IP (``per_ip``, 30/minute of *failed* attempts): one address cannot try many accounts,
      while an office behind one NAT address can still log in all at once.

    The two username windows count every attempt as it starts (no burst of parallel guesses
    slips through) and are cleared by a successful login, so a person who logs in many times
    a day is never limited. The IP is the connecting peer's unless a trusted proxy
    (``Settings.forwarded_allow_ips``) named another one.
    """

    def __init__(
        self, per_ip_user: str = "5/minute", per_user: str = "10/minute",
        per_ip: str = "30/minute",
    ) -> None:
        self._items = {
            "ip_user": parse(per_ip_user), "user": parse(per_user), "ip": parse(per_ip),
        }
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    @staticmethod
    def _keys(ip: str, username: str) -> dict[str, tuple[str, ...]]:
        ip, user = ip or "?", username.strip().lower()
        return {"ip_user": (ip, user), "user": (user,), "ip": (ip,)}

    def check(self, ip: str, username: str) -> None:
        """Count an attempt before the password is checked; 429 when any window is full."""
        keys = self._keys(ip, username)
        over = [name for name in ("ip_user", "user")
                if not self._limiter.hit(self._items[name], name, *keys[name])]
        if not self._limiter.test(self._items["ip"], "ip", *keys["ip"]):
            over.append("ip")
        if over:
            retry = max(self._retry_after(name, keys[name]) for name in over)
            raise WebError(429, Msg("web.login.rate_limited"), headers={"Retry-After": str(retry)})

    def record(self, ip: str, username: str, *, ok: bool) -> None:
        """After the password check: success clears the user's windows, failure counts per IP."""
        keys = self._keys(ip, username)
        if ok:
            for name in ("ip_user", "user"):
                self._limiter.clear(self._items[name], name, *keys[name])
        else:
            self._limiter.hit(self._items["ip"], "ip", *keys["ip"])

    def _retry_after(self, name: str, key: tuple[str, ...]) -> int:
        stats = self._limiter.get_window_stats(self._items[name], name, *key)
        return max(1, int(stats.reset_time - time.time()))
