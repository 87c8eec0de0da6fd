"""Brute-force protection for the token endpoint (security row 5). Rates are set here rather
than in settings so that they hold even without DEFAULT_THROTTLE_RATES."""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle


class TokenRequestIpThrottle(SimpleRateThrottle):
    """Token requests per client address."""

    scope = "api_token_ip"
    rate = "20/hour"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenRequestUsernameThrottle(SimpleRateThrottle):
    """Token requests per user name, whatever address they come from."""

    scope = "api_token_username"
    rate = "10/hour"

    def get_cache_key(self, request, view):
        username = request.data.get("username") if hasattr(request.data, "get") else None
        if not isinstance(username, str) or not username.strip():
            return None  # nothing to count against; the IP throttle still applies
        return self.cache_format % {"scope": self.scope, "ident": username.strip().lower()[:150]}
