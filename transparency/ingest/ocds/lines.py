"""The lines of one compiled release: one per award (or contract) and supplier."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from transparency.ingest.ocds.checks import parse_date
from transparency.ingest.ocds.classification import category_of
from transparency.ingest.ocds.model import NOT_SPEND


def split_amount(amount: Decimal, parts: int) -> list[Decimal]:
    """Split `amount` into `parts` equal shares; the first takes the remainder.

    Shares are rounded down to the cent (or to the amount's own finer precision), so
    the shares always sum exactly to `amount`.

    >>> split_amount(Decimal("100.00"), 3)
    [Decimal('33.34'), Decimal('33.33'), Decimal('33.33')]
    """
    if parts <= 1:
        return [amount]
    exponent = min(amount.as_tuple().exponent, -2)
    quantum = Decimal(1).scaleb(exponent)
    share = (amount / parts).quantize(quantum, rounding=ROUND_DOWN)
    return [amount - share * (parts - 1)] + [share] * (parts - 1)


@dataclass
class _Context:
    """What one compiled release (one ocid) shares between its lines."""

    ocid: str
    buyer: str | None
    method: str | None
    tender_title: str | None
    tender_items: list[dict]
    parties: dict[str, dict]
    lines: list[dict] = field(default_factory=list)
    rejections: list[tuple] = field(default_factory=list)


def _buyer(release: dict) -> str | None:
    name = release.get("buyer", {}).get("name", "").strip()
    if name:
        return name
    for party in release.get("parties", []):
        if "buyer" in party.get("roles", []) and party.get("name", "").strip():
            return party["name"].strip()
    name = release.get("tender", {}).get("procuringEntity", {}).get("name", "").strip()
    return name or None


def _country(org: dict) -> str | None:
    address = org.get("address", {})
    for key in ("countryName", "countryCode", "country"):
        value = address.get(key)
        if value is not None and value.strip():
            return value
    return None


def _supplier(org: dict, parties: dict[str, dict]) -> tuple[str | None, str | None, str | None]:
    """Return (supplier_id, supplier_name, country_raw) from a reference and its party."""
    party = parties.get(org["id"], {}) if "id" in org else {}
    legal = (org.get("identifier") or party.get("identifier") or {}).get("legalName")
    name = _first_text(org.get("name"), party.get("name"), legal)
    ident = org.get("id")
    if ident is None:
        identifier = org.get("identifier") or party.get("identifier") or {}
        if identifier.get("id"):
            ident = f"{identifier.get('scheme', '')}-{identifier['id']}".lstrip("-")
    country = _country(party) or _country(org)
    return ident, name, country


def _emit(
    ctx: _Context,
    part: dict,
    suppliers: list[dict],
    when: str | None,
    items: list[dict],
    description: str | None,
) -> None:
    """Add the lines of one award or contract (one per supplier), or its rejection."""
    path, number = part["_path"], part["_src"]
    if when is None:
        ctx.rejections.append(
            (number, f"{path}.date", "", "no award date, and no contract for it has a dateSigned")
        )
        return
    if not suppliers:
        ctx.rejections.append((number, f"{path}.suppliers", "", "no supplier is named"))
        return
    resolved = [_supplier(s, ctx.parties) for s in suppliers]
    for j, (_ident, name, _country_raw) in enumerate(resolved):
        if name is None:
            ctx.rejections.append(
                (
                    number,
                    f"{path}.suppliers[{j}].name",
                    suppliers[j].get("id", ""),
                    "supplier has no name, here or in parties",
                )
            )
            return
    value = part["value"]
    scheme, code, raw = category_of(items)
    shares = split_amount(value["amount"], len(resolved))
    award_day = parse_date(when)
    for j, ((ident, name, country_raw), share) in enumerate(zip(resolved, shares, strict=True)):
        ctx.lines.append(
            {
                "contract_id": f"{ctx.ocid}/{part['id']}",
                "line_id": str(j + 1),
                "award_date": award_day,
                "buyer": ctx.buyer,
                "supplier_id": ident,
                "supplier_name": name,
                "supplier_country": country_raw,
                "supplier_country_raw": country_raw,
                "description": description,
                "category_scheme": scheme,
                "category_code": code,
                "category_raw": raw,
                "procurement_method_raw": ctx.method,
                "amount": share,
                "currency": value["currency"],
                "source_row": number,
                "_path": f"{path}.suppliers[{j}]",
            }
        )


def _first_text(*values: str | None) -> str | None:
    for value in values:
        if value and value.strip():
            return value.strip()
    return None


def _has_value(part: dict) -> bool:
    return part.get("value", {}).get("amount") is not None


def _status(part: dict) -> str:
    return (part.get("status") or "").strip().lower()


def lines_of(release: dict) -> tuple[list[dict], list[tuple]]:
    """Return (lines, rejections) of one compiled release; rejections are
    (source_row, JSON path, value, reason)."""
    tender = release.get("tender", {})
    ctx = _Context(
        ocid=release["ocid"],
        buyer=_buyer(release),
        method=_first_text(tender.get("procurementMethod")),
        tender_title=_first_text(tender.get("title")),
        tender_items=tender.get("items", []),
        parties={p["id"]: p for p in release.get("parties", []) if "id" in p},
    )
    awards = release.get("awards", [])
    contracts = release.get("contracts", [])
    by_award: dict[str, list[dict]] = defaultdict(list)
    for contract in contracts:
        if "awardID" not in contract and len(awards) == 1:
            # A contract must name its award; when it does not and the process has one
            # award only, it can only be that award's contract.
            contract["awardID"] = awards[0]["id"]
        if "awardID" in contract:
            by_award[contract["awardID"]].append(contract)
    _award_lines(ctx, awards, by_award)
    _contract_lines(ctx, awards, contracts)
    return ctx.lines, ctx.rejections


def _award_lines(ctx: _Context, awards: list[dict], by_award: dict[str, list[dict]]) -> None:
    """Add the lines of each award that has a value (or its rejection)."""
    for award in awards:
        linked = by_award.get(award["id"], [])
        if not _has_value(award):
            if not any(_has_value(c) for c in linked):
                ctx.rejections.append(
                    (
                        award["_src"],
                        f"{award['_path']}.value",
                        "",
                        "award has no value, and no contract for it has one",
                    )
                )
            continue
        if _status(award) in NOT_SPEND:
            ctx.rejections.append(
                (
                    award["_src"],
                    f"{award['_path']}.status",
                    award["status"],
                    f"award status is {award['status']!r}: nothing was bought",
                )
            )
            continue
        when = award.get("date") or next(
            (c["dateSigned"] for c in linked if c.get("dateSigned")), None
        )
        items = award.get("items", []) + [i for c in linked for i in c.get("items", [])]
        items += ctx.tender_items
        description = _first_text(
            award.get("title"),
            award.get("description"),
            *(c.get("title") for c in linked),
            ctx.tender_title,
        )
        _emit(ctx, award, award.get("suppliers", []), when, items, description)


def _contract_lines(ctx: _Context, awards: list[dict], contracts: list[dict]) -> None:
    """Add the lines of each contract that carries the value of its award."""
    valued_awards = {a["id"] for a in awards if _has_value(a)}
    award_by_id = {a["id"]: a for a in awards}
    for contract in contracts:
        # Contracts carry the values only for awards without one (or when no award has
        # one); otherwise the award is the line and its contracts would count it twice.
        award_id = contract.get("awardID")
        if not _has_value(contract) or award_id in valued_awards:
            continue
        if valued_awards and award_id not in award_by_id:
            continue
        if _status(contract) in NOT_SPEND:
            ctx.rejections.append(
                (
                    contract["_src"],
                    f"{contract['_path']}.status",
                    contract["status"],
                    f"contract status is {contract['status']!r}: nothing was bought",
                )
            )
            continue
        award = award_by_id.get(contract.get("awardID", ""), {})
        suppliers = contract.get("suppliers") or award.get("suppliers", [])
        when = contract.get("dateSigned") or award.get("date")
        items = contract.get("items", []) + award.get("items", []) + ctx.tender_items
        description = _first_text(
            contract.get("title"),
            contract.get("description"),
            award.get("title"),
            ctx.tender_title,
        )
        _emit(ctx, contract, suppliers, when, items, description)
