"""In-process interception: ``requests`` and ``httpx`` calls to providers' real hosts answered by emulators.

    with mockservers.intercept("pixop") as mocked:
        requests.get("https://staging-api.pixop.com/accounts/v1/token", auth=...)   # no socket
        mocked["pixop"].journal.last()

Hosts come from each Provider's ``hosts``; loopback passes through to the
real network (S3 endpoint, callback receivers); any other host is refused
with :class:`HostNotAllowed`.
"""

from mockservers.intercept.core import LOOPBACK, HostNotAllowed, InterceptError, Interceptor, intercept

__all__ = ["LOOPBACK", "HostNotAllowed", "InterceptError", "Interceptor", "intercept"]
