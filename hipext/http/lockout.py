"""Admin login lockout (django-axes): a failure limit per address, username and pair.

axes records each failed login per username, address and user agent, and locks out a
login when the failures of any group of ``AXES_LOCKOUT_PARAMETERS`` reach one limit.
Here each group has its own: one username from one address (``AXES_FAILURE_LIMIT``),
one address across usernames (``ADMIN_LOCKOUT_ADDRESS_LIMIT``) and one username across
addresses (``ADMIN_LOCKOUT_USERNAME_LIMIT``). Addresses are the rate limiter's
(hipext.http.ratelimit): behind trusted proxies the client's, one per IPv6 /64.
"""

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_lockout_parameters
from django.conf import settings
from django.db.models import Sum

from .ratelimit import client_ip


def lockout_client_ip(request):
    """The address failed logins count against (``AXES_CLIENT_IP_CALLABLE``)."""
    # An IPv6 block stands for itself by its first address: axes stores an address.
    address = client_ip(request).partition("/")[0]
    try:
        ipaddress.ip_address(address)
    except ValueError:  # whatever a proxy wrote; axes could not store it
        return request.META.get("REMOTE_ADDR")
    return address


def _group_limit(group):
    names = {group} if isinstance(group, str) else set(group)
    if names == {"ip_address"}:
        return settings.ADMIN_LOCKOUT_ADDRESS_LIMIT
    if names == {"username"}:
        return settings.ADMIN_LOCKOUT_USERNAME_LIMIT
    return settings.AXES_FAILURE_LIMIT


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler, with a failure limit for each lockout parameter group."""

    def get_failures(self, request, credentials=None):
        # axes locks a login out when this number reaches AXES_FAILURE_LIMIT: here that
        # limit once any group has reached its own limit, and 0 until then.
        groups = get_lockout_parameters(request, credentials)
        attempts = self.get_user_attempts(request, credentials)
        for group, group_attempts in zip(groups, attempts, strict=True):
            total = group_attempts.aggregate(total=Sum("failures_since_start"))["total"]
            if (total or 0) >= _group_limit(group):
                return settings.AXES_FAILURE_LIMIT
        return 0
