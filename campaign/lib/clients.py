"""Who a request comes from: the client's address, and the bucket abuse limits count it in.

X-Forwarded-For is believed only from the proxies the operator names in TRUSTED_PROXY_NETWORKS
(CIDRs). A request whose connection (REMOTE_ADDR) is not from one of them is its own client,
whatever it claims. Behind them, the header is read from the right, the end our own proxies
append to, and the first address that is not one of our proxies is the client: anything left
of it was written by the client and could be forged.

IPv6 clients are counted per /64: one subscriber usually gets a whole /64 and can use any of
its 2^64 addresses, so a limit per full address would be no limit. Every rate limit (through
ip_hash) and the admin login lockout (django-axes, through client_bucket) count buckets.
"""

import hashlib
import hmac
import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPV6_BUCKET_PREFIX = 64


@lru_cache(maxsize=8)
def networks_parse(cidrs: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    """CIDRs as networks; raises ValueError on one that is not (the system check says which)."""
    return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in cidrs if cidr.strip())


def trusted_networks() -> tuple[IPNetwork, ...]:
    return networks_parse(tuple(getattr(settings, "TRUSTED_PROXY_NETWORKS", ()) or ()))


def address_parse(value: str) -> IPAddress | None:
    """An address from a header or REMOTE_ADDR ("[2001:db8::1]:443" and "1.2.3.4:80" too)."""
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def is_trusted(address: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    return any(address in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The client's address: X-Forwarded-For only through our own proxies, read from the right."""
    raw_remote = request.META.get("REMOTE_ADDR", "") or ""
    remote = address_parse(raw_remote)
    networks = trusted_networks()
    if remote is None or not networks or not is_trusted(remote, networks):
        return str(remote) if remote is not None else raw_remote
    client = remote
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = address_parse(hop)
        if address is None:
            # Not an address: nothing left of it can be believed; the last proxy is the client.
            break
        client = address
        if not is_trusted(address, networks):
            break
    return str(client)


def address_bucket(ip: str) -> str:
    """What limits count: an IPv4 address as it is, an IPv6 address as its /64 network."""
    address = address_parse(ip)
    if address is None:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        network = ipaddress.IPv6Network((address, IPV6_BUCKET_PREFIX), strict=False)
        return str(network.network_address)
    return str(address)


def client_bucket(request: HttpRequest) -> str:
    """The client's bucket (AXES_CLIENT_IP_CALLABLE: an address, so axes can store it)."""
    return address_bucket(client_ip(request))


def ip_hash(ip: str) -> str:
    """A salted HMAC of the address's bucket: enough to group abuse, not to recover it."""
    return hmac.new(
        settings.PETITION_IP_SALT.encode(), address_bucket(ip).encode(), hashlib.sha256
    ).hexdigest()
