<#
.SYNOPSIS
    Builds MailFlowTools into out/MailFlowTools (the module) and out/mailflow (the CLI), and optionally tests it.
    -Native also builds out/native/mailflow: the CLI compiled ahead of time for linux-x64, one file that needs no
    .NET runtime (needs clang and zlib1g-dev; the module keeps loading the IL build).
.EXAMPLE
    ./build.ps1 -Configuration Release -Clean -Test
.EXAMPLE
    ./build.ps1 -Native
#>
[CmdletBinding()]
param(
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Remove out/ and all bin/obj folders first.
    [switch] $Clean,

    # Build only the module (out/MailFlowTools), not the CLI.
    [switch] $ModuleOnly,

    # Also build the native CLI (Native AOT, linux-x64) into out/native/mailflow.
    [switch] $Native,

    # Run the whole suite afterwards: tests/run.sh (xunit, then Pester in pwsh under Pester 5.7.1 and 6.2.0).
    [switch] $Test
)

$ErrorActionPreference = 'Stop'
$root = $PSScriptRoot
$moduleOut = Join-Path $root 'out/MailFlowTools'
$cliOut = Join-Path $root 'out/mailflow'

function Invoke-DotNet {
    & dotnet @args
    if ($LASTEXITCODE -ne 0) {
        throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE."
    }
}

if ($Clean) {
    Remove-Item -LiteralPath (Join-Path $root 'out') -Recurse -Force -ErrorAction SilentlyContinue
    Get-ChildItem -Path (Join-Path $root 'src'), (Join-Path $root 'tests') -Directory -Recurse -Include 'bin', 'obj' |
        Remove-Item -Recurse -Force -ErrorAction SilentlyContinue
}

# One folder per target framework; MailFlowTools.psm1 picks the one that matches the running edition.
foreach ($framework in 'netstandard2.0', 'net8.0') {
    Invoke-DotNet publish (Join-Path $root 'src/MailFlowTools/MailFlowTools.csproj') -c $Configuration -f $framework -o (Join-Path $moduleOut $framework) --nologo -v q
}

# PowerShell 7 loads the module's dependencies (MimeKit, BouncyCastle, newer System.Formats.Asn1 and
# System.Security.Cryptography.Pkcs) into the module's own load context from net8.0/Dependencies, which the default
# context never probes, so they cannot clash with other versions in the session (src/MailFlowTools/Isolation).
# Only the cmdlet assembly and the engines whose types the cmdlets hand out stay beside the module.
$coreFolder = Join-Path $moduleOut 'net8.0'
$dependencies = Join-Path $coreFolder 'Dependencies'
Remove-Item -LiteralPath $dependencies -Recurse -Force -ErrorAction SilentlyContinue
New-Item -ItemType Directory -Path $dependencies -Force | Out-Null
Get-ChildItem -LiteralPath $coreFolder -File |
    Where-Object { $_.Extension -in '.dll', '.pdb' -and $_.BaseName -notin 'MailFlowTools', 'MailFlowTools.Core' } |
    Move-Item -Destination $dependencies -Force
$runtimes = Join-Path $coreFolder 'runtimes'
if (Test-Path -LiteralPath $runtimes) {
    Move-Item -LiteralPath $runtimes -Destination $dependencies -Force
}

Copy-Item -LiteralPath (Join-Path $root 'MailFlowTools.psd1'), (Join-Path $root 'MailFlowTools.psm1') -Destination $moduleOut -Force
Copy-Item -LiteralPath (Join-Path $root 'src/MailFlowTools/MailFlowTools.Format.ps1xml'), (Join-Path $root 'src/MailFlowTools/MailFlowTools.Types.ps1xml') -Destination $moduleOut -Force
# Results that arrive through Invoke-Command stay Deserialized.* (remoting deserializes without the session's type
# data, so they are not rebuilt): the same views, derived here, apply to them under those names.
$views = [xml](Get-Content -Raw -LiteralPath (Join-Path $moduleOut 'MailFlowTools.Format.ps1xml'))
foreach ($typeName in $views.SelectNodes('//TypeName[starts-with(normalize-space(.), "MailFlowTools.")]')) {
    $typeName.InnerText = 'Deserialized.' + $typeName.InnerText.Trim()
}
foreach ($viewName in $views.SelectNodes('//View/Name')) { $viewName.InnerText = 'Deserialized.' + $viewName.InnerText.Trim() }
$views.Save((Join-Path $moduleOut 'MailFlowTools.Deserialized.Format.ps1xml'))
Copy-Item -LiteralPath (Join-Path $root 'en-US') -Destination $moduleOut -Recurse -Force
# The per-framework folders carry their own copy of the format and type files; the module loads the root ones.
Get-ChildItem -Path $moduleOut -Recurse -Include 'MailFlowTools.Format.ps1xml', 'MailFlowTools.Types.ps1xml' |
    Where-Object { $_.DirectoryName -ne $moduleOut } |
    Remove-Item -Force

Write-Host "Module: $moduleOut"
if (-not $ModuleOnly) {
    Invoke-DotNet publish (Join-Path $root 'src/MailFlowTools.Cli/MailFlowTools.Cli.csproj') -c $Configuration -o $cliOut --nologo
    Write-Host "CLI:    $(Join-Path $cliOut 'mailflow')"
}

if ($Native) {
    $nativeOut = Join-Path $root 'out/native'
    Invoke-DotNet publish (Join-Path $root 'src/MailFlowTools.Cli/MailFlowTools.Cli.csproj') -c $Configuration -r linux-x64 -p:PublishAot=true -o $nativeOut --nologo
    Write-Host "Native: $(Join-Path $nativeOut 'mailflow')"
}

if ($Test) {
    & bash (Join-Path $root 'tests/run.sh')
    if ($LASTEXITCODE -ne 0) {
        throw "tests/run.sh failed with exit code $LASTEXITCODE."
    }
}
