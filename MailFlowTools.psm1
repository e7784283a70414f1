# Loads the build that matches the running PowerShell: netstandard2.0 for Windows PowerShell 5.1 (Desktop),
# net8.0 for PowerShell 7 (Core). Works from the built module folder (out/MailFlowTools) and, after a build,
# from the repository root, which finds the same files under out/MailFlowTools.
$framework = if ($PSVersionTable.PSEdition -eq 'Core') { 'net8.0' } else { 'netstandard2.0' }
$moduleBase = $null
foreach ($candidate in $PSScriptRoot, [System.IO.Path]::Combine($PSScriptRoot, 'out', 'MailFlowTools')) {
    if (Test-Path -LiteralPath ([System.IO.Path]::Combine($candidate, $framework, 'MailFlowTools.dll'))) {
        $moduleBase = $candidate
        break
    }
}
if ($null -eq $moduleBase) {
    throw "MailFlowTools is not built: run ./build.ps1, then Import-Module ./out/MailFlowTools/MailFlowTools.psd1."
}

# Format data is loaded here rather than through the manifest, so that the manifest imports from the
# repository root too; the views apply to the result types only, so loading them twice is harmless.
Update-FormatData -PrependPath ([System.IO.Path]::Combine($moduleBase, 'MailFlowTools.Format.ps1xml')), ([System.IO.Path]::Combine($moduleBase, 'MailFlowTools.Deserialized.Format.ps1xml'))

$binary = Import-Module -Name ([System.IO.Path]::Combine($moduleBase, $framework, 'MailFlowTools.dll')) -PassThru -ErrorAction Stop
# Type data after the assembly, whose converter rebuilds results that arrive through jobs, remoting or
# Import-Clixml (docs/architecture.md, "Results that travel").
Update-TypeData -PrependPath ([System.IO.Path]::Combine($moduleBase, 'MailFlowTools.Types.ps1xml'))
# ExportedCmdlets.Keys is a key collection: bound as it is, it becomes one string and exports nothing.
[string[]] $cmdletNames = @($binary.ExportedCmdlets.Keys)
Export-ModuleMember -Cmdlet $cmdletNames
