# The module's dependencies cannot clash with what the session already has (PowerShell 7: the module's own load
# context over out/MailFlowTools/net8.0/Dependencies, src/MailFlowTools/Isolation). Each test runs in a fresh pwsh
# that loads another build of a shared dependency first, then imports the module and reads a MIME NDR.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $pwsh = (Get-Command pwsh -CommandType Application | Select-Object -First 1).Source
    $nuget = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
    # Restored by tests/Pester/setup.sh (tests/Pester/packages): assembly version 2.0.0.0, like the module's 2.7.0.
    $oldBouncyCastle = Join-Path $nuget 'bouncycastle.cryptography/2.4.0/lib/net6.0/BouncyCastle.Cryptography.dll'
    $ndr = (Resolve-Path (Join-Path $PSScriptRoot '../Fixtures/ndr/postfix-two-recipients-base64.eml')).Path

    function Invoke-FreshSession([string] $Script) {
        $file = Join-Path ([System.IO.Path]::GetTempPath()) ([guid]::NewGuid().ToString('n') + '.ps1')
        Set-Content -LiteralPath $file -Value $Script
        try {
            $output = & $pwsh -NoProfile -NonInteractive -File $file 2>&1
            $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
            ($output | Select-Object -Last 1) | ConvertFrom-Json
        }
        finally {
            Remove-Item -LiteralPath $file -ErrorAction SilentlyContinue
        }
    }
}

Describe 'Dependency isolation' {
    It 'reads a MIME NDR with its own BouncyCastle after the session loaded an older build of the same assembly version' {
        Test-Path -LiteralPath $oldBouncyCastle | Should -BeTrue -Because 'tests/Pester/setup.sh restores BouncyCastle.Cryptography 2.4.0'
        $result = Invoke-FreshSession @"
`$ErrorActionPreference = 'Stop'
`$sessionCopy = [System.Reflection.Assembly]::LoadFrom('$oldBouncyCastle')
Import-Module '$($script:ModulePath)'
`$statuses = @(Resolve-SmtpStatus -Path '$ndr')
`$context = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'MailFlowTools'
# What MimeKit's reference to BouncyCastle.Cryptography 2.0.0.0 binds to inside the module's context.
`$moduleCopy = `$context.LoadFromAssemblyName([System.Reflection.AssemblyName]'BouncyCastle.Cryptography')
`$mimeKit = @(`$context.Assemblies | Where-Object { `$_.GetName().Name -eq 'MimeKit' })
[pscustomobject]@{
    Recipients     = @(`$statuses | ForEach-Object FinalRecipient)
    Statuses       = @(`$statuses | ForEach-Object EnhancedStatus)
    SessionVersion = [System.Diagnostics.FileVersionInfo]::GetVersionInfo(`$sessionCopy.Location).ProductVersion
    ModuleVersion  = [System.Diagnostics.FileVersionInfo]::GetVersionInfo(`$moduleCopy.Location).ProductVersion
    SameAssembly   = [object]::ReferenceEquals(`$sessionCopy, `$moduleCopy)
    ModuleFolder   = Split-Path -Leaf (Split-Path -Parent `$moduleCopy.Location)
    MimeKitLoaded  = `$mimeKit.Count
    DefaultHasMime = @([System.Runtime.Loader.AssemblyLoadContext]::Default.Assemblies | Where-Object { `$_.GetName().Name -in 'MimeKit', 'MailFlowTools.Mime' }).Count
} | ConvertTo-Json -Compress
"@
        $result.Recipients | Should -Be @('bob@contoso.example', 'carol@fabrikam.example')
        $result.Statuses | Should -Be @('5.1.1', '4.4.1')
        $result.SessionVersion | Should -BeLike '2.4.0*'
        $result.ModuleVersion | Should -BeLike '2.7.0*'
        $result.SameAssembly | Should -BeFalse
        $result.ModuleFolder | Should -Be 'Dependencies'
        $result.MimeKitLoaded | Should -Be 1
        $result.DefaultHasMime | Should -Be 0
    }

    It 'leaves the session''s copy in place for the session''s own code' {
        $result = Invoke-FreshSession @"
`$ErrorActionPreference = 'Stop'
`$sessionCopy = [System.Reflection.Assembly]::LoadFrom('$oldBouncyCastle')
Import-Module '$($script:ModulePath)'
`$null = Resolve-SmtpStatus -Path '$ndr'
# The session's code still gets its own build when it asks the default context by name.
`$byName = [System.Runtime.Loader.AssemblyLoadContext]::Default.Assemblies | Where-Object { `$_.GetName().Name -eq 'BouncyCastle.Cryptography' }
[pscustomobject]@{
    Copies  = @(`$byName).Count
    Version = [System.Diagnostics.FileVersionInfo]::GetVersionInfo(@(`$byName)[0].Location).ProductVersion
} | ConvertTo-Json -Compress
"@
        $result.Copies | Should -Be 1
        $result.Version | Should -BeLike '2.4.0*'
    }
}
