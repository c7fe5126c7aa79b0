"""The address of the person behind a request, for the per-address limits (login, verifier).

`X-Forwarded-For` is written by whoever sends the request: it is believed only when the request
comes from one of the TRUSTED_PROXIES (addresses or networks), and then only as far as the
chain of trusted proxies goes. With no trusted proxy (the default), only REMOTE_ADDR counts.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


def client_ip(request) -> str | None:
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    if not _trusted(remote):
        return str(remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    # From the right: each hop was appended by the proxy before it; the first address that is
    # not one of our proxies is the client as our own proxy saw it. Anything to its left was
    # written by the client itself.
    for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        address = _address(hop)
        if address is None:  # garbage in the header: stop believing it here
            break
        if not _trusted(address):
            return str(address)
        remote = address
    return str(remote)


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(address) -> bool:
    return any(address in network for network in _trusted_networks(tuple(settings.TRUSTED_PROXIES)))


@lru_cache(maxsize=8)
def _trusted_networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy.strip())
