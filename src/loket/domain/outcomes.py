"""What a host's answer comes to, in loket's own words: the class the forwarder acts on
(``Outcome``), what the answer means (``Meaning``), and the words for answers loket could not
believe or did not get.

Every host speaks in its own response codes; its adapter (``loket.host.<name>``) turns them into
these two, and nothing outside ``host/`` reads a code again: the code is kept only for the record
(stored, shown in a payment's detail, printed as ``(kode NN)``).
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    """What the forwarder does with an answer."""

    SUCCESS = "success"
    PENDING = "pending"  # accepted, biller has not answered: resolve by status
    FINAL_FAILURE = "final_failure"  # cash taken must be refunded
    REJECTED = "rejected"  # nothing recorded at the host: retry later, same ref_id
    NOT_POSTED = "not_posted"  # known not to have posted under this reference (status: not found)
    UNKNOWN = "unknown"  # time-out, 5xx, dropped, garbage: resolve by status


class Meaning(StrEnum):
    """What a host said, whichever host said it: one name per concept the three hosts' code
    tables share. The value is what the database keeps (``hostattempt.meaning``,
    ``paymentevent.meaning``); ``""`` there is an event no host answered."""

    # it did what was asked
    OK = "ok"  # an inquiry's bill, a balance, a host that answers
    PAID = "paid"  # the payment posted
    PENDING = "pending"  # accepted, the biller has not answered yet
    # no news of the payment
    UNKNOWN = "unknown"  # no answer, an answer not believed, a code no table lists
    HOST_FAULT = "host_fault"  # the host's or the biller's own fault or time-out
    RATE_LIMITED = "rate_limited"  # asked too often: ask again later
    # nothing posted
    NOT_POSTED = "not_posted"  # no payment under this reference (a status query's "not found")
    ONLY_INQUIRED = "only_inquired"  # the host knows only the inquiry under this reference
    STALE_QUOTE = "stale_quote"  # the inquiry to pay expired or is unknown: inquire again
    REFERENCE_REUSED = "reference_reused"  # the reference was used before
    # the bill cannot be paid (a final answer about the bill)
    ALREADY_PAID = "already_paid"  # nothing to pay: the months asked for are paid
    PARTLY_PAID = "partly_paid"  # some of the months asked for are paid already
    NO_BILL = "no_bill"  # no bill to pay (none issued)
    NOT_PAYABLE = "not_payable"  # payable elsewhere (PBI, PPU, the BPJS office) or not at all
    BILL_CHANGED = "bill_changed"  # the amount is not the bill's (changed since the inquiry)
    NUMBER_UNKNOWN = "number_unknown"  # no participant or VA under this number
    NUMBER_MALFORMED = "number_malformed"  # not a number this product takes
    NUMBER_BLOCKED = "number_blocked"  # the number is blocked
    FAILED = "failed"  # the payment failed at the host or the biller, no reason given
    # refused, nothing recorded: the agent's set-up or the host's hours
    AUTH_REFUSED = "auth_refused"  # credentials, signature or clock refused
    IP_REFUSED = "ip_refused"  # this address is not whitelisted
    ACCOUNT_REFUSED = "account_refused"  # the account is blocked, unverified, suspended
    PRODUCT_UNKNOWN = "product_unknown"  # the product code is unknown or not on the account
    PRODUCT_DOWN = "product_down"  # the product or its seller is down for now
    DEPOSIT_LOW = "deposit_low"  # the agent's deposit does not cover it
    CUT_OFF = "cut_off"  # the host does not take payments now (cut-off, maintenance)
    BAD_REQUEST = "bad_request"  # the host could not read the request


HOST_UNREACHABLE = "Host tidak dapat dihubungi — periksa koneksi internet"
HOST_GARBLED = "Balasan host tidak dapat dibaca"
# A reply that is not believed: the outcome stays unknown and is resolved by a status query.
HOST_TOO_SLOW = "Host terlalu lama menjawab — status akan dicek ulang"
HOST_HTTP_ERROR = "Host bermasalah (HTTP {status}) — status akan dicek ulang"
HOST_TOO_LARGE = "Balasan host terlalu besar — status akan dicek ulang"
HOST_INCONSISTENT = "Balasan host janggal (status dan kode tidak cocok) — status akan dicek ulang"
HOST_MISMATCH = "Balasan host tidak sesuai transaksi yang dikirim — status akan dicek ulang"
HOST_FAILED_HERE = "Gangguan saat mengirim ke host — status akan dicek ulang"
