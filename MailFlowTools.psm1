# Loads the build that matches the running PowerShell: netstandard2.0 for Windows PowerShell 5.1 (Desktop),
# net8.0 for PowerShell 7 (Core).
$framework = if ($PSVersionTable.PSEdition -eq 'Core') { 'net8.0' } else { 'netstandard2.0' }
$assemblyPath = [System.IO.Path]::Combine($PSScriptRoot, $framework, 'MailFlowTools.dll')

if (-not (Test-Path -LiteralPath $assemblyPath)) {
    throw "MailFlowTools: '$assemblyPath' is missing. Build the module with build.ps1 and import it from out/MailFlowTools."
}

$module = Import-Module -Name $assemblyPath -PassThru -ErrorAction Stop
Export-ModuleMember -Cmdlet $module.ExportedCmdlets.Keys
