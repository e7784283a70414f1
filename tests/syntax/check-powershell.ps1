<#
.SYNOPSIS
    Parses PowerShell files (.ps1, .psm1, .psd1) with PowerShell's own parser and reports every syntax error.
.DESCRIPTION
    Usage: pwsh -File check-powershell.ps1 [-Root DIR] [FILE...]   (no files: every PowerShell file under DIR)
    Prints "ok    <path>" per clean file and "ERROR <path>:<line>:<column>: <message>" per error; a .psd1 must
    also be a data file (what Import-PowerShellDataFile accepts). Exit 0: all clean. 1: errors. 2: no files.
#>
[CmdletBinding(PositionalBinding = $false)]
param(
    [string] $Root = (Get-Location).Path,
    [Parameter(Position = 0, ValueFromRemainingArguments)] [string[]] $Files
)
$extensions = '.ps1', '.psm1', '.psd1'
$skipDirs = 'node_modules', 'bin', 'obj', 'out', '.git', 'Fixtures'

function Find-PowerShellFile([string] $dir) {
    foreach ($entry in Get-ChildItem -LiteralPath $dir -Force) {
        if ($entry.PSIsContainer) {
            if ($entry.Name -notin $skipDirs) { Find-PowerShellFile $entry.FullName }
        }
        elseif ($entry.Extension.ToLowerInvariant() -in $extensions) { $entry.FullName }
    }
}

$targets = if ($Files) { $Files } else { @(Find-PowerShellFile $Root | Sort-Object) }
if (-not $targets) {
    [Console]::Error.WriteLine('check-powershell: no PowerShell files found.')
    exit 2
}

$rootFull = [System.IO.Path]::GetFullPath($Root)
$errors = 0
foreach ($file in $targets) {
    $full = [System.IO.Path]::GetFullPath($file)
    $shown = if ($Files) { $file } else { [System.IO.Path]::GetRelativePath($rootFull, $full) }
    $tokens = $null
    $parseErrors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseFile($full, [ref] $tokens, [ref] $parseErrors)
    $problems = @($parseErrors | ForEach-Object { '{0}:{1}:{2}: {3}' -f $shown, $_.Extent.StartLineNumber, $_.Extent.StartColumnNumber, $_.Message })
    if (-not $problems -and $full.EndsWith('.psd1', [StringComparison]::OrdinalIgnoreCase)) {
        try { $null = Import-PowerShellDataFile -LiteralPath $full -ErrorAction Stop }
        catch { $problems = @("${shown}:1:1: not a data file: $($_.Exception.Message)") }
    }
    if ($problems) {
        $errors += $problems.Count
        $problems | ForEach-Object { "ERROR $_" }
    }
    else {
        "ok    $shown"
    }
}
"$($targets.Count) file(s) checked, $errors syntax error(s)."
exit ([int]($errors -gt 0))
