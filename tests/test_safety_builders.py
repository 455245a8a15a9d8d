"""Builders for the safety tests: an Excel-like ledger written part by part.

openpyxl cannot create shapes, form controls, pivot tables, slicers, external
links or VBA projects, so the ledger used to test package surgery is written
XML part by XML part, the way Excel lays it out (shared strings, mc:Ignorable
prefixes, calcChain, a table on the case sheet). No tests live here.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

CASE_HEADERS = ["案件编号", "受理日期", "类别", "内容", "字数"]
CATEGORIES = ["投诉", "报修", "求助"]

NS = (
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" '
    'xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" mc:Ignorable="x14ac xr"'
)
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument"


def png_bytes() -> bytes:
    """A real 2x2 red PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def rels(items: list[tuple[str, str, str] | tuple[str, str, str, str]]) -> str:
    body = "".join(
        f'<Relationship Id="{i[0]}" Type="{i[1]}" Target="{escape(i[2])}"'
        + (f' TargetMode="{i[3]}"' if len(i) > 3 else "")
        + "/>"
        for i in items
    )
    return (
        DECL
        + f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{body}</Relationships>'
    )


def case_rows(n: int) -> list[list]:
    """Clerk data: id, date serial, category, free text (with XML specials), formula."""
    return [
        [f"TS2026-{i:05d}", 46023 + i % 300, CATEGORIES[i % 3], f'3栋{i % 9}单元 <漏水> & "急" {i}']
        for i in range(1, n + 1)
    ]


def build_ledger(path: Path, n_rows: int = 40, *, xlsm: bool = False) -> Path:
    """Write an Excel-like ledger with every feature openpyxl would lose on load+save."""
    strings: list[str] = []
    index: dict[str, int] = {}

    def sst(s: str) -> int:
        if s not in index:
            index[s] = len(strings)
            strings.append(s)
        return index[s]

    last = n_rows + 2
    rows = [
        f'<row r="1" spans="1:5" ht="24" customHeight="1" x14ac:dyDescent="0.25">'
        f'<c r="A1" s="3" t="s"><v>{sst("某某物业服务中心 案件台账")}</v></c></row>'
    ]
    hdr = "".join(f'<c r="{chr(65 + j)}2" s="2" t="s"><v>{sst(h)}</v></c>' for j, h in enumerate(CASE_HEADERS))
    rows.append(f'<row r="2" spans="1:5" x14ac:dyDescent="0.25">{hdr}</row>')
    for i, (cid, serial, cat, text) in enumerate(case_rows(n_rows), start=3):
        rows.append(
            f'<row r="{i}" spans="1:5" x14ac:dyDescent="0.25">'
            f'<c r="A{i}" t="s"><v>{sst(cid)}</v></c><c r="B{i}" s="1"><v>{serial}</v></c>'
            f'<c r="C{i}" t="s"><v>{sst(cat)}</v></c><c r="D{i}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'
            f'<c r="E{i}"><f>LEN(D{i})</f><v>{len(text)}</v></c></row>'
        )
    sheet1 = (
        DECL + f'<worksheet {NS}><sheetPr><tabColor rgb="FF00B050"/></sheetPr>'
        f'<dimension ref="A1:E{last}"/><sheetViews><sheetView tabSelected="1" workbookViewId="0">'
        '<pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/>'
        '<cols><col min="1" max="1" width="16.7109375" customWidth="1"/>'
        '<col min="4" max="4" width="40.7109375" customWidth="1"/></cols>'
        f"<sheetData>{''.join(rows)}</sheetData>"
        '<mergeCells count="1"><mergeCell ref="A1:E1"/></mergeCells>'
        f'<conditionalFormatting sqref="C3:C{last}"><cfRule type="containsText" dxfId="0" priority="1" '
        'operator="containsText" text="投诉"><formula>NOT(ISERROR(SEARCH("投诉",C3)))</formula></cfRule>'
        "</conditionalFormatting>"
        f'<dataValidations count="1"><dataValidation type="list" allowBlank="1" showErrorMessage="1" '
        f'sqref="C3:C{last}"><formula1>"投诉,报修,求助"</formula1></dataValidation></dataValidations>'
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        '<tableParts count="1"><tablePart r:id="rId1"/></tableParts></worksheet>'
    )
    table1 = (
        DECL + '<table xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" id="1" '
        f'name="Cases" displayName="Cases" ref="A2:E{last}" totalsRowShown="0">'
        f'<autoFilter ref="A2:E{last}"/><tableColumns count="5">'
        + "".join(f'<tableColumn id="{j + 1}" name="{h}"/>' for j, h in enumerate(CASE_HEADERS))
        + '</tableColumns><tableStyleInfo name="TableStyleMedium2" showFirstColumn="0" '
        'showLastColumn="0" showRowStripes="1" showColumnStripes="0"/></table>'
    )

    # 回访清单: a stale tool sheet with a chart, to be replaced
    sheet2 = (
        DECL + f'<worksheet {NS}><dimension ref="A1:B3"/><sheetViews><sheetView workbookViewId="0"/>'
        '</sheetViews><sheetFormatPr defaultRowHeight="15"/><sheetData>'
        f'<row r="1"><c r="A1" t="s"><v>{sst("旧清单")}</v></c><c r="B1"><v>1</v></c></row>'
        '<row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>2</v></c></row></sheetData>'
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        '<drawing r:id="rId1"/></worksheet>'
    )
    # 设置: clerk settings with a shape, an image, a form control and a comment
    sheet3 = (
        DECL + f'<worksheet {NS}><dimension ref="A1:B2"/><sheetViews><sheetView workbookViewId="0"/>'
        '</sheetViews><sheetFormatPr defaultRowHeight="15"/><sheetData>'
        f'<row r="1"><c r="A1" t="s"><v>{sst("办公室")}</v></c><c r="B1" t="s"><v>{sst("一号服务中心")}</v></c></row>'
        f'<row r="2"><c r="A2" t="s"><v>{sst("总部邮箱")}</v></c><c r="B2" t="s"><v>{sst("qa@example.com")}</v></c></row>'
        '</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        '<drawing r:id="rId1"/><legacyDrawing r:id="rId2"/>'
        '<controls><control shapeId="1025" r:id="rId4" name="Button 1"/></controls></worksheet>'
    )
    # 透视: a pivot table and a slicer
    sheet4 = (
        DECL + f'<worksheet {NS}><dimension ref="A3:B6"/><sheetViews><sheetView workbookViewId="0"/>'
        '</sheetViews><sheetFormatPr defaultRowHeight="15"/><sheetData>'
        f'<row r="3"><c r="A3" t="s"><v>{sst("类别")}</v></c><c r="B3" t="s"><v>{sst("计数")}</v></c></row>'
        '</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        "</worksheet>"
    )
    pivot_cache = (
        DECL + '<pivotCacheDefinition xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'xmlns:r="{R}" r:id="rId1" refreshOnLoad="1" refreshedBy="clerk" refreshedDate="46000" '
        'createdVersion="6" refreshedVersion="6" minRefreshableVersion="3" recordCount="0">'
        f'<cacheSource type="worksheet"><worksheetSource ref="A2:C{last}" sheet="案件台账"/></cacheSource>'
        '<cacheFields count="1"><cacheField name="类别" numFmtId="0"><sharedItems count="3">'
        '<s v="投诉"/><s v="报修"/><s v="求助"/></sharedItems></cacheField></cacheFields>'
        "</pivotCacheDefinition>"
    )
    pivot_records = (
        DECL + '<pivotCacheRecords xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'xmlns:r="{R}" count="0"/>'
    )
    pivot_table = (
        DECL + '<pivotTableDefinition xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'name="数据透视表1" cacheId="1" applyNumberFormats="0" applyBorderFormats="0" '
        'applyFontFormats="0" applyPatternFormats="0" applyAlignmentFormats="0" '
        'applyWidthHeightFormats="1" dataCaption="值" updatedVersion="6" minRefreshableVersion="3" '
        'useAutoFormatting="1" itemPrintTitles="1" createdVersion="6" indent="0" outline="1" '
        'outlineData="1" multipleFieldFilters="0"><location ref="A3:A6" firstHeaderRow="1" '
        'firstDataRow="1" firstDataCol="0"/><pivotFields count="1"><pivotField axis="axisRow" '
        'showAll="0"><items count="4"><item x="0"/><item x="1"/><item x="2"/><item t="default"/>'
        '</items></pivotField></pivotFields><rowFields count="1"><field x="0"/></rowFields>'
        '<rowItems count="1"><i><x/></i></rowItems><colItems count="1"><i/></colItems>'
        '<pivotTableStyleInfo name="PivotStyleLight16" showRowHeaders="1" showColHeaders="1" '
        'showRowStripes="0" showColStripes="0" showLastColumn="1"/></pivotTableDefinition>'
    )
    slicer = (
        DECL + '<slicers xmlns="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x xr10" '
        'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:xr10="http://schemas.microsoft.com/office/spreadsheetml/2016/revision10">'
        '<slicer name="类别" cache="Slicer_类别" caption="类别" rowHeight="241300"/></slicers>'
    )
    slicer_cache = (
        DECL + '<slicerCacheDefinition xmlns="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" '
        'name="Slicer_类别" sourceName="类别"><pivotTables><pivotTable tabId="4" name="数据透视表1"/>'
        '</pivotTables><data><tabular pivotCacheId="1"><items count="3"><i x="0" s="1"/>'
        '<i x="1" s="1"/><i x="2" s="1"/></items></tabular></data></slicerCacheDefinition>'
    )
    drawing1 = (
        DECL + '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        "<xdr:twoCellAnchor><xdr:from><xdr:col>3</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row>"
        "<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>6</xdr:col><xdr:colOff>0</xdr:colOff>"
        '<xdr:row>4</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:sp macro="" textlink="">'
        '<xdr:nvSpPr><xdr:cNvPr id="2" name="提示框"/><xdr:cNvSpPr/></xdr:nvSpPr><xdr:spPr>'
        '<a:xfrm><a:off x="1905000" y="190500"/><a:ext cx="1828800" cy="571500"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr><xdr:txBody><a:bodyPr/><a:lstStyle/>'
        "<a:p><a:r><a:t>请勿修改</a:t></a:r></a:p></xdr:txBody></xdr:sp><xdr:clientData/></xdr:twoCellAnchor>"
        "<xdr:oneCellAnchor><xdr:from><xdr:col>0</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>5</xdr:row>"
        '<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx="190500" cy="190500"/><xdr:pic><xdr:nvPicPr>'
        '<xdr:cNvPr id="3" name="Logo"/><xdr:cNvPicPr/></xdr:nvPicPr><xdr:blipFill>'
        f'<a:blip xmlns:r="{R}" r:embed="rId1"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill>'
        '<xdr:spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic><xdr:clientData/>'
        "</xdr:oneCellAnchor></xdr:wsDr>"
    )
    drawing2 = (
        DECL + '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><xdr:twoCellAnchor>'
        "<xdr:from><xdr:col>3</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff>"
        "</xdr:from><xdr:to><xdr:col>9</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>15</xdr:row>"
        '<xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:graphicFrame macro=""><xdr:nvGraphicFramePr>'
        '<xdr:cNvPr id="2" name="Chart 1"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm>'
        '<a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic><a:graphicData '
        'uri="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:chart '
        'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
        f'xmlns:r="{R}" r:id="rId1"/></a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/>'
        "</xdr:twoCellAnchor></xdr:wsDr>"
    )
    chart1 = (
        DECL + '<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><c:chart><c:plotArea><c:layout/>'
        '<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:ser><c:idx val="0"/>'
        "<c:order val=\"0\"/><c:val><c:numRef><c:f>'回访清单'!$B$1:$B$2</c:f></c:numRef></c:val></c:ser>"
        '<c:axId val="10"/><c:axId val="100"/></c:barChart><c:catAx><c:axId val="10"/><c:scaling>'
        '<c:orientation val="minMax"/></c:scaling><c:axPos val="b"/><c:crossAx val="100"/></c:catAx>'
        '<c:valAx><c:axId val="100"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:axPos val="l"/>'
        '<c:crossAx val="10"/></c:valAx></c:plotArea></c:chart></c:chartSpace>'
    )
    vml = (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit">'
        '<o:idmap v:ext="edit" data="1"/></o:shapelayout><v:shapetype id="_x0000_t202" coordsize="21600,21600" '
        'o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
        '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
        '<v:shape id="_x0000_s1025" type="#_x0000_t202" style="position:absolute;margin-left:80pt;'
        'margin-top:2pt;width:100pt;height:60pt;z-index:1;visibility:hidden" fillcolor="#ffffe1">'
        '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:AutoFill>False</x:AutoFill>'
        "<x:Row>0</x:Row><x:Column>1</x:Column></x:ClientData></v:shape>"
        '<v:shape id="_x0000_s1026" type="#_x0000_t201" style="position:absolute;margin-left:200pt;'
        'margin-top:2pt;width:60pt;height:20pt;z-index:2"><x:ClientData ObjectType="Button">'
        "<x:FmlaMacro>[0]!Refresh</x:FmlaMacro><x:TextHAlign>Center</x:TextHAlign></x:ClientData>"
        "</v:shape></xml>"
    )
    comments = (
        DECL + '<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<authors><author>主管</author></authors><commentList><comment ref="B1" authorId="0"><text>'
        "<r><t>办公室全称</t></r></text></comment></commentList></comments>"
    )
    ctrl = (
        DECL + '<formControlPr xmlns="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" '
        'objectType="Button" lockText="1"/>'
    )
    ext_link = (
        DECL + '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'xmlns:r="{R}"><externalBook r:id="rId1"><sheetNames><sheetName val="汇总"/></sheetNames>'
        "</externalBook></externalLink>"
    )
    styles = (
        DECL + '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac x16r2" '
        'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" '
        'xmlns:x16r2="http://schemas.microsoft.com/office/spreadsheetml/2015/02/main">'
        '<numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts>'
        '<fonts count="3" x14ac:knownFonts="1"><font><sz val="11"/><color theme="1"/><name val="等线"/>'
        '<family val="2"/><charset val="134"/><scheme val="minor"/></font><font><b/><sz val="11"/>'
        '<color theme="1"/><name val="等线"/><family val="2"/><charset val="134"/><scheme val="minor"/></font>'
        '<font><b/><sz val="16"/><color theme="1"/><name val="等线"/><family val="2"/><charset val="134"/>'
        '<scheme val="minor"/></font></fonts>'
        '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
        '</fill><fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/>'
        "</patternFill></fill></fills>"
        '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border><left style="thin">'
        '<color indexed="64"/></left><right style="thin"><color indexed="64"/></right><top style="thin">'
        '<color indexed="64"/></top><bottom style="thin"><color indexed="64"/></bottom><diagonal/></border>'
        '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0">'
        '<alignment vertical="center"/></xf></cellStyleXfs>'
        '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"><alignment vertical="center"/></xf>'
        '<xf numFmtId="176" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1">'
        '<alignment vertical="center"/></xf><xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" '
        'applyFont="1" applyFill="1" applyBorder="1"><alignment horizontal="center" vertical="center"/></xf>'
        '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"><alignment horizontal="center" '
        'vertical="center"/></xf></cellXfs><cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/>'
        '</cellStyles><dxfs count="1"><dxf><font><color rgb="FF9C0006"/></font><fill><patternFill>'
        '<bgColor rgb="FFFFC7CE"/></patternFill></fill></dxf></dxfs><tableStyles count="0" '
        'defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/></styleSheet>'
    )
    shared = (
        DECL + f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}" '
        f'uniqueCount="{len(strings)}">' + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>"
    )
    workbook = (
        DECL + f"<workbook {NS.replace('x14ac xr', 'x15 xr xr6 xr10 xr2')} "
        'xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main" '
        'xmlns:xr6="http://schemas.microsoft.com/office/spreadsheetml/2016/revision6" '
        'xmlns:xr10="http://schemas.microsoft.com/office/spreadsheetml/2016/revision10" '
        'xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml/2015/revision2">'
        '<fileVersion appName="xl" lastEdited="7" lowestEdited="7" rupBuild="27425"/>'
        + (
            '<workbookPr codeName="ThisWorkbook" defaultThemeVersion="166925"/>'
            if xlsm
            else '<workbookPr defaultThemeVersion="166925"/>'
        )
        + '<bookViews><workbookView xWindow="-120" yWindow="-120" windowWidth="29040" windowHeight="15840" '
        'activeTab="0"/></bookViews><sheets>'
        '<sheet name="案件台账" sheetId="1" r:id="rId1"/><sheet name="回访清单" sheetId="2" r:id="rId2"/>'
        '<sheet name="设置" sheetId="3" r:id="rId3"/><sheet name="透视" sheetId="4" r:id="rId4"/></sheets>'
        '<externalReferences><externalReference r:id="rId9"/></externalReferences>'
        '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
        f'案件台账!$A$2:$E${last}</definedName><definedName name="_xlnm.Print_Titles" localSheetId="0">'
        '案件台账!$1:$2</definedName><definedName name="_xlnm.Print_Area" localSheetId="1">'
        '回访清单!$A$1:$B$2</definedName><definedName name="办公室">设置!$B$1</definedName>'
        '<definedName name="Slicer_类别">#N/A</definedName></definedNames><calcPr calcId="191029"/>'
        '<pivotCaches><pivotCache cacheId="1" r:id="rId8"/></pivotCaches>'
        '<extLst><ext uri="{BBE1A952-AA13-448e-AADC-164F8A28A991}" '
        'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:slicerCaches>'
        '<x14:slicerCache r:id="rId10"/></x14:slicerCaches></ext></extLst></workbook>'
    )
    wb_rels = [
        ("rId1", f"{R}/worksheet", "worksheets/sheet1.xml"),
        ("rId2", f"{R}/worksheet", "worksheets/sheet2.xml"),
        ("rId3", f"{R}/worksheet", "worksheets/sheet3.xml"),
        ("rId4", f"{R}/worksheet", "worksheets/sheet4.xml"),
        ("rId5", f"{R}/styles", "styles.xml"),
        ("rId6", f"{R}/sharedStrings", "sharedStrings.xml"),
        ("rId7", f"{R}/calcChain", "calcChain.xml"),
        ("rId8", f"{R}/pivotCacheDefinition", "pivotCache/pivotCacheDefinition1.xml"),
        ("rId9", f"{R}/externalLink", "externalLinks/externalLink1.xml"),
        (
            "rId10",
            "http://schemas.microsoft.com/office/2007/relationships/slicerCache",
            "slicerCaches/slicerCache1.xml",
        ),
    ]
    if xlsm:
        wb_rels.append(("rId11", "http://schemas.microsoft.com/office/2006/relationships/vbaProject", "vbaProject.bin"))
    main_ct = "application/vnd.ms-excel.sheet.macroEnabled.main+xml" if xlsm else f"{CT}.spreadsheetml.sheet.main+xml"
    overrides = {
        "/xl/workbook.xml": main_ct,
        "/xl/worksheets/sheet1.xml": f"{CT}.spreadsheetml.worksheet+xml",
        "/xl/worksheets/sheet2.xml": f"{CT}.spreadsheetml.worksheet+xml",
        "/xl/worksheets/sheet3.xml": f"{CT}.spreadsheetml.worksheet+xml",
        "/xl/worksheets/sheet4.xml": f"{CT}.spreadsheetml.worksheet+xml",
        "/xl/styles.xml": f"{CT}.spreadsheetml.styles+xml",
        "/xl/sharedStrings.xml": f"{CT}.spreadsheetml.sharedStrings+xml",
        "/xl/calcChain.xml": f"{CT}.spreadsheetml.calcChain+xml",
        "/xl/tables/table1.xml": f"{CT}.spreadsheetml.table+xml",
        "/xl/drawings/drawing1.xml": f"{CT}.drawing+xml",
        "/xl/drawings/drawing2.xml": f"{CT}.drawing+xml",
        "/xl/charts/chart1.xml": f"{CT}.drawingml.chart+xml",
        "/xl/comments1.xml": f"{CT}.spreadsheetml.comments+xml",
        "/xl/ctrlProps/ctrlProp1.xml": "application/vnd.ms-excel.controlproperties+xml",
        "/xl/pivotTables/pivotTable1.xml": f"{CT}.spreadsheetml.pivotTable+xml",
        "/xl/pivotCache/pivotCacheDefinition1.xml": f"{CT}.spreadsheetml.pivotCacheDefinition+xml",
        "/xl/pivotCache/pivotCacheRecords1.xml": f"{CT}.spreadsheetml.pivotCacheRecords+xml",
        "/xl/slicers/slicer1.xml": "application/vnd.ms-excel.slicer+xml",
        "/xl/slicerCaches/slicerCache1.xml": "application/vnd.ms-excel.slicerCache+xml",
        "/xl/externalLinks/externalLink1.xml": f"{CT}.spreadsheetml.externalLink+xml",
        "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
        "/docProps/app.xml": f"{CT}.extended-properties+xml",
    }
    defaults = {
        "rels": "application/vnd.openxmlformats-package.relationships+xml",
        "xml": "application/xml",
        "png": "image/png",
        "vml": f"{CT}.vmlDrawing",
    }
    if xlsm:
        defaults["bin"] = "application/vnd.ms-office.vbaProject"
    content_types = (
        DECL
        + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        + "".join(f'<Default Extension="{k}" ContentType="{v}"/>' for k, v in defaults.items())
        + "".join(f'<Override PartName="{k}" ContentType="{v}"/>' for k, v in overrides.items())
        + "</Types>"
    )
    calc_chain = (
        DECL
        + '<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + "".join(f'<c r="E{i}" i="1"/>' for i in range(3, last + 1))
        + "</calcChain>"
    )
    parts: dict[str, str | bytes] = {
        "[Content_Types].xml": content_types,
        "_rels/.rels": rels(
            [
                ("rId1", f"{R}/officeDocument", "xl/workbook.xml"),
                (
                    "rId2",
                    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
                    "docProps/core.xml",
                ),
                ("rId3", f"{R}/extended-properties", "docProps/app.xml"),
            ]
        ),
        "docProps/app.xml": DECL
        + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Microsoft Excel</Application></Properties>',
        "docProps/core.xml": DECL
        + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>文员</dc:creator></cp:coreProperties>',
        "xl/workbook.xml": workbook,
        "xl/_rels/workbook.xml.rels": rels(wb_rels),
        "xl/styles.xml": styles,
        "xl/sharedStrings.xml": shared,
        "xl/calcChain.xml": calc_chain,
        "xl/worksheets/sheet1.xml": sheet1,
        "xl/worksheets/_rels/sheet1.xml.rels": rels([("rId1", f"{R}/table", "../tables/table1.xml")]),
        "xl/tables/table1.xml": table1,
        "xl/worksheets/sheet2.xml": sheet2,
        "xl/worksheets/_rels/sheet2.xml.rels": rels([("rId1", f"{R}/drawing", "../drawings/drawing2.xml")]),
        "xl/drawings/drawing2.xml": drawing2,
        "xl/drawings/_rels/drawing2.xml.rels": rels([("rId1", f"{R}/chart", "../charts/chart1.xml")]),
        "xl/charts/chart1.xml": chart1,
        "xl/worksheets/sheet3.xml": sheet3,
        "xl/worksheets/_rels/sheet3.xml.rels": rels(
            [
                ("rId1", f"{R}/drawing", "../drawings/drawing1.xml"),
                ("rId2", f"{R}/vmlDrawing", "../drawings/vmlDrawing1.vml"),
                ("rId3", f"{R}/comments", "../comments1.xml"),
                ("rId4", f"{R}/ctrlProp", "../ctrlProps/ctrlProp1.xml"),
                ("rId5", f"{R}/hyperlink", "https://example.com/规范", "External"),
            ]
        ),
        "xl/drawings/drawing1.xml": drawing1,
        "xl/drawings/_rels/drawing1.xml.rels": rels([("rId1", f"{R}/image", "../media/image1.png")]),
        "xl/media/image1.png": png_bytes(),
        "xl/drawings/vmlDrawing1.vml": vml,
        "xl/comments1.xml": comments,
        "xl/ctrlProps/ctrlProp1.xml": ctrl,
        "xl/worksheets/sheet4.xml": sheet4,
        "xl/worksheets/_rels/sheet4.xml.rels": rels(
            [
                ("rId1", f"{R}/pivotTable", "../pivotTables/pivotTable1.xml"),
                ("rId2", "http://schemas.microsoft.com/office/2007/relationships/slicer", "../slicers/slicer1.xml"),
            ]
        ),
        "xl/pivotTables/pivotTable1.xml": pivot_table,
        "xl/pivotTables/_rels/pivotTable1.xml.rels": rels(
            [("rId1", f"{R}/pivotCacheDefinition", "../pivotCache/pivotCacheDefinition1.xml")]
        ),
        "xl/pivotCache/pivotCacheDefinition1.xml": pivot_cache,
        "xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels": rels(
            [("rId1", f"{R}/pivotCacheRecords", "pivotCacheRecords1.xml")]
        ),
        "xl/pivotCache/pivotCacheRecords1.xml": pivot_records,
        "xl/slicers/slicer1.xml": slicer,
        "xl/slicerCaches/slicerCache1.xml": slicer_cache,
        "xl/externalLinks/externalLink1.xml": ext_link,
        "xl/externalLinks/_rels/externalLink1.xml.rels": rels(
            [("rId1", f"{R}/externalLinkPath", "file:///C:/总部/汇总.xlsx", "External")]
        ),
    }
    if xlsm:
        parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return path
