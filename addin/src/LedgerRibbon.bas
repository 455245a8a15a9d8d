Attribute VB_Name = "LedgerRibbon"
' Ribbon callbacks of the ledger add-in.
' Every button of the ribbon calls LedgerButton; the Python side
' (ledger.xl.dispatch) decides what a button id means, so adding a button
' needs no VBA change. RunPython comes from the xlwings module of this add-in.
' Non-ASCII text in string literals is turned into ChrW() by addin/build.py,
' because VBA source is stored in the project's code page (1252).
Option Explicit

Public Sub LedgerButton(control As IRibbonControl)
    If ActiveWorkbook Is Nothing Then
        MsgBox "请先打开台账工作簿，再点按钮。" & vbCrLf & _
               "請先打開台帳工作簿，再點按鈕。" & vbCrLf & _
               "Please open the ledger workbook first, then press the button.", _
               vbExclamation, "回访台账"
        Exit Sub
    End If
    RunPython "import ledger.xl as x; x.dispatch('" & control.Id & "')"
End Sub
