<#
.SYNOPSIS
  Installs (or upgrades, or removes) the ledger (回访台账) Excel add-in for the current Windows user.

.DESCRIPTION
  1. Finds a Python 3.11+ from python.org (the Microsoft Store "python" is refused, see below).
  2. Creates a per-user Python environment at %LOCALAPPDATA%\ledger\.venv
     (the path the add-in's settings sheet points to) and installs xlwings and
     the ledger package into it. Running it again with a new wheel REPLACES the
     code, even when the version number did not change (pip --force-reinstall).
  3. Copies ledger.xlam to %APPDATA%\Microsoft\Excel\XLSTART, so Excel loads it
     at start from a trusted location, and removes the Mark-of-the-Web so
     Office does not block its macros as "downloaded from the internet".
  4. Chooses how Excel starts Python: RunPython (default: Excel starts
     pythonw.exe through cmd.exe at each click) or, with -ComServer, a Python
     COM server started at logon, which Excel only connects to (for PCs where
     Defender blocks Office from creating child processes).
  No administrator rights are needed. Paths with spaces or Chinese characters are fine.

.PARAMETER Package
  Path to the ledger wheel (ledger-*.whl) or to a source checkout.

.PARAMETER Addin
  Path to ledger.xlam. Default: ledger.xlam next to this script.

.PARAMETER Python
  Python 3.11+ used to create the environment. Default: the "py -3" launcher,
  else "python" on PATH.

.PARAMETER IndexUrl
  Package index to download xlwings and the other dependencies from, for
  offices where the public index is slow or blocked, e.g. a mirror
  (https://mirrors.aliyun.com/pypi/simple/) or the company's own index
  (an http:// address is passed to pip as a trusted host too).

.PARAMETER WheelHouse
  Folder of wheels for an offline install (pip --no-index --find-links).

.PARAMETER ComServer
  Use xlwings' COM-server route: a Python COM server started at logon (a
  shortcut in the Startup folder) that Excel connects to, so Excel never starts
  a process. Without it the default RunPython route is (re)selected.

.PARAMETER Status
  Only print which route is configured and whether the COM server runs.

.PARAMETER Uninstall
  Removes the add-in, the COM-server shortcut and settings, and the environment.

.PARAMETER Shortcut
  Also puts a shortcut "回访台账(网页)" on the desktop that starts `ledger app`:
  the same buttons in a local web page, for PCs where Excel macros are blocked or
  the clerk uses WPS. -Uninstall removes it too.

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File .\install.ps1 -Package .\ledger-0.1.0-py3-none-any.whl

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File .\install.ps1 -Package .\ledger-0.1.0-py3-none-any.whl -IndexUrl https://mirrors.aliyun.com/pypi/simple/ -ComServer
#>
[CmdletBinding()]
param(
    [string]$Package,
    [string]$Addin = (Join-Path $PSScriptRoot "ledger.xlam"),
    [string]$Python,
    [string]$IndexUrl,
    [string]$WheelHouse,
    [switch]$ComServer,
    [switch]$Status,
    [switch]$Uninstall,
    [switch]$Shortcut
)

$ErrorActionPreference = "Stop"
# Chinese text in and out: this console, and every Python started from here.
[Console]::OutputEncoding = [System.Text.Encoding]::UTF8
$OutputEncoding = [System.Text.Encoding]::UTF8
$env:PYTHONUTF8 = "1"
$env:PYTHONIOENCODING = "utf-8"
$env:PIP_DISABLE_PIP_VERSION_CHECK = "1"

$XlwingsVersion = "0.37.8"   # must match the xlwings VBA inside ledger.xlam
$LedgerHome = Join-Path $env:LOCALAPPDATA "ledger"
$Venv = "$env:LOCALAPPDATA\ledger\.venv"
$VenvPython = Join-Path $Venv "Scripts\python.exe"
$VenvPythonw = Join-Path $Venv "Scripts\pythonw.exe"
$XlStart = Join-Path $env:APPDATA "Microsoft\Excel\XLSTART"
$Target = Join-Path $XlStart "ledger.xlam"
# xlwings reads this user settings file (PROJECT_NAME "ledger") after the add-in's own sheet.
$UserConf = Join-Path $env:USERPROFILE ".ledger\ledger.conf"
$ServerShortcut = Join-Path ([Environment]::GetFolderPath("Startup")) "ledger COM server.lnk"
# xlwings.serve()'s default class id, which the add-in connects to when "Debug UDFs" is on.
$ServerArguments = '-B -c "import xlwings; xlwings.serve()"'
$PageShortcut = Join-Path ([Environment]::GetFolderPath("Desktop")) "回访台账(网页).lnk"

function Fail([string]$Message) {
    Write-Host ""
    Write-Host "安装失败 / Installation failed: $Message" -ForegroundColor Red
    exit 1
}

function Get-ServerProcess {
    # The COM server of this environment: the venv's pythonw.exe running xlwings.serve, and the base
    # pythonw.exe it starts (a venv's Scripts\pythonw.exe is a launcher that runs the real interpreter).
    $serving = @(Get-CimInstance Win32_Process -Filter "Name = 'pythonw.exe'" |
        Where-Object { $_.CommandLine -like "*xlwings.serve*" })
    $launchers = @($serving | Where-Object { $_.ExecutablePath -eq $VenvPythonw })
    $ids = @($launchers | ForEach-Object { $_.ProcessId })
    $children = @($serving | Where-Object { $ids -contains $_.ParentProcessId })
    return @($children) + @($launchers)
}

function Stop-Server {
    foreach ($process in @(Get-ServerProcess)) {   # the interpreters first, then their launchers
        Stop-Process -Id $process.ProcessId -Force -ErrorAction SilentlyContinue
    }
}

function Show-Status {
    $route = "RunPython"
    if (Test-Path -LiteralPath $UserConf) {
        if ((Get-Content -LiteralPath $UserConf -Raw) -match '"USE UDF SERVER","True"') { $route = "COM server" }
    }
    $running = @(Get-ServerProcess).Count -gt 0
    Write-Host "Route / 启动方式:        $route"
    Write-Host "Settings file / 设置文件: $UserConf (exists: $(Test-Path -LiteralPath $UserConf))"
    Write-Host "Startup shortcut:        $ServerShortcut (exists: $(Test-Path -LiteralPath $ServerShortcut))"
    Write-Host "COM server running:      $running"
    Write-Host "Environment:             $Venv (exists: $(Test-Path -LiteralPath $VenvPython))"
    Write-Host "Add-in:                  $Target (exists: $(Test-Path -LiteralPath $Target))"
}

if ($Status) { Show-Status; exit 0 }

if (Get-Process -Name EXCEL -ErrorAction SilentlyContinue) {
    Fail "Excel is running. Close every Excel window and run this script again. / 请先关闭所有 Excel 窗口。"
}

if ($Uninstall) {
    Stop-Server
    foreach ($path in @($Target, $ServerShortcut, $UserConf, $PageShortcut)) {
        if (Test-Path -LiteralPath $path) { Remove-Item -LiteralPath $path -Force }
    }
    if (Test-Path -LiteralPath $Venv) { Remove-Item -LiteralPath $Venv -Recurse -Force }
    Write-Host "ledger add-in removed. / 已卸载。"
    exit 0
}

if (-not $Package) { Fail "-Package is required (path to ledger-*.whl or the source folder)." }
if (-not (Test-Path -LiteralPath $Package)) { Fail "package not found: $Package" }
if (-not (Test-Path -LiteralPath $Addin)) { Fail "add-in not found: $Addin (build it with: python addin/build.py)" }
$PackagePath = (Resolve-Path -LiteralPath $Package).ProviderPath
$AddinPath = (Resolve-Path -LiteralPath $Addin).ProviderPath

# --- 1. a Python to create the environment with --------------------------------
function Test-StoreStub([string]$Path) {
    # %LOCALAPPDATA%\Microsoft\WindowsApps\python.exe: an "App execution alias" of the Microsoft Store
    return $Path -match '\\WindowsApps\\'
}

$StoreAdvice = "The 'python' found is the Microsoft Store's (WindowsApps). It is either only a shortcut that opens the Store, " +
    "or a Store Python that keeps %LOCALAPPDATA% in a private folder Excel cannot see. Install Python 3.11+ from python.org " +
    "(tick 'Add python.exe to PATH'), or pass -Python C:\path\to\python.exe; you may switch the alias off in " +
    "Settings > Apps > Advanced app settings > App execution aliases (python.exe, python3.exe). / " +
    "找到的 python 是微软应用商店的(WindowsApps),Excel 用不了。请从 python.org 安装 Python 3.11 以上版本。"

function Find-Python {
    if ($Python) { return ,@($Python) }
    if (Get-Command py -ErrorAction SilentlyContinue) { return ,@("py", "-3") }
    $command = Get-Command python -ErrorAction SilentlyContinue
    if ($command) {
        if (Test-StoreStub $command.Source) { Fail $StoreAdvice }
        return ,@($command.Source)
    }
    return $null
}
$base = Find-Python
if (-not $base) {
    Fail "no Python found. Install Python 3.11 or newer from python.org (tick 'Add python.exe to PATH'), or pass -Python C:\path\to\python.exe"
}
$baseExe = $base[0]; $baseArgs = @($base | Select-Object -Skip 1)
if (Test-StoreStub $baseExe) { Fail $StoreAdvice }
$baseReal = & $baseExe @baseArgs -c "import sys; print(sys.executable if sys.version_info >= (3, 11) else '')"
if ($LASTEXITCODE -ne 0 -or -not $baseReal) { Fail "Python 3.11 or newer is needed ($($base -join ' ') is older or does not start)." }
if (Test-StoreStub "$baseReal") { Fail $StoreAdvice }

# --- 2. per-user environment; the package's code replaced on every run ---------------
New-Item -ItemType Directory -Force -Path $LedgerHome | Out-Null
Stop-Server   # a running COM server keeps the old code loaded
if (Test-Path -LiteralPath $VenvPython) {
    & $VenvPython -c "import sys"   # no 2> redirection: Windows PowerShell 5.1 turns redirected stderr into a terminating error
    if ($LASTEXITCODE -ne 0) {   # e.g. the Python it was made from was removed or upgraded
        Write-Host "Recreating the broken environment $Venv ..."
        Remove-Item -LiteralPath $Venv -Recurse -Force
    }
}
if (-not (Test-Path -LiteralPath $VenvPython)) {
    Write-Host "Creating $Venv ..."
    & $baseExe @baseArgs -m venv $Venv
    if ($LASTEXITCODE -ne 0) { Fail "could not create the environment at $Venv" }
}

$source = @()
if ($WheelHouse) { $source = @("--no-index", "--find-links", (Resolve-Path -LiteralPath $WheelHouse).ProviderPath) }
elseif ($IndexUrl) {
    $source = @("--index-url", $IndexUrl)
    # a company index on plain http (common for Nexus inside the network) must be trusted explicitly
    if ($IndexUrl -like "http://*") { $source += @("--trusted-host", ([Uri]$IndexUrl).Host) }
}

Write-Host "Installing xlwings $XlwingsVersion and the ledger package's dependencies ..."
& $VenvPython -m pip install --upgrade @source $PackagePath "xlwings==$XlwingsVersion"
if ($LASTEXITCODE -ne 0) { Fail "pip could not install the package (offline or index blocked? use -IndexUrl or -WheelHouse)." }
Write-Host "Replacing the ledger code with $PackagePath ..."
& $VenvPython -m pip install --force-reinstall --no-deps @source $PackagePath
if ($LASTEXITCODE -ne 0) { Fail "pip could not reinstall the ledger package from $PackagePath." }

& $VenvPython -c "import ledger.xl, xlwings, sys; sys.exit(0 if xlwings.__version__ == '$XlwingsVersion' else 3)"
if ($LASTEXITCODE -ne 0) { Fail "the environment does not import ledger.xl with xlwings $XlwingsVersion." }
if ($PackagePath -like "*.whl") {
    # every file of the wheel's ledger package must now be on disk byte for byte (the upgrade took)
    $check = "import sys, zipfile, hashlib, base64, csv, io, pathlib, ledger; " +
        "z = zipfile.ZipFile(sys.argv[1]); rec = [n for n in z.namelist() if n.endswith('.dist-info/RECORD')][0]; " +
        "root = pathlib.Path(ledger.__file__).parent.parent; " +
        "bad = [p for p, h, _ in csv.reader(io.StringIO(z.read(rec).decode())) if p.startswith('ledger/') and h and " +
        "'sha256=' + base64.urlsafe_b64encode(hashlib.sha256((root / p).read_bytes()).digest()).rstrip(b'=').decode() != h]; " +
        "print(len(bad), 'files differ from the wheel:', bad[:5]) if bad else None; sys.exit(1 if bad else 0)"
    & $VenvPython -c $check $PackagePath
    if ($LASTEXITCODE -ne 0) { Fail "the installed ledger code differs from $PackagePath after installing." }
}
if (-not (Test-Path -LiteralPath $VenvPythonw)) { Fail "pythonw.exe missing in $Venv" }
$installed = & $VenvPython -c "import importlib.metadata as m; print(m.version('ledger'))"

# --- 3. the add-in in XLSTART, unblocked ---------------------------------------
New-Item -ItemType Directory -Force -Path $XlStart | Out-Null
Copy-Item -LiteralPath $AddinPath -Destination $Target -Force
Unblock-File -LiteralPath $Target   # removes the Zone.Identifier stream (Mark-of-the-Web)

# --- 4. the route: RunPython (default) or the COM server ----------------------------------
New-Item -ItemType Directory -Force -Path (Split-Path -Parent $UserConf) | Out-Null
if ($ComServer) {
    $dll = Get-ChildItem -LiteralPath $Venv -Filter "xlwings*-$XlwingsVersion.dll" -ErrorAction SilentlyContinue
    if (-not $dll) { Fail "xlwings' DLL (xlwings64-$XlwingsVersion.dll) is missing in $Venv; the COM route needs it." }
    Set-Content -LiteralPath $UserConf -Encoding Ascii -Value @('"USE UDF SERVER","True"', '"DEBUG UDFS","True"')
    $shell = New-Object -ComObject WScript.Shell
    $link = $shell.CreateShortcut($ServerShortcut)
    $link.TargetPath = $VenvPythonw
    $link.Arguments = $ServerArguments
    $link.WorkingDirectory = $LedgerHome
    $link.Description = "ledger (回访台账) Python COM server for Excel"
    $link.Save()
    Start-Process -FilePath $VenvPythonw -ArgumentList $ServerArguments -WorkingDirectory $LedgerHome
    Start-Sleep -Seconds 3
    if (@(Get-ServerProcess).Count -eq 0) { Fail "the COM server did not start: run `"$VenvPythonw`" $ServerArguments and read its error." }
} else {
    Set-Content -LiteralPath $UserConf -Encoding Ascii -Value @('"USE UDF SERVER","False"', '"DEBUG UDFS","False"')
    if (Test-Path -LiteralPath $ServerShortcut) { Remove-Item -LiteralPath $ServerShortcut -Force }
}

# --- 5. (-Shortcut) the page: a desktop shortcut running `ledger app` ------------
if ($Shortcut) {
    $LedgerExe = Join-Path $Venv "Scripts\ledger.exe"
    if (-not (Test-Path -LiteralPath $LedgerExe)) { Fail "ledger.exe missing in $Venv" }
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
Write-Host "  ledger $installed, xlwings $XlwingsVersion"
Write-Host "  Python environment: $Venv"
Write-Host "  Add-in:             $Target"
Show-Status
Write-Host "Start Excel: the ribbon shows the tab 回访台账."
