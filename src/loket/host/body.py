"""A host's reply body as JSON, decoded with bounds: strict UTF-8, nesting depth checked before
decoding (json's C decoder recurses once per level: 200,000 levels raised ``RecursionError``),
duplicate keys refused (which ``status`` would be believed?), no NaN or Infinity."""

from __future__ import annotations

import json
import re

MAX_DEPTH = 32  # a real reply nests 5 deep


class Refused(ValueError):
    """A body that is not the JSON we accept (the reason is for logs, never for the cashier)."""


_SPECIAL = re.compile(rb'[\[\]{}"\\]')


def _too_deep(raw: bytes, limit: int = MAX_DEPTH) -> bool:
    """Nesting deeper than ``limit``, counted before decoding (brackets inside strings aside)."""
    depth, in_string, escaped_at = 0, False, -1
    for match in _SPECIAL.finditer(raw):
        at, char = match.start(), raw[match.start()]
        if in_string:
            if at == escaped_at:
                continue
            if char == 0x5C:  # backslash: the next byte is escaped
                escaped_at = at + 1
            elif char == 0x22:
                in_string = False
        elif char == 0x22:
            in_string = True
        elif char in b"[{":
            depth += 1
            if depth > limit:
                return True
        elif char in b"]}":
            depth -= 1
    return False


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise Refused("duplicate key in an object")
    return dict(pairs)


def _no_constants(name: str) -> object:
    raise Refused(f"{name} is not JSON")


def decode_json(raw: bytes) -> object:
    """Strict UTF-8 JSON: bounded depth, no duplicate keys, no NaN/Infinity. Raises ``Refused``."""
    if _too_deep(raw):
        raise Refused("nested too deep")
    try:
        return json.loads(
            raw.decode("utf-8"), object_pairs_hook=_no_duplicates, parse_constant=_no_constants
        )
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError, int limit
        raise Refused(f"not JSON: {type(exc).__name__}") from None


def is_json(content_type: str) -> bool:
    media, _, params = content_type.partition(";")
    charset = params.strip().lower().removeprefix("charset=").strip('"')
    return media.strip().lower() == "application/json" and charset in ("", "utf-8")
