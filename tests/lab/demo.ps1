<#
.SYNOPSIS
    The PowerShell half of tests/lab/demo.sh: the MailFlowTools module against the lab, run inside its client
    namespace. Exchange-shaped objects piped into the cmdlets, then Debug-MailFlow with each cause checked.
.PARAMETER ModulePath
    The built module's manifest (build.ps1 -ModuleOnly lays it out in out/MailFlowTools).
.PARAMETER Expected
    "domain=Cause" pairs, separate or in one argument separated by commas or spaces: the cause Debug-MailFlow
    must name for each domain.
.OUTPUTS
    One summary line per diagnosis; exit 0 only when every cause matched.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string[]] $Expected
)
$ErrorActionPreference = 'Stop'
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).Path
# pwsh -File passes "a=b,c=d" as one string.
$Expected = @($Expected -split '[,\s]+' | Where-Object { $_ })
Import-Module $ModulePath

Write-Host "`n== Get-AcceptedDomain | Test-MxPath | Format-Table (accepted domains shaped like Exchange's)"
$accepted = 'healthy', 'masked', 'failover', 'nullmx' | ForEach-Object {
    [pscustomobject]@{ Name = (Get-Culture).TextInfo.ToTitleCase($_); DomainName = "$_.lab.test"; DomainType = 'Authoritative' }
}
$accepted | Test-MxPath -BannerTimeoutSeconds 5 | Format-Table -Property 'DomainName', 'MxSource', 'Reachable', 'SelectedHop', 'Summary' -AutoSize -Wrap | Out-String -Width 200 | Write-Host

Write-Host "== Get-Queue | Resolve-SmtpStatus (a retrying queue and one with LastError `$null)"
@(
    [pscustomobject]@{ Identity = 'EX01\41'; Status = 'Ready'; NextHopDomain = 'healthy.lab.test'; LastError = $null }
    [pscustomobject]@{ Identity = 'EX01\42'; Status = 'Retry'; NextHopDomain = 'stall.lab.test'; LastError = (Get-Content -Raw samples/queue-lasterror.txt).Trim() }
) | Resolve-SmtpStatus | Format-List -Property 'EnhancedStatus', 'UnderlyingStatus', 'Detail', 'NetworkInterpretation', 'SuggestedCmdlets' | Out-String -Width 160 | Write-Host

Write-Host "== Debug-MailFlow, $($Expected.Count) domains side by side"
$pairs = $Expected | ForEach-Object { $domain, $cause = $_ -split '=', 2; [pscustomobject]@{ Domain = $domain; Cause = $cause } }
$runs = $pairs | ForEach-Object -ThrottleLimit 4 -Parallel {
    Import-Module $using:ModulePath
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $diagnosis = Debug-MailFlow $_.Domain -ErrorAction Continue
    [pscustomobject]@{ Domain = $_.Domain; Expected = $_.Cause; Diagnosis = $diagnosis; Seconds = $watch.Elapsed.TotalSeconds }
}
$failures = 0
$summary = foreach ($pair in $pairs) {
    $run = $runs | Where-Object Domain -eq $pair.Domain
    Write-Host "`n== Debug-MailFlow $($pair.Domain)"
    $run.Diagnosis | Out-String -Width 160 | Write-Host
    $found = if ($run.Diagnosis) { $run.Diagnosis.Cause } else { '(no result)' }
    $verdict = if ($found -eq $pair.Cause) { 'ok' } else { $failures++; 'MISMATCH' }
    '{0,-22} {1,-24} {2,-24} {3,6:0.0} s  {4}' -f $pair.Domain, $pair.Cause, $found, $run.Seconds, $verdict
}
Write-Host "`n== PowerShell summary"
Write-Host ('{0,-22} {1,-24} {2,-24} {3,8}' -f 'domain', 'expected', 'found', 'time')
$summary | ForEach-Object { Write-Host $_ }
exit ([int]($failures -gt 0))
