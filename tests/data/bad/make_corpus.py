"""Write the bad-input corpus: small hostile or awkward exports, each with an expected
outcome in EXPECTED.toml (checked by tests/test_bad_inputs.py).

Deterministic: running it again writes the same bytes (binary junk from a fixed seed,
zip members with a fixed timestamp). Run from anywhere:

    python tests/data/bad/make_corpus.py
"""

from __future__ import annotations

import codecs
import io
import json
import random
import struct
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE  # where files are written; the reproducibility test points it elsewhere
HEAD = "PO Number,Line No,Vendor Name,Vendor Country,PO Date,Amount,Currency,Description\n"
STAMP = (2024, 1, 1, 0, 0, 0)


def write(name: str, data: str | bytes, encoding: str = "utf-8") -> None:
    (OUT / name).write_bytes(data if isinstance(data, bytes) else data.encode(encoding))


def text_files() -> None:
    write("empty.csv", b"")
    write("blank_lines_only.csv", "\n\n   \n\n")
    write("header_only.csv", HEAD)
    write(
        "bom_utf8.csv",
        codecs.BOM_UTF8
        + (HEAD + "P1,1,Café Müller,FR,2024-03-15,100.50,USD,Crème\n").encode("utf-8"),
    )
    write(
        "cp1252_semicolon_decimal_comma.csv",
        "Bestellnummer;PO Number;Vendor Name;Vendor Country;PO Date;Amount;Currency\n"
        "x;P1;Müller GmbH;DE;15.03.2024;1.234,50;USD\n"
        "y;P2;Société Générale;FR;16.03.2024;99,99;USD\n",
        "cp1252",
    )
    write(
        "utf16le_bom_tab.csv",
        codecs.BOM_UTF16_LE
        + (
            "PO Number\tVendor Name\tPO Date\tAmount\tCurrency\r\n"
            "P1\tŁódź Sp. z o.o.\t2024-03-15\t10\tUSD\r\n"
            "P2\t北京供应商\t2024-03-15\t20\tUSD\r\n"
        ).encode("utf-16-le"),
    )
    write(
        "utf16le_no_bom.csv",
        ("PO Number,Vendor Name,PO Date,Amount,Currency\nP1,Acme,2024-03-15,7,USD\n").encode(
            "utf-16-le"
        ),
    )
    mixed = (
        HEAD.encode()
        + "P1,1,Café Une,FR,2024-03-15,1,USD,utf-8 line\n".encode()
        + "P2,1,Café Deux,FR,2024-03-15,2,USD,cp1252 line\n".encode("cp1252")
    )
    write("mixed_encodings.csv", mixed)
    write(
        "cr_only_line_ends.csv",
        (HEAD + "P1,1,Acme,FR,2024-03-15,5,USD,a\nP2,1,Beta,FR,2024-03-15,6,USD,b\n").replace(
            "\n", "\r"
        ),
    )
    write(
        "quoted_newlines_crlf.csv",
        HEAD.replace("\n", "\r\n")
        + 'P1,1,"Acme\r\nHoldings",FR,2024-03-15,5,USD,"line one\r\nline two, with comma"\r\n'
        + 'P2,1,"Say ""hi""",FR,2024-03-15,6,USD,plain\r\n',
    )
    write(
        "decimal_comma_thousands_points.csv",
        "PO Number;Vendor Name;PO Date;Amount;Currency\n"
        "P1;A;2024-03-15;1.234.567,89;USD\n"
        "P2;B;2024-03-15;12,5;USD\n"
        "P3;C;2024-03-15;0,01;USD\n",
    )
    write(
        "thousands_commas_and_symbols.csv",
        "PO Number,Vendor Name,PO Date,Amount,Currency\n"
        'P1,A,2024-03-15,"1,234.50",USD\n'
        'P2,B,2024-03-15,"$1,000",USD\n'
        'P3,C,2024-03-15,"(250.00)",USD\n'
        "P4,D,2024-03-15,1 000.25,USD\n",
    )
    write(
        "mixed_decimal_styles.csv",
        "PO Number;Vendor Name;PO Date;Amount;Currency\n"
        "P1;A;2024-03-15;1.234,50;USD\n"
        "P2;B;2024-03-15;1,234.50;USD\n",
    )
    write(
        "mixed_date_formats.csv",
        "PO Number,Vendor Name,PO Date,Amount,Currency\n"
        "P1,A,2024-03-15,1,USD\n"
        "P2,B,15/03/2024,2,USD\n"
        "P3,C,3 Mar 2024,3,USD\n"
        '"P4",D,"March 3, 2024",4,USD\n'
        "P5,E,20240316,5,USD\n"
        "P6,F,2024-03-15T10:30:00Z,6,USD\n"
        "P7,G,31/02/2024,7,USD\n",
    )
    write(
        "mixed_date_orders.csv",
        "PO Number,Vendor Name,PO Date,Amount,Currency\n"
        "P1,A,13/02/2024,1,USD\nP2,B,02/13/2024,2,USD\n",
    )
    write(
        "ambiguous_dates.csv",
        "PO Number,Vendor Name,PO Date,Amount,Currency\n"
        "P1,A,03/04/2024,1,USD\nP2,B,05/06/2024,2,USD\n",
    )
    write(
        "ragged_rows.csv",
        HEAD
        + "P1,1,Acme,FR,2024-03-15,10,USD,ok\n"
        + "P2,1,Acme, Inc,FR,2024-03-15,20,USD,unquoted comma in name\n"
        + "P3,1,Beta,FR,2024-03-15,30\n"
        + "P4,1,Gamma,FR,2024-03-15,40,USD,trailing delimiter,\n",
    )
    write(
        "stray_quotes.csv",
        HEAD
        + 'P1,1,Acme,FR,2024-03-15,10,USD,15" monitor\n'
        + 'P2,1,Beta,FR,2024-03-15,20,USD,2" pipe 3/4" elbow\n',
    )
    write(
        "duplicate_headers.csv",
        "PO Number,Vendor Name,PO Date,Amount,Currency,Amount\nP1,A,2024-03-15,1,USD,2\n",
    )
    write(
        "duplicate_unused_headers.csv",
        "PO Number,Vendor Name,PO Date,Amount,Currency,Notes,Notes,\n"
        "P1,A,2024-03-15,1,USD,n1,n2,\nP2,B,2024-03-15,2,USD,,,\n",
    )
    write(
        "missing_required_columns.csv",
        "PO Number,Vendor Name,Currency\nP1,A,USD\n",
    )
    write(
        "two_candidate_columns.csv",
        "PO Number,Vendor,Supplier Name,PO Date,Amount,Currency\nP1,A,B,2024-03-15,1,USD\n",
    )
    write(
        "bare_country_column.csv",
        "PO Number,Vendor Name,Country,PO Date,Amount,Currency\nP1,A,FR,2024-03-15,1,USD\n",
    )
    write(
        "amounts_edge_cases.csv",
        HEAD
        + "P1,1,Credit Note Co,FR,2024-03-15,-150.25,USD,credit note\n"
        + "P2,1,Zero Co,FR,2024-03-15,0,USD,no-cost amendment\n"
        + "P3,1,Absurd Co,FR,2024-03-15,5000000000000,USD,misplaced decimal\n"
        + "P4,1,Big Co,FR,2024-03-15,999999999999.99,USD,just under the limit\n"
        + "P5,1,Overflow Co,FR,2024-03-15,1e400,USD,too big for any type\n"
        + "P6,1,NaN Co,FR,2024-03-15,NaN,USD,not a number\n"
        + "P7,1,Inf Co,FR,2024-03-15,inf,USD,infinity\n"
        + "P8,1,Text Co,FR,2024-03-15,12abc,USD,letters\n"
        + "P9,1,Empty Co,FR,2024-03-15,,USD,missing\n"
        + "P10,1,Neg Absurd,FR,2024-03-15,-2000000000000,USD,absurd credit\n"
        + "P11,1,EUR Co,FR,2024-03-15,100,EUR,converted\n",
    )
    write(
        "currencies.csv",
        "PO Number,Vendor Name,PO Date,Amount,Currency\n"
        "P1,A,2024-03-15,1,USD\n"
        "P2,B,2024-03-15,2,usd\n"
        "P3,C,2024-03-15,3,US$\n"
        "P4,D,2024-03-15,4,XYZ\n"
        "P5,E,2024-03-15,5,Dollars\n"
        "P6,F,2024-03-15,6,\n"
        "P7,G,2024-03-15,7,XOF\n"
        "P8,H,2024-03-15,8,XXX\n",
    )
    write(
        "dates_out_of_range.csv",
        "PO Number,Vendor Name,PO Date,Amount,Currency\n"
        "P1,A,1899-12-31,1,USD\n"
        "P2,B,1900-01-01,2,USD\n"
        "P3,C,1989-12-31,3,USD\n"
        "P4,D,1990-01-01,4,USD\n"
        "P5,E,2099-01-01,5,USD\n"
        "P6,F,,6,USD\n"
        "P7,G,yesterday,7,USD\n",
    )
    write(
        "duplicate_lines.csv",
        HEAD
        + "P1,1,Acme,FR,2024-03-15,100,USD,laptops\n"
        + "P1,2,Acme,FR,2024-03-15,100,USD,laptops\n"
        + "P1,1,Acme,FR,2024-03-15,100,USD,laptops\n"
        + "P2,1,Beta,FR,2024-03-15,50,USD,chairs\n"
        + "P1,1,Acme,FR,2024-03-15,100,USD,laptops\n",
    )
    write(
        "formula_strings.csv",
        HEAD
        + 'P1,1,"=HYPERLINK(""http://evil.example/x"",""Click me"")",FR,2024-03-15,10,USD,'
        + "=1+1\n"
        + "P2,1,+cmd|' /C calc'!A0,FR,2024-03-15,20,USD,@SUM(A1:A9)\n"
        + 'P3,1,-2+3,FR,2024-03-15,30,USD,"\tleading tab"\n'
        + "P4,1,Formula Amount Co,FR,2024-03-15,=10*10,USD,formula in amount\n",
    )
    write(
        "html_script_names.csv",
        HEAD
        + "P1,1,<script>alert(1)</script>,FR,2024-03-15,10,USD,<b>bold</b>\n"
        + 'P2,1,"<img src=x onerror=alert(1)>",FR,2024-03-15,20,USD,'
        + '"<a href=""javascript:alert(1)"">x</a>"\n'
        + "P3,1,Tom &amp; Jerry Ltd,FR,2024-03-15,30,USD,&lt;ok&gt;\n",
    )
    write(
        "blank_lines_between_rows.csv",
        HEAD + "P1,1,A,FR,2024-03-15,1,USD,x\n\n,,,,,,,\nP2,1,B,FR,2024-03-15,2,USD,y\n\n",
    )
    write(
        "spaces_and_nbsp.csv",
        "PO Number,Vendor Name,PO Date,Amount,Currency\n"
        "  P1  ,\u00a0Acme\u00a0,2024-03-15, 1 234.50 , usd \n",
    )


def binary_files() -> None:
    rng = random.Random(20240315)
    write("binary_junk.csv", bytes(rng.randrange(256) for _ in range(2048)))
    write("pdf_named_csv.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n")
    write("binary_junk_no_zero_bytes.csv", bytes(rng.randrange(1, 256) for _ in range(1024)))
    write(
        "csv_named_xlsx.xlsx",
        "PO Number,Vendor Name,PO Date,Amount,Currency\nP1,A,2024-03-15,1,USD\n",
    )
    write("truncated.xlsx", b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(200)))


def _zip(name: str, parts: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    path = OUT / name
    with zipfile.ZipFile(path, "w", compression=method, compresslevel=9) as zf:
        for part, data in parts.items():
            info = zipfile.ZipInfo(part, date_time=STAMP)
            info.compress_type = method
            zf.writestr(info, data)
    return path


_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
    b"</Types>"
)


def zip_files() -> None:
    # Deflate tops out near 1,030 to 1: 10 MB of one letter packs to about 10 KB.
    sheet = b"<worksheet><sheetData>" + b"A" * 10_000_000 + b"</sheetData></worksheet>"
    _zip(
        "zip_bomb_ratio.xlsx",
        {"[Content_Types].xml": _CONTENT_TYPES, "xl/worksheets/sheet1.xml": sheet},
    )
    # A directory that lies: it says 1,000 bytes, the part unpacks to 1 MB.
    path = _zip(
        "zip_lying_sizes.xlsx",
        {"[Content_Types].xml": _CONTENT_TYPES, "xl/big.xml": bytes(1 << 20)},
    )
    _lie_about_sizes(path, "xl/big.xml", 1000)


def bzip2_bomb() -> None:
    """bzip2 packs 4.5 GB of zeros into about 4 KB: caught by the stated total (default
    limit 4,000 MB) before anything is unpacked. Takes about a minute to write."""
    path = OUT / "zip_bomb_total.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_BZIP2) as zf:
        zf.writestr(zipfile.ZipInfo("[Content_Types].xml", date_time=STAMP), _CONTENT_TYPES)
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", date_time=STAMP)
        info.compress_type = zipfile.ZIP_BZIP2
        with zf.open(info, "w", force_zip64=True) as fh:
            block = bytes(1 << 24)
            for _ in range(4608 // 16):
                fh.write(block)


def _lie_about_sizes(path: Path, part: str, size: int) -> None:
    """Patch the stated unpacked size of `part` in both the local and central headers."""
    data = bytearray(path.read_bytes())
    name = part.encode()
    local = data.find(b"PK\x03\x04")
    while local >= 0:
        n = struct.unpack_from("<H", data, local + 26)[0]
        if data[local + 30 : local + 30 + n] == name:
            struct.pack_into("<I", data, local + 22, size)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        n = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + n] == name:
            struct.pack_into("<I", data, central + 24, size)
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))


_WORKBOOK_PARTS = {
    "[Content_Types].xml": (
        b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        b'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        b'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        b'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
        b'"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName='
        b'"/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.sharedStrings+xml"/></Types>'
    ),
    "_rels/.rels": (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        b"schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
        b'" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
        b'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships"><sheets><sheet name="PO lines" sheetId="1" '
        b'r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        b'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target='
        b'"worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.'
        b"openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
        b'" Target="sharedStrings.xml"/></Relationships>'
    ),
}


def shared_string_workbook(name: str, strings: list[str], rows: list[list[int]]) -> Path:
    """Write a workbook by hand whose cells are all shared-string indices (`rows`)."""
    cells = []
    for r, values in enumerate(rows, start=1):
        row = "".join(f'<c r="{chr(65 + c)}{r}" t="s"><v>{v}</v></c>' for c, v in enumerate(values))
        cells.append(f'<row r="{r}">{row}</row>')
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    sheet = f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}><sheetData>'
    sheet += "".join(cells) + "</sheetData></worksheet>"
    sst = f'<?xml version="1.0" encoding="UTF-8"?><sst {ns} count="{len(strings)}">'
    sst += "".join(f"<si><t>{s}</t></si>" for s in strings) + "</sst>"
    parts = dict(_WORKBOOK_PARTS)
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    parts["xl/sharedStrings.xml"] = sst.encode()
    return _zip(name, parts)


def expanding_files() -> None:
    """Small files that name one long text many times (issue 20)."""
    # One 900,000-character vendor name (parts under 1 MB are not held to the packing
    # ratio), used by 1,300 rows: 32 KB on disk, 1.1 GB of text once every cell has
    # its copy. Refused from the counts, before the sheet is parsed.
    heads = ["PO Number", "Vendor Name", "PO Date", "Amount", "Currency"]
    strings = [*heads, "2024-03-15", "10", "USD", "V" * 900_000]
    strings += [f"P{i}" for i in range(1, 1301)]
    rows = [[0, 1, 2, 3, 4]] + [[8 + i, 8, 5, 6, 7] for i in range(1, 1301)]
    shared_string_workbook("xlsx_shared_string_bomb.xlsx", strings, rows)


def excel_files() -> None:
    import xlsxwriter

    def workbook(name: str, rows: list[list], date_format: bool = False) -> None:
        wb = xlsxwriter.Workbook(str(OUT / name))
        wb.set_properties({"created": datetime(2024, 1, 1)})
        ws = wb.add_worksheet("PO lines")
        as_date = wb.add_format({"num_format": "yyyy-mm-dd"}) if date_format else None
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                # write_string: a text cell that merely looks like a formula.
                if isinstance(value, str):
                    ws.write_string(r, c, value)
                elif isinstance(value, datetime):
                    ws.write_datetime(r, c, value, as_date)
                else:
                    ws.write(r, c, value)
        wb.close()

    workbook(
        "real_workbook.xlsx",
        [
            ["PO Number", "Vendor Name", "PO Date", "Amount", "Currency"],
            ["P1", '=HYPERLINK("x")', "2024-03-15", 12.5, "USD"],
            ["P2", "Beta", "2024-03-15", "7", "USD"],
        ],
    )
    workbook(
        "workbook_typed_cells.xlsx",
        [
            ["PO Number", "Vendor Name", "PO Date", "Amount", "Currency"],
            ["P1", "Acme", datetime(2024, 3, 15), 1234.56, "USD"],
            ["P2", "Beta", datetime(2024, 3, 16, 14, 30), 0.1, "USD"],
            [1003, "Gamma", "not a date", -5, "USD"],
        ],
        date_format=True,
    )
    workbook("workbook_empty_sheet.xlsx", [])
    workbook(
        "wide_600_columns.xlsx",
        [
            ["PO Number", "Vendor Name", "PO Date", "Amount", "Currency"]
            + [f"Extra {i}" for i in range(1, 596)],
            ["P1", "Acme", "2024-03-15", 1, "USD"] + [i for i in range(1, 596)],
        ],
    )
    workbook(
        "workbook_duplicate_headers.xlsx",
        [
            ["PO Number", "Vendor Name", "PO Date", "Amount", "Currency", "Amount"],
            ["P1", "A", "2024-03-15", 1, "USD", 2],
        ],
    )


def parquet_files() -> None:
    import polars as pl

    good = pl.DataFrame(
        {
            "PO Number": ["P1", "P2"],
            "Vendor Name": ["Acme", "Beta"],
            "PO Date": [date(2024, 3, 15), date(2024, 3, 16)],
            "Amount": [Decimal("10.25"), Decimal("-0.25")],
            "Currency": ["USD", "USD"],
        }
    )
    buf = io.BytesIO()
    good.write_parquet(buf, statistics=False)
    write("typed.parquet", buf.getvalue())
    write("truncated.parquet", buf.getvalue()[: len(buf.getvalue()) // 2])
    nested = good.with_columns(pl.struct("PO Number", "Amount").alias("Amount"))
    buf = io.BytesIO()
    nested.write_parquet(buf, statistics=False)
    write("nested_column.parquet", buf.getvalue())
    listed = good.with_columns(
        pl.Series("Tags", [["a", "b"], []]), pl.Series("Lines", [[1, 2], [3]])
    )
    buf = io.BytesIO()
    listed.write_parquet(buf, statistics=False)
    write("nested_list_columns.parquet", buf.getvalue())


def ocds_files() -> None:
    def release(ocid: str, amount: int) -> dict:
        return {
            "ocid": ocid,
            "id": f"{ocid}-1",
            "date": "2024-03-15T00:00:00Z",
            "tag": ["award"],
            "awards": [
                {
                    "id": "A1",
                    "date": "2024-03-15T00:00:00Z",
                    "status": "active",
                    "value": {"amount": amount, "currency": "USD"},
                    "suppliers": [{"id": "S1", "name": "Supplier One"}],
                }
            ],
        }

    good = json.dumps(release("ocds-bad-1", 100))
    deep = "[" * 50_000 + "]" * 50_000
    later = json.dumps(release("ocds-bad-3", 300))
    write(
        "ocds_deep_nesting.json",
        '{"uri": "x", "releases": ['
        + good
        + ', {"ocid": "ocds-bad-2", "awards": '
        + deep
        + "}, "
        + later
        + "]}",
    )
    write(
        "ocds_deep_nesting.jsonl",
        good + "\n" + '{"ocid": "ocds-bad-2", "awards": ' + deep + "}\n" + later + "\n",
    )
    write("ocds_truncated.json", '{"releases": [' + good + ", " + later[: len(later) // 2])


def generated_files(out: Path) -> list[str]:
    """Write the hostile files too large to commit (each corpus file stays under 128 KB)
    into `out`; the tests write them to a temporary folder. Their expected outcomes are
    in EXPECTED.toml with `generated = true`. Returns their names."""
    global OUT
    OUT = Path(out)
    import polars as pl

    # 4,000 and 10,000 columns: refused from the heading line or the schema.
    heads = ["PO Number", "Vendor Name", "PO Date", "Amount", "Currency"]
    extra = [f"Extra {i}" for i in range(1, 3996)]
    row = "P1,Acme,2024-03-15,1,USD," + ",".join("x" for _ in extra) + "\n"
    write("wide_4000_columns.csv", ",".join(heads + extra) + "\n" + row * 10)
    wide = pl.DataFrame({f"c{i}": [str(i)] * 10 for i in range(10_000)})
    buf = io.BytesIO()
    wide.write_parquet(buf, statistics=False)
    write("wide_10000_columns.parquet", buf.getvalue())
    # One party with a 600,000-character name; 2,000 awards' suppliers name it by id:
    # 650 KB of JSON, 1.2 GB of text once each line has its copy of the name.
    party = {"id": "P1", "name": "N" * 600_000, "roles": ["supplier"]}
    awards = [
        {
            "id": f"A{i}",
            "date": "2024-03-15T00:00:00Z",
            "value": {"amount": 1, "currency": "USD"},
            "suppliers": [{"id": "P1"}],
        }
        for i in range(1, 2001)
    ]
    release = {
        "ocid": "ocds-bad-9",
        "id": "r1",
        "date": "2024-03-15T00:00:00Z",
        "tag": ["award"],
        "parties": [party],
        "awards": awards,
    }
    write("ocds_long_party_name.json", json.dumps({"uri": "x", "releases": [release]}))
    return [
        "ocds_long_party_name.json",
        "wide_10000_columns.parquet",
        "wide_4000_columns.csv",
    ]


def main(out: Path = HERE, *, slow: bool = True) -> None:
    """Write every corpus file into `out`; `slow=False` skips the one-minute bzip2 bomb."""
    global OUT
    OUT = Path(out)
    text_files()
    binary_files()
    zip_files()
    expanding_files()
    if slow:
        bzip2_bomb()
    excel_files()
    parquet_files()
    ocds_files()


if __name__ == "__main__":
    main()
