<#
.SYNOPSIS
    Runs tests/Pester against the built module (out/MailFlowTools) under one Pester version, prints the tally as
    "Pester <version>: N passed, N failed, N skipped" and exits 1 when any test failed or the run itself broke.
.PARAMETER PesterModule
    Path to the Pester.psd1 to import (the NuGet package's tools/Pester.psd1).
.PARAMETER ModulePath
    The module manifest under test; default out/MailFlowTools/MailFlowTools.psd1.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $PesterModule,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/MailFlowTools/MailFlowTools.psd1'),
    [string[]] $Path = @($PSScriptRoot),
    [string] $ResultPath
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterModule -Force
$version = (Get-Module Pester).Version
# The tests import the module from here, so a run can be pointed at another build (or a broken one).
$env:MAILFLOW_MODULE_PATH = (Resolve-Path -LiteralPath $ModulePath).Path

$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
if ($ResultPath) {
    $configuration.TestResult.Enabled = $true
    $configuration.TestResult.OutputPath = $ResultPath
    $configuration.TestResult.OutputFormat = 'NUnitXml'
}
try {
    $result = Invoke-Pester -Configuration $configuration
}
catch {
    # Pester itself failed (a bad path, a broken configuration): no tally, and a failed run.
    Write-Host "Pester $version could not run: $($_.Exception.Message)"
    exit 1
}

# A container that failed to load (syntax error, BeforeAll throwing) is a failure even if no test ran.
$broken = @($result.Containers | Where-Object { $_.Result -eq 'Failed' -and -not $_.Passed }).Count
$skipped = $result.SkippedCount + $result.NotRunCount
Write-Host ("Pester {0}: {1} passed, {2} failed, {3} skipped" -f $version, $result.PassedCount, $result.FailedCount, $skipped)
# The failures by name, after the tally, so the suite's last lines say what failed.
foreach ($test in @($result.Failed)) {
    $first = "$($test.ErrorRecord | Select-Object -First 1)" -split "`n" | Select-Object -First 1
    Write-Host ("Pester {0} failed: {1}: {2}" -f $version, $test.ExpandedPath, $first)
}
foreach ($container in @($result.Containers | Where-Object { $_.Result -eq 'Failed' -and -not $_.Passed })) {
    Write-Host ("Pester {0} failed: container {1}" -f $version, $container.Item)
}
if ($result.FailedCount -gt 0 -or $result.FailedBlocksCount -gt 0 -or $result.FailedContainersCount -gt 0 -or $result.PassedCount -eq 0) {
    exit 1
}
exit 0
