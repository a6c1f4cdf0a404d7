"""What every host's reply is checked with: bounded field types and strict models.

A reply is decoded with bounds (size capped by ``transport``, nesting depth and duplicate keys by
``body``), then parsed into strict models built from these types: no bool for an int, no float or
string for money, amounts and counts in range, numbers of the right shape, text cleaned of control
characters. Each adapter's own ``replies`` module then judges the reply against what was sent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

from loket.clock import iso
from loket.domain.billing import ARREARS_CAP, MAX_MONTHS_AHEAD
from loket.domain.text import clean_text
from loket.host.body import Refused, decode_json, is_json

MAX_AMOUNT = 100_000_000  # rupiah: far above any family's 24 months of arrears
MAX_FEE = 1_000_000  # rupiah: the host's admin fee, and its margin over the premium
MAX_MEMBERS = 50
MAX_PERIODS = ARREARS_CAP + 1 + MAX_MONTHS_AHEAD
MAX_BALANCE = 10**13


# -- field types -----------------------------------------------------------------------------
def _cleaned(max_len: int, required: bool = False) -> AfterValidator:
    def clean(value: str) -> str:
        text = clean_text(value, max_len)
        if required and not text:
            raise ValueError("empty once control characters are removed")
        return text

    return AfterValidator(clean)


def _when(value: str) -> str:
    """ISO 8601 with an offset, normalised to WIB to the second; ``""`` stays absent."""
    if value == "":
        return ""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("not an ISO 8601 time") from None
    if parsed.utcoffset() is None:
        raise ValueError("an ISO 8601 time needs its offset")
    if not 2000 <= parsed.year <= 2100:
        raise ValueError("year out of range")
    return iso(parsed)


def _present(value: str) -> str:
    if not value:
        raise ValueError("must not be empty")
    return value


def _digits(pattern: str) -> StringConstraints:
    return StringConstraints(pattern=pattern)


Card = Annotated[str, _digits(r"^[0-9]{13}$")]
VaNo = Annotated[str, _digits(r"^(88888|89888)[0-9]{11}$")]
RefId = Annotated[str, _digits(r"^[A-Za-z0-9_-]{1,64}$")]
Rc = Annotated[str, _digits(r"^[0-9]{2}$")]
Period = Annotated[str, _digits(r"^20[0-9]{2}-(0[1-9]|1[0-2])$")]
Name = Annotated[str, StringConstraints(max_length=500), _cleaned(80, required=True)]
Words = Annotated[str, StringConstraints(max_length=2000), _cleaned(200)]
Reference = Annotated[str, StringConstraints(max_length=200), _cleaned(64)]
When = Annotated[str, StringConstraints(max_length=40), AfterValidator(_when)]
Sn = Annotated[Reference, AfterValidator(_present)]
Premium = Annotated[int, Field(gt=0, le=MAX_AMOUNT)]


class Strict(BaseModel):
    # extra fields are ignored (a host may add some); every field we read is checked
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


_M = TypeVar("_M", bound=BaseModel)


def data_envelope(raw: bytes, content_type: str) -> object:
    """The ``data`` object of a ``{"data": {…}}`` JSON reply (native and Digiflazz), or ``Refused``."""
    if not is_json(content_type):
        raise Refused(f"content type {content_type[:40]!r}")
    document = decode_json(raw)
    if not isinstance(document, dict) or not isinstance(document.get("data"), dict):
        raise Refused("not a {data: {…}} envelope")
    return document["data"]


def parse_as(model: type[_M], data: object) -> _M:
    """``data`` as ``model``, or ``Refused`` naming the first three reasons (for the log)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        where = "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
            for e in exc.errors(include_input=False)[:3]
        )
        raise Refused(where) from None
