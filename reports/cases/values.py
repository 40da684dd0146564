"""Values of casebase JSON, checked as they are read: the report's reader and the case's field tables share them.

A value of the wrong shape raises Bad, which the reader turns into a refusal of that report naming the field.
"""

from decimal import Decimal, InvalidOperation

from reports.text import clean, clean_line


class Bad(Exception):
    """A value of the wrong shape inside one report: becomes that report's RecordError."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message


def shown(value) -> str:
    """A value as a message quotes it: a few dozen characters at most."""
    text = repr(value) if not isinstance(value, int) or abs(value) < 10**50 else f"a number of {len(str(value))} digits"
    return text if len(text) <= 60 else text[:59] + "…"


def text_value(data: dict, name: str, *, line: bool = True) -> str:
    value = data.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Bad(name, f"must be text, not {type(value).__name__}")
    return clean_line(value) if line else clean(value)


def int_value(data: dict, name: str) -> int | None:
    value = data.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise Bad(name, f"must be a whole number, not {shown(value)}")
    return value


def list_value(data: dict, name: str) -> list:
    value = data.get(name) or []
    if not isinstance(value, list):
        raise Bad(name, "must be a list")
    return value


def object_value(value, name: str) -> dict:
    if not isinstance(value, dict):
        raise Bad(name, "must be an object")
    return value


def decimal_value(value, name: str) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise Bad(name, f"{shown(value)} is not a number") from None
    if not number.is_finite():
        raise Bad(name, f"{shown(value)} is not a number")
    return number


def required_text(data: dict, name: str, where: str) -> str:
    value = text_value(data, name)
    if not value:
        raise Bad(f"{where}.{name}", f"{name} is required")
    return value


def decimal_text(value: Decimal | None) -> str | None:
    """A decimal as casebase JSON and CSV write it: no exponent, no trailing zeros ("0.5", "4.5", "120")."""
    return None if value is None else f"{value.normalize():f}"
