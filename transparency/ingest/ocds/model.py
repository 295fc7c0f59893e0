"""What the OCDS reader shares: the currency codes, date and amount bounds, the line columns."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import polars as pl

from transparency import schema
from transparency.settings import REFERENCE_DIR

CPV_TABLE = REFERENCE_DIR / "cpv_to_unspsc_segment.csv"

# ISO 4217 codes, current and historic, from the OCDS 1.1 `currency` codelist
# (../shared/data/ocds_codelists_1_1/currency.csv), without XXX ("no currency") and
# XTS ("for testing").
ISO_4217 = frozenset(
    """
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN
BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP
ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IQD IRR
ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD
MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR
PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLL SOS SRD SSP STN SVC SYP SZL THB
TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VES VND VUV WST XAF XAG XAU
XBA XBB XBC XBD XCD XDR XOF XPD XPF XPT XSU XUA YER ZAR ZMW ZWL ADP AFA ALK AOK AON
AOR ARA ARP ARY ATS AYM AZM BAD BEC BEF BEL BGJ BGK BGL BOP BRB BRC BRE BRN BRR BUK BYB BYR
CHC CSD CSJ CSK CYP DDM DEM ECS ECV EEK ESA ESB ESP FIM FRF GEK GHC GHP GNE GNS GQE GRD GWE
GWP HRD IEP ILP ILR ISJ ITL LAJ LSM LTL LTT LUC LUF LUL LVL LVR MGF MLF MRO MTL MTP MVQ MXP
MZE MZM NIC NLG PEH PEI PES PLZ PTE RHD ROK ROL RUR SDD SDP SIT SKK SRG STD SUR TJR TMM TPE
TRL UAK UGS UGW USS UYN UYP VEB VEF VNC XEU XFO XFU XRE YDD YUD YUM YUN ZAL ZMK ZRN ZRZ ZWC
ZWD ZWN ZWR
""".split()
)

# Dates outside these years are impossible in a procurement feed; an award or contract
# date more than this after the date of the release that publishes it is impossible too.
FIRST_YEAR, LAST_YEAR = 1900, 2100
MAX_AHEAD = timedelta(days=366)
MAX_DECIMALS = 4  # schema.MONEY scale
MAX_AMOUNT = Decimal(10) ** (38 - MAX_DECIMALS)  # schema.MONEY precision
NOT_SPEND = frozenset({"unsuccessful", "cancelled"})

LINE_SCHEMA: dict[str, pl.DataType] = {
    "contract_id": pl.String(),
    "line_id": pl.String(),
    "award_date": pl.Date(),
    "buyer": pl.String(),
    "supplier_id": pl.String(),
    "supplier_name": pl.String(),
    "supplier_country": pl.String(),  # as written; the pipeline normalises it to ISO alpha-3
    "supplier_country_raw": pl.String(),
    "description": pl.String(),
    "category_scheme": pl.String(),
    "category_code": pl.String(),
    "category_raw": pl.String(),
    "procurement_method_raw": pl.String(),
    "amount": schema.MONEY,
    "currency": pl.String(),
    "source_row": pl.Int64(),
}


class NotOcds(ValueError):
    """The whole file cannot be read as OCDS; the message says what was found."""
