# Deliberately broken: the syntax check must reject this file.
function Test-Broken {
    param([string] $Name
    if ($Name -eq {
        Write-Output "never closed"
}
