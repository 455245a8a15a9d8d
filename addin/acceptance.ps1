<#
.SYNOPSIS
  First run as a test: installs the ledger add-in, opens a demo ledger in Excel,
  presses every ribbon button through COM, checks what each wrote, and prints a
  report to send back to the developers.

.DESCRIPTION
  For the IT helper, once, on a real clerk PC (as the clerk, not as administrator):
    powershell -ExecutionPolicy Bypass -File .\acceptance.ps1 -Package .\ledger-0.1.0-py3-none-any.whl
  It runs install.ps1 with the same options, makes a demo ledger in a temporary
  folder, starts Excel, loads ledger.xlam, and runs each button on the demo
  ledger with the add-in's own macro (LedgerRibbon.RunButton, the one the ribbon
  calls) so the buttons' messages go to a file instead of message boxes. Nothing
  is saved: the demo ledger is closed without saving and Excel is closed.
  The report (a .txt next to this script) lists the PC, Excel, Python and the
  route, then PASS/FAIL for each button with what it wrote and its message.
  "发送总部" makes an Outlook draft (or an .eml file) from the demo ledger; delete it.

.PARAMETER Package
  The ledger wheel, as for install.ps1.

.PARAMETER Addin
  ledger.xlam. Default: next to this script.

.PARAMETER IndexUrl
  As for install.ps1.

.PARAMETER WheelHouse
  As for install.ps1.

.PARAMETER ComServer
  As for install.ps1: test the COM-server route.

.PARAMETER SkipInstall
  Test what is installed now, without running install.ps1.
#>
[CmdletBinding()]
param(
    [string]$Package,
    [string]$Addin = (Join-Path $PSScriptRoot "ledger.xlam"),
    [string]$IndexUrl,
    [string]$WheelHouse,
    [switch]$ComServer,
    [switch]$SkipInstall
)

$ErrorActionPreference = "Stop"
[Console]::OutputEncoding = [System.Text.Encoding]::UTF8
$OutputEncoding = [System.Text.Encoding]::UTF8
$env:PYTHONUTF8 = "1"
$env:PYTHONIOENCODING = "utf-8"

# The ribbon's buttons (ledger.xl.HANDLERS) and the Log action each one writes ("" = none).
$Buttons = [ordered]@{
    "validate"            = "validate"
    "callback_list"       = "callbacks"
    "draw_samples"        = "sample"
    "record_results"      = ""        # nothing typed into the list yet: no Log row expected
    "monthly_stats"       = "stats"
    "send_to_head_office" = "send"
    "settings"            = ""
    "consolidate_reports" = ""
}
$Venv = "$env:LOCALAPPDATA\ledger\.venv"
$VenvPython = Join-Path $Venv "Scripts\python.exe"
$Stamp = Get-Date -Format "yyyyMMdd-HHmm"
$ReportPath = Join-Path $PSScriptRoot "ledger-acceptance-$env:COMPUTERNAME-$Stamp.txt"
$Work = Join-Path ([System.IO.Path]::GetTempPath()) "ledger-acceptance-$Stamp"
$Lines = New-Object System.Collections.Generic.List[string]
$Failures = 0

function Say([string]$Line) {
    Write-Host $Line
    $Lines.Add($Line)
}

function Check([string]$Name, [bool]$Ok, [string]$Detail) {
    $word = "FAIL"
    if ($Ok) { $word = "PASS" } else { $script:Failures++ }
    Say ("{0}  {1,-22} {2}" -f $word, $Name, $Detail)
}

function Save-Report {
    Say ""
    Say "failures: $Failures"
    [System.IO.File]::WriteAllLines($ReportPath, $Lines, (New-Object System.Text.UTF8Encoding $true))
    Write-Host ""
    Write-Host "Report / 报告: $ReportPath  (please send this file back / 请把这个文件发回)" -ForegroundColor Cyan
}

# --- what a button wrote, read back through COM ---------------------------------------------
function Find-Sheet($Book, [string[]]$Names, [switch]$Prefix) {
    foreach ($sheet in $Book.Worksheets) {
        foreach ($name in $Names) {
            if ($sheet.Name -eq $name -or ($Prefix -and $sheet.Name.StartsWith($name))) { return $sheet }
        }
    }
    return $null
}

function Get-LogCount($Book) {
    $log = Find-Sheet $Book @("日志", "日誌", "Log")
    if (-not $log) { return 0 }
    return $log.UsedRange.Rows.Count
}

function Get-LogAction($Book) {
    # the action code of the last Log row: hidden column F (column B shows it in words, 校验 …)
    $log = Find-Sheet $Book @("日志", "日誌", "Log")
    if (-not $log) { return "" }
    $row = $log.UsedRange.Rows.Count
    $code = [string]$log.Cells.Item($row, 6).Value2
    if ($code) { return $code }
    return [string]$log.Cells.Item($row, 2).Value2
}

function Get-Message([string]$Path, [string]$Button) {
    if (-not (Test-Path -LiteralPath $Path)) { return "" }
    $line = Get-Content -LiteralPath $Path -Encoding UTF8 | Where-Object { $_.StartsWith("$Button`t") } | Select-Object -Last 1
    if (-not $line) { return "" }
    return $line.Substring($Button.Length + 1)
}

function Test-Written($Book, [string]$Button, [int]$LogRowsBefore) {
    $action = $Buttons[$Button]
    if ($action -and ((Get-LogCount $Book) -le $LogRowsBefore -or (Get-LogAction $Book) -ne $action)) { return $false }
    switch ($Button) {
        "validate" {
            $cases = $Book.Worksheets.Item(1)
            if ($null -eq $cases.UsedRange.Find("问题", [Type]::Missing, -4163, 1)) { return $false }   # xlValues, xlWhole
            # the highlights: two rules of ours over the cases, reading a very hidden column of marks
            $marks = Find-Sheet $Book @("ledger_marks")
            if ($null -eq $marks -or $marks.Visible -ne 2) { return $false }   # xlSheetVeryHidden
            $ours = 0
            foreach ($rule in $cases.Cells.FormatConditions) {
                try { if ([string]$rule.Formula1 -like "*424242*") { $ours++ } } catch { }   # data bars have no formula
            }
            if ($ours -ne 2) { return $false }
            # and Excel shows a cell marked as an error in red (FFC7CE, as COM's blue-green-red number)
            $found = $marks.UsedRange.Find("e|", [Type]::Missing, -4163, 2)   # xlValues, xlPart
            if ($null -eq $found) { return $true }   # a ledger without errors: nothing to colour
            $column = [int](([regex]'\|(\d+)e\|').Match([string]$found.Value2).Groups[1].Value)
            return $cases.Cells.Item($found.Row, $column).DisplayFormat.Interior.Color -eq 13551615
        }
        "callback_list" {
            $list = Find-Sheet $Book @("回访清单", "回訪清單", "Callback list")
            if ($null -eq $list -or $list.UsedRange.Rows.Count -lt 3) { return $false }
            # rows fitted by Excel to their text (one AutoFit call): every listed row holds two lines at least
            $last = $list.UsedRange.Rows.Count - 2   # above the blank row and the signature line
            return $list.Rows.Item($last).RowHeight -ge 24
        }
        "monthly_stats" {
            $stats = Find-Sheet $Book @("月度统计", "月度統計", "Statistics") -Prefix
            if ($null -eq $stats) { return $false }
            # merges sent as one multi-area call must stay separate areas: the section title in row 4 is one row
            $title = $stats.Range("A4").MergeArea
            return $stats.ChartObjects().Count -eq 2 -and $title.Rows.Count -eq 1 -and $title.Columns.Count -gt 1
        }
        "settings" {
            return $null -ne (Find-Sheet $Book @("设置", "設置", "Settings"))
        }
        default { return $true }
    }
}

# --- 1. install -----------------------------------------------------------------
Say "ledger acceptance $Stamp on $env:COMPUTERNAME"
Say ("Windows: {0}" -f [System.Environment]::OSVersion.VersionString)
if (-not $SkipInstall) {
    $installArgs = @{ Package = $Package; Addin = $Addin }
    if ($IndexUrl) { $installArgs.IndexUrl = $IndexUrl }
    if ($WheelHouse) { $installArgs.WheelHouse = $WheelHouse }
    if ($ComServer) { $installArgs.ComServer = $true }
    & (Join-Path $PSScriptRoot "install.ps1") @installArgs   # in this process: switches splat as switches
    Check "install.ps1" ($LASTEXITCODE -eq 0) "exit code $LASTEXITCODE"
    if ($LASTEXITCODE -ne 0) { Save-Report; exit 1 }
}
$versions = & $VenvPython -c "import sys, ledger, xlwings, importlib.metadata as m; print(sys.version.split()[0], m.version('ledger'), xlwings.__version__)"
Say "Python, ledger, xlwings: $versions"
$status = & (Join-Path $PSScriptRoot "install.ps1") -Status 6>&1   # Write-Host is stream 6
$status | ForEach-Object { Say "  $_" }

# --- 2. a demo ledger -------------------------------------------------------------------
New-Item -ItemType Directory -Force -Path $Work | Out-Null
$Demo = Join-Path $Work "演示 台账.xlsx"
$make = "import sys, datetime; from ledger.demo.cases import generate_cases; from ledger.demo.workbook import write_ledger; " +
    "write_ledger(sys.argv[1], generate_cases(300, seed=7, end=datetime.date.today(), dirty=True))"
& $VenvPython -c $make $Demo
Check "demo ledger" (Test-Path -LiteralPath $Demo) $Demo

# --- 3. Excel, the add-in, each button -----------------------------------------------------
$Messages = Join-Path $Work "messages.txt"
$excel = New-Object -ComObject Excel.Application
try {
    $excel.Visible = $true
    $excel.DisplayAlerts = $false
    # a 32-bit Excel on 64-bit Windows lives under "Program Files (x86)"
    Say ("Excel: {0} build {1} in {2}; {3}" -f $excel.Version, $excel.Build, $excel.Path, $excel.OperatingSystem)
    # Excel started through COM opens nothing from XLSTART: load the installed add-in itself.
    $xlam = Join-Path $env:APPDATA "Microsoft\Excel\XLSTART\ledger.xlam"
    $excel.Workbooks.Open($xlam) | Out-Null
    $book = $excel.Workbooks.Open($Demo)
    $book.Activate()
    foreach ($button in $Buttons.Keys) {
        $before = Get-LogCount $book
        $started = Get-Date
        $excel.Run("'ledger.xlam'!LedgerRibbon.RunButton", $button, $Messages) | Out-Null
        $seconds = [math]::Round(((Get-Date) - $started).TotalSeconds, 1)
        $message = Get-Message $Messages $button
        $wrote = Test-Written $book $button $before
        Check $button ($wrote -and $message) "$seconds s; wrote: $wrote; message: $message"
    }
    $book.Close($false)
} catch {
    Check "Excel automation" $false $_.Exception.Message
} finally {
    $excel.Quit()
    [System.Runtime.InteropServices.Marshal]::ReleaseComObject($excel) | Out-Null
}
Save-Report
if ($Failures -gt 0) { exit 1 }
exit 0
