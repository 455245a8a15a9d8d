<#
.SYNOPSIS
  Installs the ledger (回访台账) Excel add-in for the current Windows user.

.DESCRIPTION
  1. Creates a per-user Python environment at %LOCALAPPDATA%\ledger\.venv
     (the path the add-in's settings sheet points to).
  2. Installs the ledger package (wheel file or source folder) into it.
  3. Copies ledger.xlam to %APPDATA%\Microsoft\Excel\XLSTART, so Excel loads it
     at start from a trusted location, and removes the Mark-of-the-Web so
     Office does not block its macros as "downloaded from the internet".
  No administrator rights are needed. Run it again to upgrade.

.PARAMETER Package
  Path to the ledger wheel (ledger-*.whl) or to a source checkout.

.PARAMETER Addin
  Path to ledger.xlam. Default: ledger.xlam next to this script.

.PARAMETER Python
  Python 3.11+ used to create the environment. Default: the "py -3" launcher,
  else "python" on PATH.

.PARAMETER WheelHouse
  Folder of wheels for an offline install (pip --no-index --find-links).

.PARAMETER Uninstall
  Removes the add-in from XLSTART and deletes the environment.

.PARAMETER Shortcut
  Also puts a shortcut "回访台账(网页)" on the desktop that starts `ledger app`:
  the same buttons in a local web page, for PCs where Excel macros are blocked or
  the clerk uses WPS. -Uninstall removes it too.

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File install.ps1 -Package .\ledger-0.1.0-py3-none-any.whl
#>
[CmdletBinding()]
param(
    [string]$Package,
    [string]$Addin = (Join-Path $PSScriptRoot "ledger.xlam"),
    [string]$Python,
    [string]$WheelHouse,
    [switch]$Uninstall,
    [switch]$Shortcut
)

$ErrorActionPreference = "Stop"
$XlwingsVersion = "0.37.8"   # must match the xlwings VBA inside ledger.xlam
$LedgerHome = "$env:LOCALAPPDATA\ledger"
$Venv = "$env:LOCALAPPDATA\ledger\.venv"
$VenvPython = Join-Path $Venv "Scripts\python.exe"
$XlStart = Join-Path $env:APPDATA "Microsoft\Excel\XLSTART"
$Target = Join-Path $XlStart "ledger.xlam"
$PageShortcut = Join-Path ([Environment]::GetFolderPath("Desktop")) "回访台账(网页).lnk"

function Fail([string]$Message) {
    Write-Host ""
    Write-Host "安装失败 / Installation failed: $Message" -ForegroundColor Red
    exit 1
}

if (Get-Process -Name EXCEL -ErrorAction SilentlyContinue) {
    Fail "Excel is running. Close every Excel window and run this script again. / 请先关闭所有 Excel 窗口。"
}

if ($Uninstall) {
    if (Test-Path $Target) { Remove-Item $Target -Force }
    if (Test-Path $Venv) { Remove-Item $Venv -Recurse -Force }
    if (Test-Path $PageShortcut) { Remove-Item $PageShortcut -Force }
    Write-Host "ledger add-in removed. / 已卸载。"
    exit 0
}

if (-not $Package) { Fail "-Package is required (path to ledger-*.whl or the source folder)." }
if (-not (Test-Path $Package)) { Fail "package not found: $Package" }
if (-not (Test-Path $Addin)) { Fail "add-in not found: $Addin (build it with: python addin/build.py)" }

# --- 1. a Python to create the environment with --------------------------------
function Find-Python {
    if ($Python) { return ,@($Python) }
    if (Get-Command py -ErrorAction SilentlyContinue) { return ,@("py", "-3") }
    if (Get-Command python -ErrorAction SilentlyContinue) { return ,@("python") }
    return $null
}
$base = Find-Python
if (-not $base) {
    Fail "no Python found. Install Python 3.11 or newer from python.org (tick 'Add python.exe to PATH'), or pass -Python C:\path\to\python.exe"
}
$baseExe = $base[0]; $baseArgs = @($base | Select-Object -Skip 1)
& $baseExe @baseArgs -c "import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)"
if ($LASTEXITCODE -ne 0) { Fail "Python 3.11 or newer is needed ($($base -join ' ') is older or does not start)." }

# --- 2. per-user environment and the package ----------------------------------
New-Item -ItemType Directory -Force -Path $LedgerHome | Out-Null
if (-not (Test-Path $VenvPython)) {
    Write-Host "Creating $Venv ..."
    & $baseExe @baseArgs -m venv $Venv
    if ($LASTEXITCODE -ne 0) { Fail "could not create the environment at $Venv" }
}
$pipArgs = @("-m", "pip", "install", "--upgrade", (Resolve-Path $Package).Path, "xlwings==$XlwingsVersion")
if ($WheelHouse) { $pipArgs += @("--no-index", "--find-links", (Resolve-Path $WheelHouse).Path) }
Write-Host "Installing the ledger package ..."
& $VenvPython @pipArgs
if ($LASTEXITCODE -ne 0) { Fail "pip could not install the package (offline? use -WheelHouse)." }

& $VenvPython -c "import ledger.xl, xlwings, sys; sys.exit(0 if xlwings.__version__ == '$XlwingsVersion' else 3)"
if ($LASTEXITCODE -ne 0) { Fail "the environment does not import ledger.xl with xlwings $XlwingsVersion." }
if (-not (Test-Path (Join-Path $Venv "Scripts\pythonw.exe"))) { Fail "pythonw.exe missing in $Venv" }

# --- 3. the add-in in XLSTART, unblocked ---------------------------------------
New-Item -ItemType Directory -Force -Path $XlStart | Out-Null
Copy-Item -Path $Addin -Destination $Target -Force
Unblock-File -Path $Target   # removes the Zone.Identifier stream (Mark-of-the-Web)

# --- 4. (-Shortcut) the page: a desktop shortcut running `ledger app` ------------
if ($Shortcut) {
    $LedgerExe = Join-Path $Venv "Scripts\ledger.exe"
    if (-not (Test-Path $LedgerExe)) { Fail "ledger.exe missing in $Venv" }
    $link = (New-Object -ComObject WScript.Shell).CreateShortcut($PageShortcut)
    $link.TargetPath = $LedgerExe
    $link.Arguments = "app"   # opens the default browser on http://127.0.0.1:<port>/<token>/
    $link.WorkingDirectory = [Environment]::GetFolderPath("MyDocuments")
    $link.Description = "回访台账:网页版按钮(无需 Excel 宏) / Callback ledger in the browser"
    $link.Save()
    Write-Host "  Desktop shortcut:   $PageShortcut (the page; close its window to stop it)"
}

Write-Host ""
Write-Host "完成 / Done." -ForegroundColor Green
Write-Host "  Python environment: $Venv"
Write-Host "  Add-in:             $Target"
Write-Host "Start Excel: the ribbon shows the tab 回访台账."
