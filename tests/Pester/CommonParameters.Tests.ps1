# PowerShell's common parameters on the six cmdlets: -Verbose, -ErrorAction (Stop, SilentlyContinue, Ignore),
# -ErrorVariable and $ErrorActionPreference, with the stable error IDs of docs/input-validation.md.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'LabHelpers.ps1')
    # A "could not run" input for each cmdlet that needs no network: checked before any probe.
    $couldNotRun = @(
        @{ Command = 'Resolve-SmtpStatus'; Target = 'hello there'; ErrorId = 'NoStatusInInput' }
        @{ Command = 'Test-MxPath'; Target = 'bad..name'; ErrorId = 'InvalidDomainName' }
        @{ Command = 'Test-EdnsReachability'; Target = 'bad..name'; ErrorId = 'InvalidDomainName' }
        @{ Command = 'Debug-MailFlow'; Target = 'bad..name'; ErrorId = 'InvalidDomainName' }
        @{ Command = 'Get-SmtpStageTiming'; Target = 'bad..name'; ErrorId = 'InvalidHostName' }
        @{ Command = 'Find-MtuBlackHole'; Target = 'bad..name'; ErrorId = 'InvalidHostName' }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'LabHelpers.ps1')
    $classes = @{
        'Resolve-SmtpStatus' = 'ResolveSmtpStatusCommand'; 'Test-MxPath' = 'TestMxPathCommand'
        'Test-EdnsReachability' = 'TestEdnsReachabilityCommand'; 'Debug-MailFlow' = 'DebugMailFlowCommand'
        'Get-SmtpStageTiming' = 'GetSmtpStageTimingCommand'; 'Find-MtuBlackHole' = 'FindMtuBlackHoleCommand'
    }
}

Describe '-ErrorAction on a test that could not run' {
    It '<Command> -ErrorAction Stop: a terminating error with FullyQualifiedErrorId <ErrorId>' -ForEach $couldNotRun {
        $fullId = "$ErrorId,MailFlowTools.Commands.$($classes[$Command])"
        { & $Command $Target -ErrorAction Stop } | Should -Throw -ErrorId $fullId
        $caught = $null
        try { & $Command $Target -ErrorAction Stop; $after = 'went on' } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -Be $fullId
        $caught.TargetObject | Should -Not -BeNullOrEmpty
        $after | Should -BeNullOrEmpty
    }

    It '<Command> -ErrorAction Continue (the default): a non-terminating error, and the script goes on' -ForEach $couldNotRun {
        $went = $false
        & $Command $Target -ErrorAction Continue -ErrorVariable problems 2>$null
        $went = $true
        $went | Should -BeTrue
        $problems | Should -HaveCount 1
        $problems[0].FullyQualifiedErrorId | Should -Be "$ErrorId,MailFlowTools.Commands.$($classes[$Command])"
    }

    It '<Command> -ErrorAction SilentlyContinue: nothing shown, but $Error and -ErrorVariable have the record' -ForEach $couldNotRun {
        $before = $Error.Count
        $output = & $Command $Target -ErrorAction SilentlyContinue -ErrorVariable problems 2>&1
        $output | Should -BeNullOrEmpty
        $Error.Count | Should -Be ($before + 1)
        $Error[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $problems[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
    }

    It '<Command> -ErrorAction Ignore: nothing shown and $Error untouched' -ForEach $couldNotRun {
        $before = $Error.Count
        $first = if ($before -gt 0) { $Error[0] } else { $null }
        $output = & $Command $Target -ErrorAction Ignore 2>&1
        $output | Should -BeNullOrEmpty
        $Error.Count | Should -Be $before
        if ($before -gt 0) { [object]::ReferenceEquals($Error[0], $first) | Should -BeTrue }
    }

    It '$ErrorActionPreference = Stop in the caller''s scope acts like -ErrorAction Stop' {
        $ErrorActionPreference = 'Stop'
        { Resolve-SmtpStatus 'hello there' } | Should -Throw -ErrorId 'NoStatusInInput,MailFlowTools.Commands.ResolveSmtpStatusCommand'
    }

    It 'SilentlyContinue on one bad item among good ones: the good ones still come out, in order' {
        $results = @('4.4.7', 'hello there', '5.1.1' | Resolve-SmtpStatus -ErrorAction SilentlyContinue -ErrorVariable problems)
        @($results.EnhancedStatus) | Should -Be @('4.4.7', '5.1.1')
        $problems | Should -HaveCount 1
    }

    It 'an invalid invocation stays terminating whatever -ErrorAction says' {
        { Get-SmtpStageTiming 127.0.0.1 -SplitEndOfData -ErrorAction SilentlyContinue } | Should -Throw -ErrorId 'InvalidParameterCombination,MailFlowTools.Commands.GetSmtpStageTimingCommand'
    }
}

Describe '-Verbose' {
    It 'Resolve-SmtpStatus -Verbose says why a queue without LastError gave no result' {
        $records = @([pscustomobject]@{ NextHopDomain = 'contoso.example'; LastError = $null } | Resolve-SmtpStatus -Verbose 4>&1)
        $records | Should -HaveCount 1
        $records[0] | Should -BeOfType [System.Management.Automation.VerboseRecord]
        $records[0].Message | Should -BeLike '*without status text*LastError*'
    }

    It 'without -Verbose no verbose record is written' {
        $records = @([pscustomobject]@{ NextHopDomain = 'contoso.example'; LastError = $null } | Resolve-SmtpStatus 4>&1)
        $records | Should -BeNullOrEmpty
    }
}

Describe "-Verbose against the lab$LabSkipNote" -Skip:$NoLab {
    It 'Get-SmtpStageTiming -Verbose writes the SMTP transcript and each stage' {
        $all = @(Get-SmtpStageTiming 198.51.100.25 -StopAfter Ehlo -TimeoutSeconds 10 -Verbose 4>&1)
        $verbose = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        ($verbose -match 'connecting to 198\.51\.100\.25:25') | Should -Not -BeNullOrEmpty
        ($verbose -match 'S: 220 mx\.lab\.test ESMTP') | Should -Not -BeNullOrEmpty
        ($verbose -match 'C: EHLO ') | Should -Not -BeNullOrEmpty
        ($verbose -match 'Banner Ok 220') | Should -Not -BeNullOrEmpty
        @($all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Count | Should -BeGreaterThan 2
    }

    It 'Test-MxPath -Verbose reports the MX lookup' {
        $verbose = @(Test-MxPath nullmx.lab.test -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        ($verbose -match '^nullmx\.lab\.test: NullMx, 0 MX target\(s\)') | Should -Not -BeNullOrEmpty
    }

    It 'Test-EdnsReachability -Verbose names the zone''s name servers' {
        $verbose = @(Test-EdnsReachability healthy.lab.test -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        ($verbose -match 'ns1\.lab\.test.*ns2\.lab\.test.*ns3\.lab\.test') | Should -Not -BeNullOrEmpty
    }

    It 'Find-MtuBlackHole -Verbose reports the local MTU' {
        $verbose = @(Find-MtuBlackHole 198.51.100.25 -TimeoutSeconds 2 -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        ($verbose -match '198\.51\.100\.25: local MTU 1500') | Should -Not -BeNullOrEmpty
    }

    It 'an unknown host is a non-terminating UnknownHost error, terminating with -ErrorAction Stop' {
        { Get-SmtpStageTiming nosuch.lab.test -ErrorAction Stop } | Should -Throw -ErrorId 'UnknownHost,MailFlowTools.Commands.GetSmtpStageTimingCommand'
        { Find-MtuBlackHole nosuch.lab.test -ErrorAction Stop } | Should -Throw -ErrorId 'UnknownHost,MailFlowTools.Commands.FindMtuBlackHoleCommand'
    }
}
