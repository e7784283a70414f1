# Dot-sourced by every tests/Pester/*.Tests.ps1 in its BeforeAll. It imports the module under test (the path the
# runner sets in MAILFLOW_MODULE_PATH, else out/MailFlowTools) and refuses to go on unless the module exports
# exactly the six cmdlets: no test in any file can then pass on an empty or partial module.
$script:ExpectedCmdlets = @(
    'Debug-MailFlow'
    'Find-MtuBlackHole'
    'Get-SmtpStageTiming'
    'Resolve-SmtpStatus'
    'Test-EdnsReachability'
    'Test-MxPath'
)
$script:ModulePath = if ($env:MAILFLOW_MODULE_PATH) { $env:MAILFLOW_MODULE_PATH } else { Join-Path $PSScriptRoot '../../out/MailFlowTools/MailFlowTools.psd1' }
$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path

Import-Module $script:ModulePath -Force -ErrorAction Stop
$exported = @(Get-Command -Module MailFlowTools -CommandType Cmdlet | ForEach-Object Name | Sort-Object)
if (($exported -join ',') -ne ($script:ExpectedCmdlets -join ',')) {
    throw "MailFlowTools exports [$($exported -join ', ')], not the six cmdlets [$($script:ExpectedCmdlets -join ', ')]."
}

# True when this PowerShell runs inside the lab's client namespace (it has the client address 192.0.2.10) and
# the lab is up (tests/lab/lab.sh up). Lab tests skip otherwise; tests/run.sh runs the suite in that namespace as
# root, and fails a run in which a lab test skipped there.
function Test-MailFlowLab {
    $addresses = [System.Net.NetworkInformation.NetworkInterface]::GetAllNetworkInterfaces() |
        ForEach-Object { $_.GetIPProperties().UnicastAddresses.Address.IPAddressToString }
    return ($addresses -contains '192.0.2.10') -and (Test-Path -LiteralPath '/run/mfl/postfix.log')
}
