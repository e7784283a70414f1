# Dot-sourced by the lab Pester files (Lab*.Tests.ps1, Binding.Tests.ps1, Progress and Stop tests) after
# TestHelpers.ps1, in BeforeDiscovery (for -Skip) and in BeforeAll (for the helpers).

# Whether the lab is reachable from here, and the reason shown in the block name when it is not.
$script:NoLab = -not (Test-MailFlowLab)
$script:LabSkipNote = if ($script:NoLab) { ' (skipped: needs the lab up and this PowerShell inside its client namespace, ip netns exec mfl-client)' } else { '' }

# The scenarios of tests/lab/demo.sh and the cause and location Debug-MailFlow must name for each.
$script:DemoScenarios = @(
    @{ Domain = 'big.lab.test'; Cause = 'LargeUdpResponsesLost'; Location = 'Path' }
    @{ Domain = 'sizeloss.lab.test'; Cause = 'SizeSpecificLoss'; Location = 'Path' }
    @{ Domain = 'blackhole.lab.test'; Cause = 'PmtudBlackHole'; Location = 'Path' }
    @{ Domain = 'masked.lab.test'; Cause = 'BannerMasked'; Location = 'Path' }
    @{ Domain = 'stall.lab.test'; Cause = 'TransferStalled'; Location = 'Path' }
    @{ Domain = 'failover.lab.test'; Cause = 'NoBannerAfterConnect'; Location = 'RemoteHost' }
    @{ Domain = 'nullmx.lab.test'; Cause = 'NullMx'; Location = 'RemoteHost' }
    @{ Domain = 'unreachable.lab.test'; Cause = 'AllHopsFailed'; Location = 'Path' }
    @{ Domain = 'healthy.lab.test'; Cause = 'None'; Location = 'None' }
)

# The lab's Postfix log: one 'status=sent' line per delivered recipient (tests/lab/addresses.md).
$script:LabMailLog = '/run/mfl/postfix.log'

function Get-LabMailLogLineCount {
    if (-not (Test-Path -LiteralPath $script:LabMailLog)) { return 0 }
    return @(Get-Content -LiteralPath $script:LabMailLog).Count
}

# Deliveries to the probes' recipients (postmaster@<domain>, or the given addresses) logged after line $Since.
# The lab is shared: other tests deliver on purpose to postmaster@lab.test, so only our own recipients count.
function Get-LabProbeDelivery {
    param([int] $Since, [string[]] $Domain, [string[]] $Recipient = @())
    if (-not (Test-Path -LiteralPath $script:LabMailLog)) { return @() }
    $wanted = @($Domain | ForEach-Object { "to=<postmaster@$_>" }) + @($Recipient | ForEach-Object { "to=<$_>" })
    return @(Get-Content -LiteralPath $script:LabMailLog | Select-Object -Skip $Since |
        Where-Object { $_ -match 'status=sent' } |
        Where-Object { $line = $_; @($wanted | Where-Object { $line.Contains($_) }).Count -gt 0 })
}

# Codes of the findings at Warning or Error (a result's Findings, or a diagnosis's staged findings).
function Get-ProblemCode {
    param([Parameter(ValueFromPipeline)] $Result)
    process {
        foreach ($finding in @($Result.Findings)) {
            $f = if ($null -ne $finding.PSObject.Properties['Finding']) { $finding.Finding } else { $finding }
            if ("$($f.Severity)" -ne 'Info') { "$($f.Code)" }
        }
    }
}
