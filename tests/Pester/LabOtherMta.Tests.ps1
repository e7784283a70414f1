# Issue #19 in real PowerShell: every cmdlet against the lab's other servers (tests/lab/addresses.md), Exim (.36),
# OpenSMTPD (.37) and BIND (.57, zone mta.test), clean on the healthy path; and the faults in front of them give the
# same cause as in front of Postfix and Knot: size loss (.38 Exim, .39 OpenSMTPD), fragment loss (BIND .58), the
# PMTU black hole (Exim .41) and the stall (Exim .42). The Debug-MailFlow runs go side by side. Nothing is delivered.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'LabHelpers.ps1')
    $healthyMtas = @(
        @{ Name = 'Exim'; Address = '198.51.100.36'; Domain = 'exim.mta.test' }
        @{ Name = 'Exim'; Address = '2001:db8:5::36'; Domain = 'exim.mta.test' }
        @{ Name = 'OpenSMTPD'; Address = '198.51.100.37'; Domain = 'smtpd.mta.test' }
        @{ Name = 'OpenSMTPD'; Address = '2001:db8:5::37'; Domain = 'smtpd.mta.test' }
    )
    $diagnoses = @(
        @{ Domain = 'exim.mta.test'; Cause = 'None'; Location = 'None' }
        @{ Domain = 'smtpd.mta.test'; Cause = 'None'; Location = 'None' }
        @{ Domain = 'exim-sizeloss.mta.test'; Cause = 'SizeSpecificLoss'; Location = 'Path' }
        @{ Domain = 'smtpd-sizeloss.mta.test'; Cause = 'SizeSpecificLoss'; Location = 'Path' }
        @{ Domain = 'exim-blackhole.mta.test'; Cause = 'PmtudBlackHole'; Location = 'Path' }
        @{ Domain = 'exim-stall.mta.test'; Cause = 'TransferStalled'; Location = 'Path' }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'LabHelpers.ps1')
    $script:Bind = '198.51.100.57'
    $script:EximLog = '/run/mfl/exim/log/mainlog'
    $script:OpenSmtpdLog = '/run/mfl/opensmtpd.log'

    # Messages Exim and OpenSMTPD accepted into their discard since lab-up (one line per recipient).
    function Get-OtherMtaDeliveryCount {
        $count = 0
        if (Test-Path -LiteralPath $script:EximLog) { $count += @(Select-String -LiteralPath $script:EximLog -SimpleMatch ' => :blackhole:').Count }
        if (Test-Path -LiteralPath $script:OpenSmtpdLog) { $count += @(Select-String -LiteralPath $script:OpenSmtpdLog -Pattern 'delivery evpid=.* result=Ok').Count }
        return $count
    }

    $script:DeliveredBefore = Get-OtherMtaDeliveryCount
}

Describe "Exim, OpenSMTPD and BIND on the healthy path$LabSkipNote" -Skip:$NoLab {
    It 'Test-MxPath <Domain> -DnsServer 198.51.100.57 -AllHops: reachable on every address, no Warning or Error finding' -ForEach @(
        @{ Domain = 'exim.mta.test'; Exchange = 'mx-exim.mta.test' }
        @{ Domain = 'smtpd.mta.test'; Exchange = 'mx-smtpd.mta.test' }
    ) {
        $r = Test-MxPath $Domain -DnsServer $Bind -AllHops
        $r | Should -HaveCount 1
        $r.Reachable | Should -BeTrue
        "$($r.MxSource)" | Should -Be 'Mx'
        @($r.Hops.Exchange | Select-Object -Unique) | Should -Be $Exchange
        @($r.Hops | ForEach-Object { "$($_.Outcome)" } | Select-Object -Unique) | Should -Be 'Ok'
        @($r | Get-ProblemCode) | Should -BeNullOrEmpty
    }

    It 'Get-SmtpStageTiming <Name> <Address> -To postmaster@<Domain>: every stage Ok, no Warning or Error finding' -ForEach $healthyMtas {
        $stages = @(Get-SmtpStageTiming $Address -To "postmaster@$Domain" -TimeoutSeconds 10)
        @($stages.Stage | ForEach-Object { "$_" }) | Should -Contain 'Body'
        @($stages.Outcome | ForEach-Object { "$_" } | Select-Object -Unique) | Should -Be 'Ok'
        $banner = @($stages | Where-Object { "$($_.Stage)" -eq 'Banner' })[0]
        $banner.ReplyText | Should -Match $Name
        @($stages | Get-ProblemCode) | Should -BeNullOrEmpty
    }

    It 'Find-MtuBlackHole <Name> <Address>: PathMtu 1500, no black hole, no Warning or Error finding' -ForEach $healthyMtas {
        $r = Find-MtuBlackHole $Address -TimeoutSeconds 2
        $r | Should -HaveCount 1
        $r.PathMtu | Should -Be 1500
        $r.BlackHole | Should -BeFalse
        @($r | Get-ProblemCode) | Should -BeNullOrEmpty
    }

    It 'Find-MtuBlackHole <Address> -Method Sweep: every size passes (<Method>)' -ForEach @(
        @{ Address = '198.51.100.36'; Method = 'PipelinedEnvelope' }
        @{ Address = '198.51.100.37'; Method = 'SingleCommand' }
    ) {
        $r = Find-MtuBlackHole $Address -Method Sweep -TimeoutSeconds 2
        @($r.FailingPayloadSizes) | Should -BeNullOrEmpty
        @($r.Sweep | ForEach-Object { "$($_.Outcome)" } | Select-Object -Unique) | Should -Be 'Passed'
        @($r.Sweep | ForEach-Object { "$($_.Method)" } | Select-Object -Unique) | Should -Be $Method
        @($r | Get-ProblemCode) | Should -BeNullOrEmpty
    }

    It 'Test-EdnsReachability big.mta.test -Server <Server> (BIND): no Warning or Error finding, TCP works' -ForEach @(
        @{ Server = '198.51.100.57' }, @{ Server = '2001:db8:5::57' }
    ) {
        $r = Test-EdnsReachability big.mta.test -Server $Server
        $r | Should -HaveCount 1
        $r.TcpWorks | Should -BeTrue
        $r.FullAnswerSize | Should -BeGreaterThan 2000
        @($r | Get-ProblemCode) | Should -BeNullOrEmpty
    }

    It 'Resolve-SmtpStatus explains <Name>''s refusal of a recipient it does not relay for' -ForEach @(
        @{ Name = 'Exim'; Address = '198.51.100.36' }
        @{ Name = 'OpenSMTPD'; Address = '198.51.100.37' }
    ) {
        $stages = @(Get-SmtpStageTiming $Address -To 'someone@example.com' -StopAfter Rcpt -TimeoutSeconds 10 -ErrorAction SilentlyContinue)
        $rcpt = @($stages | Where-Object { "$($_.Stage)" -eq 'RcptTo' })[0]
        $rcpt.ReplyCode | Should -BeGreaterOrEqual 500
        $reply = if ("$($rcpt.ReplyText)" -match '^\d{3}[ -]') { $rcpt.ReplyText } else { "$($rcpt.ReplyCode) $($rcpt.ReplyText)" }
        $explained = Resolve-SmtpStatus -Text $reply
        $explained | Should -HaveCount 1
        $explained.ReplyCode | Should -Be $rcpt.ReplyCode
        $explained.IsPermanent | Should -BeTrue
    }
}

Describe "Faults in front of Exim, OpenSMTPD and BIND$LabSkipNote" -Skip:$NoLab {
    It 'size loss in front of <Name> (<Address>) with -Method Sweep: exactly 513 and 1025 fail, SizeSpecificLoss' -ForEach @(
        @{ Name = 'Exim'; Address = '198.51.100.38' }
        @{ Name = 'OpenSMTPD'; Address = '198.51.100.39' }
    ) {
        $r = Find-MtuBlackHole $Address -Method Sweep -TimeoutSeconds 2
        @($r.FailingPayloadSizes) | Should -Be @(513, 1025)
        $r | Get-ProblemCode | Should -Contain 'SizeSpecificLoss'
    }

    It 'fragments from BIND dropped (<Server>): LargeUdpResponsesLost, TCP works' -ForEach @(
        @{ Server = '198.51.100.58' }, @{ Server = '2001:db8:5::58' }
    ) {
        $r = Test-EdnsReachability big.mta.test -Server $Server
        $r | Get-ProblemCode | Should -Contain 'LargeUdpResponsesLost'
        $r | Get-ProblemCode | Should -Not -Contain 'TcpFallbackBlocked'
        $r.TcpWorks | Should -BeTrue
    }

    It 'PMTU black hole in front of Exim (<Address>): PathMtu 1400 and BlackHole, no too-big seen' -ForEach @(
        @{ Address = '198.51.100.41' }, @{ Address = '2001:db8:5::41' }
    ) {
        $r = Find-MtuBlackHole $Address -TimeoutSeconds 2
        $r.PathMtu | Should -Be 1400
        $r.BlackHole | Should -BeTrue
        $r.IcmpTooBigSeen | Should -BeFalse
        $r | Get-ProblemCode | Should -Contain 'PmtudBlackHole'
    }

    It 'stall in front of Exim (<Address>): ~100 kB times out in the body with TransferStalled at the 64 kB mark' -ForEach @(
        @{ Address = '198.51.100.42' }, @{ Address = '2001:db8:5::42' }
    ) {
        $stages = @(Get-SmtpStageTiming $Address -To postmaster@exim-stall.mta.test -MessageSize 100000 -TimeoutSeconds 5 -StartTls Off)
        $body = $stages[-1]
        "$($body.Stage)" | Should -Be 'Body'
        "$($body.Outcome)" | Should -Be 'Timeout'
        $stalled = @($body.Findings | Where-Object Code -eq 'TransferStalled')
        $stalled | Should -HaveCount 1
        $stalled[0].Evidence['StalledAtByte'] | Should -BeGreaterOrEqual 50000
        $stalled[0].Evidence['StalledAtByte'] | Should -BeLessOrEqual 65536
    }
}

Describe "Debug-MailFlow through Exim and OpenSMTPD, mta.test from BIND$LabSkipNote" -Skip:$NoLab {
    BeforeAll {
        $modulePath = $script:ModulePath
        $bind = $script:Bind
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $runs = @('exim.mta.test', 'smtpd.mta.test', 'exim-sizeloss.mta.test', 'smtpd-sizeloss.mta.test', 'exim-blackhole.mta.test', 'exim-stall.mta.test') |
            ForEach-Object -ThrottleLimit 6 -Parallel {
                Import-Module $using:modulePath
                $watch = [System.Diagnostics.Stopwatch]::StartNew()
                $problems = $null
                $diagnosis = Debug-MailFlow $_ -DnsServer $using:bind -ErrorVariable problems -ErrorAction SilentlyContinue
                [pscustomobject]@{ Domain = $_; Diagnosis = @($diagnosis); Errors = @($problems); Seconds = $watch.Elapsed.TotalSeconds }
            }
        $byDomain = @{}
        foreach ($run in $runs) { $byDomain[$run.Domain] = $run }
        Write-Host ("Debug-MailFlow, {0} runs side by side: {1:0.0} s wall; {2}" -f $runs.Count, $clock.Elapsed.TotalSeconds,
            (($runs | Sort-Object Domain | ForEach-Object { '{0} {1:0.0} s' -f $_.Domain, $_.Seconds }) -join ', '))
    }

    It '<Domain>: Cause <Cause> at <Location>, as through Postfix' -ForEach $diagnoses {
        $run = $byDomain[$Domain]
        $run.Errors | Should -BeNullOrEmpty
        $run.Diagnosis | Should -HaveCount 1
        $d = $run.Diagnosis[0]
        $d.DomainName | Should -Be $Domain
        "$($d.Cause)" | Should -Be $Cause -Because ($d.EvidenceChain -join "`n")
        "$($d.Location)" | Should -Be $Location
        if ($Cause -eq 'None') {
            @($d | Get-ProblemCode) | Should -BeNullOrEmpty
        }
        else {
            @($d | Get-ProblemCode) | Should -Contain $Cause
        }
    }
}

Describe "Nothing delivered through Exim or OpenSMTPD$LabSkipNote" -Skip:$NoLab {
    It 'the probes above delivered no message' {
        Get-OtherMtaDeliveryCount | Should -Be $DeliveredBefore
    }
}
