"""The one registry of names: methods, policies, controls, reasons and statuses.

Every name yieldopt accepts or answers with — in Python, TOML, on the command line or in
JSON — is a member of one :class:`~enum.StrEnum` here, so each set is written once and
has one spelling. Members *are* strings (``Reason.BID_PRICE == "bid_price"``), so JSON,
HTTP and CLI spellings are the plain values and pydantic fields typed with these enums
keep their JSON as before.

Two sets share a word on purpose, with different spellings because they name different
things: :attr:`ControlKind.BID_PRICE` (``"bid-price"``, the rule a decision set is
decided by) and :attr:`Reason.BID_PRICE` (``"bid_price"``, why a request was rejected).
Both spellings are part of the published HTTP API and stay as they are.

>>> from yieldopt.model import Method, PolicyName, Reason
>>> Method("emsr-b") is Method.EMSR_B
True
>>> [str(p) for p in PolicyName][:3]
['fcfs', 'emsr-b', 'davn']
>>> Reason.BID_PRICE == "bid_price"
True
"""

from __future__ import annotations

from enum import StrEnum

from ..errors import InputError

__all__ = [
    "BookingStatus",
    "ControlKind",
    "Method",
    "OverrideAction",
    "PolicyName",
    "QuoteDecision",
    "Reason",
    "RunStatus",
    "parse_name",
]


class Method(StrEnum):
    """Optimization methods a decision set can come from (the service and the HTTP API).

    ``emsr-b`` means leg-based EMSR-b nesting on every resource (full product values, no
    displacement), the same rule as the simulator's ``emsr-b`` policy.
    """

    DLP = "dlp"
    RLP = "rlp"
    DAVN = "davn"
    EMSR_B = "emsr-b"
    FCFS = "fcfs"

    @property
    def control(self) -> ControlKind:
        """The rule a decision set from this method decides requests by."""
        return _METHOD_CONTROL[self]


class PolicyName(StrEnum):
    """Simulator policies (``yieldopt simulate --policy``, scenario ``[simulation]``).

    ``dp`` is the exact dynamic program of a single resource; ``emsr-b-mr`` is leg EMSR-b
    with the marginal-revenue fare adjustment under the scenario's choice model;
    ``dynamic-pricing`` posts one step of a single resource's price ladder per period;
    ``hindsight`` is the perfect-information bound, computed by the simulator rather than
    a policy object.
    """

    FCFS = "fcfs"
    EMSR_B = "emsr-b"
    DAVN = "davn"
    DLP = "dlp"
    RLP = "rlp"
    DP_DECOMPOSITION = "dp-decomposition"
    DP = "dp"
    EMSR_B_MR = "emsr-b-mr"
    DYNAMIC_PRICING = "dynamic-pricing"
    CDLP = "cdlp"
    HINDSIGHT = "hindsight"


class ControlKind(StrEnum):
    """The rule a decision set decides requests by.

    Availability against the authorized capacity applies to all of them.
    """

    BID_PRICE = "bid-price"
    """Accept iff value >= bid-price total (:func:`yieldopt.control.accepts`)."""
    NESTED = "nested"
    """Nested booking limits per resource."""
    FCFS = "fcfs"
    """First come, first served."""


class Reason(StrEnum):
    """Why a booking request was accepted or rejected."""

    ACCEPTED = "accepted"
    BID_PRICE = "bid_price"
    """Its value is below the bid-price total of its resources."""
    BOOKING_LIMIT = "booking_limit"
    """A nested booking limit of one of its resources is reached."""
    UNAVAILABLE = "unavailable"
    """Not enough authorized capacity left on one of its resources."""
    CLOSED = "closed"
    """One of its resources is closed by a revenue manager's override."""


class OverrideAction(StrEnum):
    """What an entry of the override audit records."""

    SET = "set"
    """An override was set or changed."""
    REMOVE = "remove"
    """An override was removed."""
    EXPIRE = "expire"
    """An override reached its expiry (recorded by ``system``)."""


class BookingStatus(StrEnum):
    """Status of a stored booking (or of a rejection kept for its idempotency key)."""

    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


class RunStatus(StrEnum):
    """Status of an optimization run."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class QuoteDecision(StrEnum):
    """Recommendation of a group quote."""

    ACCEPT = "accept"
    REJECT = "reject"


_METHOD_CONTROL = {
    Method.DLP: ControlKind.BID_PRICE,
    Method.RLP: ControlKind.BID_PRICE,
    Method.DAVN: ControlKind.NESTED,
    Method.EMSR_B: ControlKind.NESTED,
    Method.FCFS: ControlKind.FCFS,
}


def parse_name[E: StrEnum](kind: type[E], value: object, field: str) -> E:
    """Return the member of ``kind`` spelled ``value``, or raise naming the field.

    Parameters
    ----------
    kind : type of StrEnum
        The name set, e.g. :class:`Method`.
    value : object
        The spelling given (a member or its string value).
    field : str
        Input field to name in the error.

    Returns
    -------
    StrEnum
        The member.

    Raises
    ------
    InputError
        If ``value`` is not one of the set's spellings; the message lists them.

    Examples
    --------
    >>> parse_name(Method, "davn", "method")
    <Method.DAVN: 'davn'>
    """
    try:
        return kind(value)  # type: ignore[arg-type]  # any spelling may come in; ValueError if not one
    except ValueError:
        raise InputError(field, f"must be one of {[str(m) for m in kind]}, got {value!r}") from None
