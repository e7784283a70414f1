@{
    RootModule        = 'BrokenModule.dll'
    ModuleVersion     = '0.0.1'
    GUID              = '0b7e2a57-49a4-4f0e-8f7b-2b0f2d4e9c11'
    PowerShellVersion = '5.1'
    CmdletsToExport   = @('Fetch-Thing', 'Test-Mismatch', 'Get-Ghost')
}
