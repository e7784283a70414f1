# The module surface in real PowerShell (Pester 5.7.1 and 6.2.0; tests/Pester/Invoke-MailFlowPester.ps1 runs it
# after build.ps1): the exact exported set, typed results, pipeline binding, errors and Stop.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $modulePath = $script:ModulePath
}

AfterAll {
    Remove-Module MailFlowTools -ErrorAction SilentlyContinue
}

Describe 'Module' {
    It 'exports exactly the six cmdlets, and the manifest lists the same six for auto-loading' {
        $manifest = Import-PowerShellDataFile (Join-Path $PSScriptRoot '../../MailFlowTools.psd1')
        $exported = @(Get-Command -Module MailFlowTools | ForEach-Object Name | Sort-Object)
        $exported.Count | Should -Be 6
        $exported | Should -Be $script:ExpectedCmdlets
        @($manifest.CmdletsToExport | Sort-Object) | Should -Be $script:ExpectedCmdlets
    }

    It 'has help with examples for every cmdlet' {
        foreach ($command in $script:ExpectedCmdlets) {
            $help = Get-Help $command -Full
            $help.Synopsis | Should -Not -BeNullOrEmpty
            @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        }
    }
}

Describe 'Loading' {
    BeforeAll {
        # The pwsh on PATH (under the .NET tool, this process is the dotnet host, not pwsh).
        $pwsh = (Get-Command pwsh -CommandType Application | Select-Object -First 1).Source
        $builtFolder = Split-Path -Parent $script:ModulePath
    }

    It 'auto-loads from PSModulePath on the first use of a cmdlet, from any directory, with no Import-Module' {
        $modulesRoot = Join-Path ([System.IO.Path]::GetTempPath()) ([guid]::NewGuid().ToString('n'))
        $null = New-Item -ItemType Directory -Path $modulesRoot
        try {
            # A PSModulePath entry holds module folders named after the module.
            $null = New-Item -ItemType SymbolicLink -Path (Join-Path $modulesRoot 'MailFlowTools') -Target $builtFolder
            $output = & $pwsh -NoProfile -NonInteractive -Command {
                $env:PSModulePath = $args[0] + [IO.Path]::PathSeparator + $env:PSModulePath
                Set-Location ([IO.Path]::GetTempPath())
                $r = Resolve-SmtpStatus '451 4.4.7'
                '{0}|{1}|{2}' -f $r.EnhancedStatus, (Get-Module MailFlowTools).Name, @(Get-Command -Module MailFlowTools).Count
            } -args $modulesRoot
            $LASTEXITCODE | Should -Be 0
            $output | Should -Be '4.4.7|MailFlowTools|6'
        }
        finally {
            Remove-Item -LiteralPath $modulesRoot -Recurse -Force
        }
    }

    It 'imports from the repository root after a build, with all six cmdlets' {
        $output = & $pwsh -NoProfile -NonInteractive -Command {
            Import-Module $args[0] -ErrorAction Stop
            @(Get-Command -Module MailFlowTools).Count
        } -args (Join-Path $script:RepoRoot 'MailFlowTools.psd1')
        $LASTEXITCODE | Should -Be 0
        $output | Should -Be '6'
    }

    It 'refuses to import an unbuilt checkout with one line that names build.ps1' {
        $checkout = Join-Path ([System.IO.Path]::GetTempPath()) ([guid]::NewGuid().ToString('n'))
        $null = New-Item -ItemType Directory -Path $checkout
        try {
            Copy-Item (Join-Path $script:RepoRoot 'MailFlowTools.psd1'), (Join-Path $script:RepoRoot 'MailFlowTools.psm1') -Destination $checkout
            $message = & $pwsh -NoProfile -NonInteractive -Command {
                try { Import-Module $args[0] -ErrorAction Stop; 'imported' } catch { $_.Exception.Message }
            } -args (Join-Path $checkout 'MailFlowTools.psd1')
            @($message).Count | Should -Be 1
            $message | Should -BeLike '*not built*build.ps1*'
        }
        finally {
            Remove-Item -LiteralPath $checkout -Recurse -Force
        }
    }
}

Describe 'Resolve-SmtpStatus' {
    It 'explains 4.4.7' {
        $result = Resolve-SmtpStatus 4.4.7
        $result.GetType().Name | Should -Be 'SmtpStatusResult'
        $result.Detail | Should -Be 'Delivery time expired'
        $result.Findings.Code | Should -Contain 'DeliveryTimeExpired'
    }

    It 'binds a Get-Queue item by its LastError property' {
        $queueItem = [pscustomobject]@{ Identity = 'ex01\3'; NextHopDomain = 'big.lab.test'; LastError = '451 4.4.0 Primary target IP address responded with: "421 4.4.2 Connection dropped."' }
        $result = $queueItem | Resolve-SmtpStatus
        $result.UnderlyingStatus | Should -Be '421 4.4.2'
    }

    It 'reports text without a status as a non-terminating error with a stable ID' {
        $null = Resolve-SmtpStatus 'no status here' -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'NoStatusInInput*'
    }
}

Describe 'Debug-MailFlow' {
    It 'takes a Get-Queue item whole, so an internal queue is a non-terminating error before any probe' {
        $queueItem = [pscustomobject]@{ Identity = 'ex01\Submission'; NextHopDomain = 'Submission'; LastError = '' }
        $results = $queueItem | Debug-MailFlow -Quick -ErrorVariable problems -ErrorAction SilentlyContinue
        $results | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'InvalidDomainName*'
    }

    It 'rejects a timeout out of range' {
        { Debug-MailFlow contoso.com -TimeoutSeconds 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,MailFlowTools.Commands.DebugMailFlowCommand'
    }

    It 'declares MailFlowDiagnosis as its output' {
        (Get-Command Debug-MailFlow).OutputType.Name | Should -Contain 'MailFlowTools.Core.Diagnosis.MailFlowDiagnosis'
    }
}

Describe 'Pipeline binding' {
    It 'takes Get-AcceptedDomain items whole in Test-MxPath and Test-EdnsReachability (invalid name: error, no probe)' {
        $accepted = [pscustomobject]@{ Name = 'Contoso'; DomainName = 'bad..name'; DomainType = 'Authoritative' }
        foreach ($command in 'Test-MxPath', 'Test-EdnsReachability') {
            $results = $accepted | & $command -ErrorVariable problems -ErrorAction SilentlyContinue
            $results | Should -BeNullOrEmpty
            $problems[0].FullyQualifiedErrorId | Should -BeLike 'InvalidDomainName*'
        }
    }

    It 'binds a Test-MxPath hop to Find-MtuBlackHole and Get-SmtpStageTiming by property name' {
        foreach ($command in 'Find-MtuBlackHole', 'Get-SmtpStageTiming') {
            $parameter = (Get-Command $command).Parameters.Values |
                Where-Object { $_.Aliases -contains 'Address' -and $_.Attributes.ValueFromPipelineByPropertyName -contains $true }
            $parameter | Should -Not -BeNullOrEmpty
        }
    }
}

Describe 'Stop (Ctrl+C)' {
    It 'ends Get-SmtpStageTiming within 250 ms while it waits for a banner that never comes' {
        # A loopback listener that accepts (the kernel does) and never greets.
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        $shell = [powershell]::Create()
        try {
            # One command per invocation: a stopped multi-statement batch can crash the host when it is disposed.
            $null = $shell.AddCommand('Import-Module').AddArgument($modulePath).Invoke()
            $shell.Commands.Clear()
            $null = $shell.AddCommand('Get-SmtpStageTiming').AddParameter('ComputerName', '127.0.0.1').
                AddParameter('Port', $listener.LocalEndpoint.Port).AddParameter('TimeoutSeconds', 30)
            $async = $shell.BeginInvoke()
            Start-Sleep -Seconds 2
            $async.IsCompleted | Should -BeFalse
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $shell.Stop()
            $clock.Stop()
            $clock.ElapsedMilliseconds | Should -BeLessThan 250
            $shell.InvocationStateInfo.State | Should -Be 'Stopped'
        }
        finally {
            $shell.Dispose()
            $listener.Stop()
        }
    }
}
