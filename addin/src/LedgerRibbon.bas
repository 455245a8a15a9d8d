Attribute VB_Name = "LedgerRibbon"
' Ribbon callbacks of the ledger add-in.
' Every button of the ribbon calls LedgerButton; the Python side
' (ledger.xl.dispatch) decides what a button id means, so adding a button
' needs no VBA change: a <button> in customUI.xml calling
' LedgerRibbon.LedgerButton, and a line in ledger.xl.HANDLERS.
' Before Python starts, this module checks what it can (a workbook is open, the
' interpreter exists, ledger and the pinned xlwings are installed) and says what
' to do in a Unicode message box: VBA's MsgBox is ANSI and shows "?" for Chinese
' on Windows whose system locale is not Chinese, so Windows gets MessageBoxW.
' RunPython, GetConfig and XLWINGS_VERSION come from the xlwings module.
' Non-ASCII text in string literals is turned into ChrW() by addin/build.py,
' because VBA source is stored in the project's code page (1252).
Option Explicit

#If Mac Then
#ElseIf VBA7 Then
    Private Declare PtrSafe Function MessageBoxW Lib "user32" (ByVal hWnd As LongPtr, ByVal lpText As LongPtr, ByVal lpCaption As LongPtr, ByVal uType As Long) As Long
#Else
    Private Declare Function MessageBoxW Lib "user32" (ByVal hWnd As Long, ByVal lpText As Long, ByVal lpCaption As Long, ByVal uType As Long) As Long
#End If

Private Const MB_ICONWARNING As Long = &H30
Private Const MB_SETFOREGROUND As Long = &H10000

Public Sub LedgerButton(control As IRibbonControl)
    RunButton control.Id
End Sub

' One button by id. acceptance.ps1 calls it through Application.Run with a
' report file: the button's message is then written there instead of a box.
Public Sub RunButton(ByVal buttonId As String, Optional ByVal reportFile As String = "")
    Dim problem As String
    On Error GoTo Failed
    If ActiveWorkbook Is Nothing Then
        ShowMessage NoWorkbookText()
        Exit Sub
    End If
    If buttonId = "" Or buttonId Like "*[!a-z0-9_]*" Then
        ShowMessage FailedText(buttonId)
        Exit Sub
    End If
    problem = InstallProblem()
    If problem <> "" Then
        ShowMessage problem
        Exit Sub
    End If
    RunPython "import ledger.xl as x; x.dispatch('" & buttonId & "', '" & HexName(ActiveWorkbook.Name) & "', '" & XLWINGS_VERSION & "', '" & HexName(reportFile) & "')"
    Exit Sub
Failed:
    ShowMessage FailedText(Err.Description)
End Sub

' The workbook name as four hex digits per UTF-16 code unit: survives cmd.exe
' and Python quoting whatever characters the name has (ledger.xl.decode_name).
Private Function HexName(ByVal s As String) As String
    Dim i As Long, out As String
    For i = 1 To Len(s)
        out = out & Right$("000" & Hex$(AscW(Mid$(s, i, 1)) And &HFFFF&), 4)
    Next i
    HexName = out
End Function

' "" when Python can be started; else the clerk's message. Windows only: on a
' Mac, xlwings' own checks run (the AppleScript helper).
Private Function InstallProblem() As String
    InstallProblem = ""
#If Not Mac Then
    Dim interpreter As String, root As String, site As String
    Dim fso As Object
    interpreter = GetConfig("INTERPRETER_WIN", "")
    If interpreter = "" Or interpreter = "python" Or interpreter = "pythonw" Then Exit Function
    Set fso = CreateObject("Scripting.FileSystemObject")
    If Not fso.FileExists(interpreter) Then
        InstallProblem = NoPythonText(interpreter)
        Exit Function
    End If
    root = fso.GetParentFolderName(interpreter)
    If LCase$(fso.GetFileName(root)) = "scripts" Then root = fso.GetParentFolderName(root)
    site = root & "\Lib\site-packages"
    If fso.FolderExists(site) Then InstallProblem = PackageProblem(fso.GetFolder(site))
    If InstallProblem = "" And CBool(GetConfig("USE UDF SERVER", "False")) Then InstallProblem = ServerProblem()
#End If
End Function

' The COM-server route (install.ps1 -ComServer): Excel connects to a Python
' started at logon and starts nothing itself, so that Python must be running.
' Looked up through WMI, which starts no process either.
Private Function ServerProblem() As String
    Dim processes As Object, count As Long
    ServerProblem = ""
    count = -1
    On Error Resume Next
    Set processes = GetObject("winmgmts:\\.\root\cimv2").ExecQuery( _
        "SELECT ProcessId FROM Win32_Process WHERE CommandLine LIKE '%xlwings.serve%'")
    count = processes.Count
    On Error GoTo 0
    If count = 0 Then ServerProblem = NoServerText()
End Function

' Looks for ledger-*.dist-info and xlwings-<version>.dist-info in site-packages.
Private Function PackageProblem(site As Object) As String
    Dim entry As Object, folderName As String, wanted As String, found As String
    Dim hasLedger As Boolean
    wanted = "xlwings-" & XLWINGS_VERSION & ".dist-info"
    For Each entry In site.SubFolders
        folderName = LCase$(entry.Name)
        If folderName = wanted Then
            found = XLWINGS_VERSION
        ElseIf found = "" And Left$(folderName, 8) = "xlwings-" And Right$(folderName, 10) = ".dist-info" Then
            found = Mid$(folderName, 9, Len(folderName) - 18)
        ElseIf Left$(folderName, 7) = "ledger-" And Right$(folderName, 10) = ".dist-info" Then
            hasLedger = True
        End If
    Next entry
    If Not hasLedger Or found = "" Then
        PackageProblem = NoLedgerText()
    ElseIf found <> XLWINGS_VERSION Then
        PackageProblem = MismatchText(found)
    Else
        PackageProblem = ""
    End If
End Function

Private Sub ShowMessage(ByVal message As String)
    Dim caption As String
    caption = "回访台账"
#If Mac Then
    MsgBox message, vbExclamation, caption
#Else
    MessageBoxW Application.hWnd, StrPtr(message), StrPtr(caption), MB_ICONWARNING Or MB_SETFOREGROUND
#End If
End Sub

Private Function NoWorkbookText() As String
    NoWorkbookText = "请先打开台账工作簿，再点按钮。" & vbCrLf & _
                     "Please open the ledger workbook first, then press the button."
End Function

Private Function NoPythonText(ByVal interpreter As String) As String
    NoPythonText = "找不到回访台账的 Python 环境：" & vbCrLf & interpreter & vbCrLf & vbCrLf & _
                   "请让 IT 同事运行 install.ps1 安装（见 INSTALL.md），然后重新启动 Excel。" & vbCrLf & vbCrLf & _
                   "Python for the ledger add-in was not found. Ask IT to run install.ps1, then restart Excel."
End Function

Private Function NoLedgerText() As String
    NoLedgerText = "这台电脑的 Python 环境里没有装好回访台账程序（ledger 或 xlwings）。" & vbCrLf & _
                   "请让 IT 同事重新运行 install.ps1，然后重新启动 Excel。" & vbCrLf & vbCrLf & _
                   "The ledger package (or xlwings) is not installed. Ask IT to run install.ps1 again."
End Function

Private Function NoServerText() As String
    NoServerText = "回访台账的后台 Python 服务没有运行。" & vbCrLf & _
                   "请注销后重新登录 Windows；如果还不行，请让 IT 同事运行 install.ps1 -ComServer。" & vbCrLf & vbCrLf & _
                   "The ledger's Python COM server is not running. Sign out and in again, or ask IT to run install.ps1 -ComServer."
End Function

Private Function MismatchText(ByVal found As String) As String
    MismatchText = "加载项需要 xlwings " & XLWINGS_VERSION & "，电脑上装的是 " & found & "。" & vbCrLf & _
                   "请让 IT 同事重新运行 install.ps1（会装上正确的版本）。" & vbCrLf & vbCrLf & _
                   "The add-in needs xlwings " & XLWINGS_VERSION & " but " & found & " is installed. Ask IT to run install.ps1 again."
End Function

Private Function FailedText(ByVal description As String) As String
    FailedText = "按钮没有运行成功，台账没有被修改：" & vbCrLf & description & vbCrLf & vbCrLf & _
                 "请截图发给 IT 同事。" & vbCrLf & _
                 "The button did not run; the ledger was not changed. Send a screenshot to IT."
End Function
