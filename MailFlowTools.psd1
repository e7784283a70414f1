@{
    RootModule           = 'MailFlowTools.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0e6f3e-2f4c-4d7a-9a51-6f1c2d8e4a10'
    Author               = 'MailFlowTools developers'
    CompanyName          = 'MailFlowTools'
    Copyright            = '(c) MailFlowTools developers. All rights reserved.'
    Description          = 'Finds the network-path causes of mail failures: lost EDNS answers, PMTU black holes, size-specific loss, stalled transfers and silent MX hosts.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    CmdletsToExport      = @(
        'Resolve-SmtpStatus'
        'Get-SmtpStageTiming'
        'Test-EdnsReachability'
        'Test-MxPath'
        'Find-MtuBlackHole'
        'Debug-MailFlow'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('SMTP', 'DNS', 'EDNS', 'MTU', 'Exchange', 'Postfix', 'MailFlow', 'Troubleshooting')
            ProjectUri = ''
        }
    }
}
