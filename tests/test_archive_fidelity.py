"""Issue 7: archive rewrites the ledger through openpyxl, so it must refuse when openpyxl would drop something.

Each feature is added, part by part as Excel lays it out, to a real ledger; the
test shows both that `openpyxl_losses` names it and that an openpyxl load+save
really loses it, then that `ledger archive` refuses in place (file byte-identical)
and that `--out` writes the trimmed ledger elsewhere.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from conftest import case, write_ledger
from ledger.cli import app
from ledger.io.guard import LOSS_CATALOG, openpyxl_losses
from ledger.io.workbook import load_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_safety_builders import build_ledger, png_bytes  # noqa: E402

D = dt.date
runner = CliRunner()
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
X = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
XDR = (
    'xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
)
ANCHOR = (
    "<xdr:from><xdr:col>20</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff>"
    "</xdr:from><xdr:to><xdr:col>23</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>4</xdr:row>"
    "<xdr:rowOff>0</xdr:rowOff></xdr:to>"
)
HAS_PILLOW = importlib.util.find_spec("PIL") is not None


def _drawing(body: str) -> str:
    return X + f"<xdr:wsDr {XDR}><xdr:twoCellAnchor>{ANCHOR}{body}<xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>"


SHAPE = (
    '<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="2" name="提示框"/><xdr:cNvSpPr/></xdr:nvSpPr>'
    '<xdr:spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr><xdr:txBody><a:bodyPr/><a:lstStyle/>'
    "<a:p><a:r><a:t>回访请先核对电话</a:t></a:r></a:p></xdr:txBody></xdr:sp>"
)
PICTURE = (
    '<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="3" name="Logo"/><xdr:cNvPicPr/></xdr:nvPicPr><xdr:blipFill>'
    f'<a:blip xmlns:r="{R}" r:embed="rId1"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill>'
    '<xdr:spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic>'
)
CHART_EX = (
    '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
    '<mc:Choice xmlns:cx1="http://schemas.microsoft.com/office/drawing/2015/9/8/chartex" Requires="cx1">'
    '<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="4" name="瀑布图"/>'
    '<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/>'
    '</xdr:xfrm><a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/drawing/2014/chartex">'
    f'<cx:chart xmlns:cx="http://schemas.microsoft.com/office/drawing/2014/chartex" xmlns:r="{R}" r:id="rId1"/>'
    "</a:graphicData></a:graphic></xdr:graphicFrame></mc:Choice><mc:Fallback/></mc:AlternateContent>"
)
EXT = (
    '<extLst xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" '
    'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><ext uri="{uri}">{body}</ext></extLst>'
)
SPARKLINES = EXT.format(
    uri="{05C60535-1F16-4fd2-B633-F4F36F0B64E0}",
    body=(
        '<x14:sparklineGroups><x14:sparklineGroup displayEmptyCellsAs="gap"><x14:colorSeries rgb="FF376092"/>'
        "<x14:sparklines><x14:sparkline><xm:f>案件台账!V2:V3</xm:f><xm:sqref>Z2</xm:sqref></x14:sparkline>"
        "</x14:sparklines></x14:sparklineGroup></x14:sparklineGroups>"
    ),
)
DATA_BARS = EXT.format(
    uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}",
    body=(
        '<x14:conditionalFormattings><x14:conditionalFormatting><x14:cfRule type="dataBar" '
        'id="{00000000-0000-0000-0000-000000000001}"><x14:dataBar minLength="0" maxLength="100" gradient="0">'
        '<x14:cfvo type="autoMin"/><x14:cfvo type="autoMax"/></x14:dataBar></x14:cfRule><xm:sqref>V2:V3</xm:sqref>'
        "</x14:conditionalFormatting></x14:conditionalFormattings>"
    ),
)

# feature -> parts, content types, relationships (workbook / sheet1 / package), XML after the sheet's last element
FEATURES: dict[str, dict] = {
    "shapes": dict(
        parts={"xl/drawings/drawing1.xml": _drawing(SHAPE)},
        ct={"xl/drawings/drawing1.xml": "application/vnd.openxmlformats-officedocument.drawing+xml"},
        sheet_rels=[("rId90", f"{R}/drawing", "../drawings/drawing1.xml")],
        tail=f'<drawing xmlns:r="{R}" r:id="rId90"/>',
        marker=("xl/drawings/drawing1.xml", b"sp"),
    ),
    "images": dict(
        parts={
            "xl/drawings/drawing1.xml": _drawing(PICTURE),
            "xl/media/image1.png": png_bytes(),
            "xl/drawings/_rels/drawing1.xml.rels": [("rId1", f"{R}/image", "../media/image1.png")],
        },
        ct={"xl/drawings/drawing1.xml": "application/vnd.openxmlformats-officedocument.drawing+xml"},
        sheet_rels=[("rId90", f"{R}/drawing", "../drawings/drawing1.xml")],
        tail=f'<drawing xmlns:r="{R}" r:id="rId90"/>',
        marker=("xl/media/", None),
    ),
    "form_controls": dict(
        parts={
            "xl/ctrlProps/ctrlProp1.xml": X + '<formControlPr xmlns="http://schemas.microsoft.com/'
            'office/spreadsheetml/2009/9/main" objectType="CheckBox" checked="Checked"/>'
        },
        ct={"xl/ctrlProps/ctrlProp1.xml": "application/vnd.ms-excel.controlproperties+xml"},
        sheet_rels=[("rId90", f"{R}/ctrlProp", "../ctrlProps/ctrlProp1.xml")],
        tail=f'<controls xmlns:r="{R}"><control shapeId="1025" r:id="rId90" name="已回访"/></controls>',
        marker=("xl/ctrlProps/", None),
    ),
    "embedded_objects": dict(
        parts={"xl/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)},
        sheet_rels=[("rId90", f"{R}/oleObject", "../embeddings/oleObject1.bin")],
        tail=f'<oleObjects xmlns:r="{R}"><oleObject progId="Word.Document.12" shapeId="1025" '
        'r:id="rId90"/></oleObjects>',
        marker=("xl/embeddings/", None),
    ),
    "slicers": dict(
        parts={
            "xl/slicerCaches/slicerCache1.xml": X + '<slicerCacheDefinition xmlns="http://schemas.'
            'microsoft.com/office/spreadsheetml/2009/9/main" name="Slicer_类别" sourceName="类别"/>',
            "xl/slicers/slicer1.xml": X + '<slicers xmlns="http://schemas.microsoft.com/office/'
            'spreadsheetml/2009/9/main"><slicer name="类别" cache="Slicer_类别" caption="类别" '
            'rowHeight="241300"/></slicers>',
        },
        ct={
            "xl/slicers/slicer1.xml": "application/vnd.ms-excel.slicer+xml",
            "xl/slicerCaches/slicerCache1.xml": "application/vnd.ms-excel.slicerCache+xml",
        },
        wb_rels=[
            (
                "rId90",
                "http://schemas.microsoft.com/office/2007/relationships/slicerCache",
                "slicerCaches/slicerCache1.xml",
            )
        ],
        sheet_rels=[
            ("rId90", "http://schemas.microsoft.com/office/2007/relationships/slicer", "../slicers/slicer1.xml")
        ],
        marker=("xl/slicers/", None),
    ),
    "timelines": dict(
        parts={
            "xl/timelineCaches/timelineCache1.xml": X + '<timelineCacheDefinition xmlns="http://'
            'schemas.microsoft.com/office/spreadsheetml/2010/11/main" name="NativeTimeline_受理日期" '
            'sourceName="受理日期"/>',
            "xl/timelines/timeline1.xml": X + '<timelines xmlns="http://schemas.microsoft.com/office/'
            'spreadsheetml/2010/11/main"><timeline name="受理日期" cache="NativeTimeline_受理日期" '
            'caption="受理日期" level="2" selectionLevel="2"/></timelines>',
        },
        ct={
            "xl/timelineCaches/timelineCache1.xml": "application/vnd.ms-excel.timelineCache+xml",
            "xl/timelines/timeline1.xml": "application/vnd.ms-excel.timeline+xml",
        },
        wb_rels=[
            (
                "rId90",
                "http://schemas.microsoft.com/office/2011/relationships/timelineCache",
                "timelineCaches/timelineCache1.xml",
            )
        ],
        sheet_rels=[
            ("rId90", "http://schemas.microsoft.com/office/2011/relationships/timeline", "../timelines/timeline1.xml")
        ],
        marker=("xl/timelines/", None),
    ),
    "threaded_comments": dict(
        parts={
            "xl/threadedComments/threadedComment1.xml": X + '<ThreadedComments xmlns="http://schemas.microsoft.com/'
            'office/spreadsheetml/2018/threadedcomments"><threadedComment ref="A2" dT="2026-10-01T09:00:00.00" '
            'personId="{00000000-0000-0000-0000-000000000001}" id="{00000000-0000-0000-0000-000000000002}">'
            "<text>请核实电话</text></threadedComment></ThreadedComments>",
            "xl/persons/person.xml": X + '<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/'
            'threadedcomments"><person displayName="主管" id="{00000000-0000-0000-0000-000000000001}" userId="s" '
            'providerId="None"/></personList>',
        },
        ct={
            "xl/threadedComments/threadedComment1.xml": "application/vnd.ms-excel.threadedcomments+xml",
            "xl/persons/person.xml": "application/vnd.ms-excel.person+xml",
        },
        wb_rels=[("rId90", "http://schemas.microsoft.com/office/2017/10/relationships/person", "persons/person.xml")],
        sheet_rels=[
            (
                "rId90",
                "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment",
                "../threadedComments/threadedComment1.xml",
            )
        ],
        marker=("xl/threadedComments/", None),
    ),
    "custom_xml": dict(
        parts={"customXml/item1.xml": X + "<台账 xmlns='urn:office'>一号服务中心</台账>"},
        wb_rels=[("rId90", f"{R}/customXml", "../customXml/item1.xml")],
        marker=("customXml/", None),
    ),
    "data_model": dict(
        parts={"xl/model/item.data": b"\x00\x01 power pivot model"},
        ct={"xl/model/item.data": "application/vnd.openxmlformats-officedocument.model+data"},
        wb_rels=[("rId90", f"{R}/powerPivotData", "model/item.data")],
        marker=("xl/model/", None),
    ),
    "connections": dict(
        parts={
            "xl/connections.xml": X + '<connections xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main"><connection id="1" name="查询 - 总部" type="5" '
            'refreshedVersion="6"><dbPr connection="Provider=Microsoft.Mashup.OleDb.1" '
            'command="SELECT * FROM [总部]"/></connection></connections>'
        },
        ct={"xl/connections.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.connections+xml"},
        wb_rels=[("rId90", f"{R}/connections", "connections.xml")],
        marker=("xl/connections.xml", None),
    ),
    "web_extensions": dict(
        parts={
            "xl/webextensions/taskpanes.xml": X + '<wetp:taskpanes xmlns:wetp="http://schemas.microsoft.com/office/'
            'webextensions/taskpanes/2010/11"><wetp:taskpane dockstate="right" visibility="1" width="350" row="3">'
            f'<wetp:webextensionref xmlns:r="{R}" r:id="rId1"/></wetp:taskpane></wetp:taskpanes>',
            "xl/webextensions/_rels/taskpanes.xml.rels": [
                ("rId1", "http://schemas.microsoft.com/office/2011/relationships/webextension", "webextension1.xml")
            ],
            "xl/webextensions/webextension1.xml": X + '<we:webextension xmlns:we="http://schemas.microsoft.com/'
            'office/webextensions/webextension/2010/11" id="{1}"><we:reference id="ledger-addin" version="1.0.0.0" '
            'store="developer" storeType="uploadfiledevcatalog"/></we:webextension>',
        },
        ct={
            "xl/webextensions/taskpanes.xml": "application/vnd.ms-office.webextensiontaskpanes+xml",
            "xl/webextensions/webextension1.xml": "application/vnd.ms-office.webextension+xml",
        },
        root_rels=[
            (
                "rId90",
                "http://schemas.microsoft.com/office/2011/relationships/webextensiontaskpanes",
                "xl/webextensions/taskpanes.xml",
            )
        ],
        marker=("xl/webextensions/", None),
    ),
    "modern_charts": dict(
        parts={
            "xl/drawings/drawing1.xml": _drawing(CHART_EX),
            "xl/drawings/_rels/drawing1.xml.rels": [
                ("rId1", "http://schemas.microsoft.com/office/2014/relationships/chartEx", "../charts/chartEx1.xml")
            ],
            "xl/charts/chartEx1.xml": X + '<cx:chartSpace xmlns:cx="http://schemas.microsoft.com/'
            'office/drawing/2014/chartex"><cx:chart><cx:plotArea><cx:plotAreaRegion><cx:series '
            'layoutId="waterfall"/></cx:plotAreaRegion></cx:plotArea></cx:chart></cx:chartSpace>',
        },
        ct={
            "xl/drawings/drawing1.xml": "application/vnd.openxmlformats-officedocument.drawing+xml",
            "xl/charts/chartEx1.xml": "application/vnd.ms-office.chartex+xml",
        },
        sheet_rels=[("rId90", f"{R}/drawing", "../drawings/drawing1.xml")],
        tail=f'<drawing xmlns:r="{R}" r:id="rId90"/>',
        marker=("xl/charts/chartEx", None),
    ),
    "dynamic_arrays": dict(
        parts={
            "xl/metadata.xml": X + '<metadata xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main"><metadataTypes count="1"><metadataType name="XLDAPR" '
            'minSupportedVersion="120000"/></metadataTypes></metadata>'
        },
        ct={"xl/metadata.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheetMetadata+xml"},
        wb_rels=[("rId90", f"{R}/sheetMetadata", "metadata.xml")],
        marker=("xl/metadata.xml", None),
    ),
    "custom_ribbon": dict(
        parts={
            "customUI/customUI14.xml": X + '<customUI xmlns="http://schemas.microsoft.com/office/'
            '2009/07/customui"><ribbon><tabs><tab id="t" label="台账"/></tabs></ribbon></customUI>'
        },
        root_rels=[
            (
                "rId90",
                "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility",
                "customUI/customUI14.xml",
            )
        ],
        marker=("customUI/", None),
    ),
    "sparklines": dict(tail=SPARKLINES, marker=("xl/worksheets/sheet1.xml", b"sparkline")),
    "extended_formatting": dict(tail=DATA_BARS, marker=("xl/worksheets/sheet1.xml", b"dataBar")),
}


def old_and_new(path: Path) -> Path:
    return write_ledger(
        path,
        [
            case("OLD1", completed=D(2024, 1, 5), received=D(2024, 1, 2)),
            case("NEW1", completed=D(2026, 10, 5)),
            case("OLD2", completed=D(2024, 3, 1), received=D(2024, 2, 2)),
        ],
    )


def _rels(items) -> bytes:
    body = "".join(f'<Relationship Id="{i}" Type="{t}" Target="{g}"/>' for i, t, g in items)
    return (
        X + f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{body}'
        "</Relationships>"
    ).encode()


def add_feature(path: Path, feature: str) -> Path:
    """Add one feature's parts, content types, relationships and sheet XML to an openpyxl-written ledger."""
    spec = FEATURES[feature]
    with zipfile.ZipFile(path) as zf:
        data = {n: zf.read(n) for n in zf.namelist()}
    for name, value in spec.get("parts", {}).items():
        data[name] = _rels(value) if isinstance(value, list) else value.encode() if isinstance(value, str) else value
    overrides = "".join(f'<Override PartName="/{n}" ContentType="{t}"/>' for n, t in spec.get("ct", {}).items())
    data["[Content_Types].xml"] = data["[Content_Types].xml"].replace(b"</Types>", overrides.encode() + b"</Types>")
    for rels_name, key in (
        ("xl/_rels/workbook.xml.rels", "wb_rels"),
        ("xl/worksheets/_rels/sheet1.xml.rels", "sheet_rels"),
        ("_rels/.rels", "root_rels"),
    ):
        if spec.get(key):
            new = _rels(spec[key])
            old = data.get(rels_name)
            data[rels_name] = (
                new if old is None else old.replace(b"</Relationships>", new[new.index(b"<Relationship ") :])
            )
    if spec.get("tail"):
        data["xl/worksheets/sheet1.xml"] = data["xl/worksheets/sheet1.xml"].replace(
            b"</worksheet>", spec["tail"].encode() + b"</worksheet>"
        )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, value in data.items():
            zf.writestr(name, value)
    return path


def survives_openpyxl(path: Path, marker: tuple[str, bytes | None]) -> bool:
    """Whether the feature's part (and marker text in it) is still there after openpyxl load + save."""
    buf = io.BytesIO()
    load_workbook(path, rich_text=True).save(buf)
    prefix, needle = marker
    with zipfile.ZipFile(buf) as zf:
        hits = [n for n in zf.namelist() if n.startswith(prefix)]
        return any(needle is None or needle in zf.read(n) for n in hits)


EXPECTED_LOST = [f for f in FEATURES if f != "images" or not HAS_PILLOW]


def test_every_catalogued_feature_has_a_builder():
    assert set(FEATURES) <= set(LOSS_CATALOG)
    assert set(LOSS_CATALOG) - set(FEATURES) == {"activex", "cell_images", "sheet_extensions"}


@pytest.mark.parametrize("feature", EXPECTED_LOST)
def test_feature_openpyxl_would_drop_is_detected(tmp_path, feature):
    path = add_feature(old_and_new(tmp_path / "台账.xlsx"), feature)
    assert load_file(path).cases  # still a readable ledger
    assert openpyxl_losses(path) == [feature]
    assert not survives_openpyxl(path, FEATURES[feature]["marker"])


def test_pictures_are_a_loss_exactly_when_pillow_is_missing(tmp_path):
    path = add_feature(old_and_new(tmp_path / "台账.xlsx"), "images")
    assert ("images" in openpyxl_losses(path)) is not HAS_PILLOW
    assert survives_openpyxl(path, FEATURES["images"]["marker"]) is HAS_PILLOW


def test_what_openpyxl_keeps_is_not_reported(tmp_path):
    """Pivot tables, charts, external links, comments, tables, validation: kept, so not a reason to refuse."""
    path = build_ledger(tmp_path / "excel.xlsx", 10)
    found = openpyxl_losses(path)
    assert set(found) == {"shapes", "form_controls", "slicers"} | ({"images"} if not HAS_PILLOW else set())
    for kept in ("xl/pivotTables/", "xl/pivotCache/", "xl/charts/chart", "xl/externalLinks/", "xl/tables/"):
        assert survives_openpyxl(path, (kept, None)), kept


def test_ledger_written_by_the_tool_archives_in_place(tmp_path):
    """Our own writes (tool columns, fills, Log, a statistics sheet with charts) never block a later archive."""
    path = old_and_new(tmp_path / "台账.xlsx")
    for args in (["validate", "--write"], ["callbacks", "--write"], ["stats", "--month", "2026-10", "--write"]):
        result = runner.invoke(app, [args[0], str(path), *args[1:], "--as-of", "2026-11-25"])
        assert result.exit_code in (0, 1), result.output
    assert openpyxl_losses(path) == []
    result = runner.invoke(app, ["archive", str(path), "--before", "2024-11-01"])
    assert result.exit_code == 0, result.output
    assert [c.case_id for c in load_file(path).cases] == ["NEW1"]


@pytest.mark.parametrize("feature", ["shapes", "form_controls", "slicers", "threaded_comments"])
def test_archive_refuses_in_place_and_leaves_the_file_byte_identical(tmp_path, feature):
    path = add_feature(old_and_new(tmp_path / "台账.xlsx"), feature)
    before = path.read_bytes()
    result = runner.invoke(app, ["archive", str(path), "--before", "2024-11-01"])
    assert result.exit_code == 2
    label = LOSS_CATALOG[feature]["zh-Hans"]
    assert label in result.stderr and "--out" in result.stderr and "台账未被修改" in result.stderr
    assert path.read_bytes() == before
    # no archive, no backup, no temp file (only io.writer_lock's empty lock file, kept by design)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".台账.xlsx.writer-lock", "台账.xlsx"]


def test_refusal_speaks_the_ledgers_language(tmp_path):
    path = write_ledger(
        tmp_path / "ledger.xlsx",
        [case("OLD1", completed=D(2024, 1, 5), received=D(2024, 1, 2))],
        lang="en",
        settings=[["语言", "en"]],
    )
    add_feature(path, "slicers")
    result = runner.invoke(app, ["archive", str(path), "--before", "2024-11-01"])
    assert result.exit_code == 2
    assert "slicers" in result.stderr and "--out NEW.xlsx" in result.stderr, result.stderr


def test_archive_out_writes_trimmed_copy_and_keeps_original(tmp_path):
    path = add_feature(old_and_new(tmp_path / "台账.xlsx"), "shapes")
    before = path.read_bytes()
    out = tmp_path / "台账_新.xlsx"
    result = runner.invoke(app, ["archive", str(path), "--before", "2024-11-01", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == before
    assert [c.case_id for c in load_file(path).cases] == ["OLD1", "NEW1", "OLD2"]
    assert [c.case_id for c in load_file(out).cases] == ["NEW1"]
    archived = list(load_workbook(tmp_path / "台账_归档.xlsx").active.values)
    assert [r[0] for r in archived[1:]] == ["OLD1", "OLD2"]
    log = list(load_workbook(out)["日志"].values)
    assert log[-1][1] == "归档" and log[-1][5] == "archive" and "OLD1" in log[-1][7]
    assert not (tmp_path / ".ledger_backups").exists()
    assert str(out) in result.stdout


def test_archive_out_never_overwrites_an_existing_file(tmp_path):
    path = add_feature(old_and_new(tmp_path / "台账.xlsx"), "shapes")
    out = tmp_path / "别的.xlsx"
    out.write_bytes(b"someone else's workbook")
    before = path.read_bytes()
    result = runner.invoke(app, ["archive", str(path), "--before", "2024-11-01", "--out", str(out)])
    assert result.exit_code == 2 and "别的.xlsx" in result.stderr
    assert out.read_bytes() == b"someone else's workbook" and path.read_bytes() == before
    assert not (tmp_path / "台账_归档.xlsx").exists()


def test_plain_ledger_has_nothing_to_lose(tmp_path):
    assert openpyxl_losses(old_and_new(tmp_path / "台账.xlsx")) == []


def test_archive_out_keeps_the_ledgers_kind(tmp_path):
    """An .xlsx ledger trimmed into an .xlsm name (or back) would not open in Excel; refused before any write."""
    path = add_feature(old_and_new(tmp_path / "台账.xlsx"), "shapes")
    result = runner.invoke(app, ["archive", str(path), "--before", "2024-11-01", "--out", str(tmp_path / "新.xlsm")])
    assert result.exit_code == 2 and ".xlsx" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [".台账.xlsx.writer-lock", "台账.xlsx"]
