# The five probe cmdlets in real PowerShell against the lab's scenarios (tests/lab/addresses.md), with the
# expectations of the CLI lab tests (tests/MailFlowTools.Tests/Lab), and Resolve-SmtpStatus on the samples.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'LabHelpers.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'LabHelpers.ps1')
}

Describe 'Resolve-SmtpStatus on the samples' {
    It 'explains the incident-1 NDR (-Path): 4.4.7 for big.lab.test, wrapping the 421 4.4.2 of the remote server' {
        $result = Resolve-SmtpStatus -Path (Join-Path $script:RepoRoot 'samples/ndr-incident1.txt')
        $result | Should -HaveCount 1
        $result.EnhancedStatus | Should -Be '4.4.7'
        $result.Findings.Code | Should -Contain 'DeliveryTimeExpired'
    }

    It 'explains a Get-Queue LastError read from a file (Get-Content | Resolve-SmtpStatus)' {
        $result = Get-Content -Raw -LiteralPath (Join-Path $script:RepoRoot 'samples/queue-lasterror.txt') | Resolve-SmtpStatus
        $result | Should -HaveCount 1
        $result.EnhancedStatus | Should -Be '4.4.0'
        $result.UnderlyingStatus | Should -Be '421 4.4.2'
    }

    It 'takes every sample from Get-ChildItem by its FullName, one result each' {
        $results = @(Get-ChildItem -LiteralPath (Join-Path $script:RepoRoot 'samples') -Filter *.txt | Resolve-SmtpStatus)
        $results | Should -HaveCount 2
        @($results.EnhancedStatus | Sort-Object) | Should -Be @('4.4.0', '4.4.7')
    }
}

Describe "Test-MxPath against the lab$LabSkipNote" -Skip:$NoLab {
    It 'failover: the silent first MX gives NoBannerAfterConnect and mail goes to the second MX' {
        $r = Test-MxPath failover.lab.test -BannerTimeoutSeconds 3
        $r | Should -HaveCount 1
        $r.Reachable | Should -BeTrue
        "$($r.MxSource)" | Should -Be 'Mx'
        $r.SelectedHop.Exchange | Should -Be 'mx1.lab.test'
        $r.SelectedHop.Preference | Should -Be 300
        "$($r.SelectedHop.Outcome)" | Should -Be 'Ok'
        $silent = @($r.Hops | Where-Object Exchange -eq 'silent.lab.test')
        @($silent | ForEach-Object Address) | Should -Be @('2001:db8:5::30', '198.51.100.30')
        @($silent | ForEach-Object { "$($_.Outcome)" } | Select-Object -Unique) | Should -Be 'NoBanner'
        $r | Get-ProblemCode | Should -Contain 'NoBannerAfterConnect'
        ($r.Findings | Where-Object Code -eq 'NoBannerAfterConnect').Evidence['Exchange'] | Should -Be 'silent.lab.test'
    }

    It 'masked: the fixup box is selected with its greeting masked (BannerMasked)' {
        $r = Test-MxPath masked.lab.test
        $r.Reachable | Should -BeTrue
        $r.SelectedHop.Address | Should -Be '198.51.100.31'
        $r.SelectedHop.BannerMasked | Should -BeTrue
        $r | Get-ProblemCode | Should -Contain 'BannerMasked'
        ($r.Findings | Where-Object Code -eq 'BannerMasked').Evidence['Banner'] | Should -BeLike '220 `*`*`**'
    }

    It 'null MX: no hops, not reachable' {
        $r = Test-MxPath nullmx.lab.test
        "$($r.MxSource)" | Should -Be 'NullMx'
        $r.Reachable | Should -BeFalse
        @($r.Hops) | Should -HaveCount 0
        $r.SelectedHop | Should -BeNullOrEmpty
    }

    It 'healthy: reachable through mx1, no Warning or Error finding; with -Recipient RCPT gets 250' {
        $r = Test-MxPath healthy.lab.test -Recipient postmaster
        $r.Reachable | Should -BeTrue
        $r.SelectedHop.Exchange | Should -Be 'mx1.lab.test'
        $r.SelectedHop.ReplyCode | Should -Be 250
        @($r | Get-ProblemCode) | Should -BeNullOrEmpty
    }

    It 'equal preferences with -AllHops -Seed -AddressFamily IPv4: all three hosts, the same order for the same seed' {
        $first = Test-MxPath equal.lab.test -AllHops -Seed 7 -AddressFamily IPv4
        $again = Test-MxPath equal.lab.test -AllHops -Seed 7 -AddressFamily IPv4
        @($first.Hops.Exchange | Sort-Object) | Should -Be @('mx-control.lab.test', 'mx-stall.lab.test', 'mx1.lab.test')
        @($again.Hops.Exchange) | Should -Be @($first.Hops.Exchange)
        @($first.Hops.AddressFamily | ForEach-Object { "$_" } | Select-Object -Unique) | Should -Be 'IPv4'
    }
}

Describe "Find-MtuBlackHole against the lab$LabSkipNote" -Skip:$NoLab {
    It 'black hole <Address> (ICMP): PathMtu 1400 and BlackHole, no too-big seen' -ForEach @(
        @{ Address = '198.51.100.27' }, @{ Address = '2001:db8:5::27' }
    ) {
        $r = Find-MtuBlackHole $Address -TimeoutSeconds 2
        $r | Should -HaveCount 1
        "$($r.Method)" | Should -Be 'Icmp'
        $r.PathMtu | Should -Be 1400
        $r.SmallestLostSize | Should -Be 1401
        $r.BlackHole | Should -BeTrue
        $r.IcmpTooBigSeen | Should -BeFalse
        $r | Get-ProblemCode | Should -Contain 'PmtudBlackHole'
    }

    It 'control path with ICMP delivered: PathMtu 1400 without a black hole' {
        $r = Find-MtuBlackHole 198.51.100.28 -TimeoutSeconds 2
        $r.PathMtu | Should -Be 1400
        $r.BlackHole | Should -BeFalse
        @($r | Get-ProblemCode) | Should -Not -Contain 'PmtudBlackHole'
    }

    It 'black hole with -Method Tcp: the same 1400 over the SMTP port' {
        $r = Find-MtuBlackHole -ComputerName 198.51.100.27 -Method Tcp -TimeoutSeconds 2
        "$($r.Method)" | Should -Be 'Tcp'
        $r.PathMtu | Should -Be 1400
        $r.BlackHole | Should -BeTrue
    }

    It 'size loss with -Method Sweep: exactly 513 and 1025 fail' {
        $r = Find-MtuBlackHole 198.51.100.26 -Method Sweep -TimeoutSeconds 2
        @($r.FailingPayloadSizes) | Should -Be @(513, 1025)
        $r | Get-ProblemCode | Should -Contain 'SizeSpecificLoss'
    }

    It 'healthy: PathMtu 1500, no loss among -PayloadSize, no Warning or Error finding' {
        $r = Find-MtuBlackHole 198.51.100.25 -PayloadSize 512, 513, 514, 1024, 1025, 1026 -TimeoutSeconds 2
        $r.PathMtu | Should -Be 1500
        $r.BlackHole | Should -BeFalse
        @($r.FailingPayloadSizes) | Should -BeNullOrEmpty
        @($r | Get-ProblemCode) | Should -BeNullOrEmpty
    }
}

Describe "Test-EdnsReachability against the lab$LabSkipNote" -Skip:$NoLab {
    It 'big answer through the fragment-dropping server: LargeUdpResponsesLost, TCP works' {
        $r = Test-EdnsReachability big.lab.test -Server 198.51.100.54
        $r | Should -HaveCount 1
        $r | Get-ProblemCode | Should -Contain 'LargeUdpResponsesLost'
        $r | Get-ProblemCode | Should -Not -Contain 'TcpFallbackBlocked'
        $r.TcpWorks | Should -BeTrue
        $r.FullAnswerSize | Should -BeGreaterThan 4096
        $r.RecommendedBufferSize | Should -BeLessOrEqual $r.LargestWorkingBufferSize
    }

    It 'TCP/53 blocked: TcpFallbackBlocked, not LargeUdpResponsesLost' {
        $r = Test-EdnsReachability big.lab.test -Server 198.51.100.55
        $r | Get-ProblemCode | Should -Contain 'TcpFallbackBlocked'
        $r | Get-ProblemCode | Should -Not -Contain 'LargeUdpResponsesLost'
        $r.TcpWorks | Should -BeFalse
    }

    It 'healthy server: no Warning or Error finding, recommended buffer 1232' {
        $r = Test-EdnsReachability big.lab.test -Server 198.51.100.53
        @($r | Get-ProblemCode) | Should -BeNullOrEmpty
        $r.TcpWorks | Should -BeTrue
        $r.RecommendedBufferSize | Should -Be 1232
    }

    It 'without -Server: every address of the three name servers, each with its own fault' {
        $results = @(Test-EdnsReachability big.lab.test)
        @($results.Server | Sort-Object) | Should -Be @('198.51.100.53', '198.51.100.54', '198.51.100.55', '2001:db8:5::53', '2001:db8:5::54', '2001:db8:5::55')
        $byServer = @{}
        foreach ($r in $results) { $byServer[$r.Server] = $r }
        $byServer['2001:db8:5::54'] | Get-ProblemCode | Should -Contain 'LargeUdpResponsesLost'
        $byServer['198.51.100.55'] | Get-ProblemCode | Should -Contain 'TcpFallbackBlocked'
        @($byServer['198.51.100.53'] | Get-ProblemCode) | Should -BeNullOrEmpty
    }
}

Describe "Get-SmtpStageTiming against the lab$LabSkipNote" -Skip:$NoLab {
    BeforeAll {
        $logStart = Get-LabMailLogLineCount
    }

    It 'stall: ~100 kB of message data times out in the body with TransferStalled at the 64 kB mark' {
        $stages = @(Get-SmtpStageTiming 198.51.100.29 -To postmaster@stall.lab.test -MessageSize 100000 -TimeoutSeconds 5 -StartTls Off)
        $body = $stages[-1]
        "$($body.Stage)" | Should -Be 'Body'
        "$($body.Outcome)" | Should -Be 'Timeout'
        @($stages[0..($stages.Count - 2)] | ForEach-Object { "$($_.Outcome)" } | Select-Object -Unique) | Should -Be 'Ok'
        $stalled = @($body.Findings | Where-Object Code -eq 'TransferStalled')
        $stalled | Should -HaveCount 1
        $stalled[0].Evidence['StalledAtByte'] | Should -BeGreaterOrEqual 50000
        $stalled[0].Evidence['StalledAtByte'] | Should -BeLessOrEqual 65536
    }

    It 'masked: the fixup box greeting gives BannerMasked' {
        $stages = @(Get-SmtpStageTiming 198.51.100.31 -To postmaster@masked.lab.test -TimeoutSeconds 10)
        $banner = @($stages | Where-Object { "$($_.Stage)" -eq 'Banner' })[0]
        "$($banner.Outcome)" | Should -Be 'Ok'
        $banner.ReplyText | Should -Match '^[*20 ]+$'
        $banner.Findings.Code | Should -Contain 'BannerMasked'
    }

    It 'silent MX: connect works, the banner times out with NoBannerAfterConnect' {
        $stages = @(Get-SmtpStageTiming 198.51.100.30 -TimeoutSeconds 3)
        "$($stages[0].Stage)" | Should -Be 'Connect'
        "$($stages[0].Outcome)" | Should -Be 'Ok'
        "$($stages[1].Stage)" | Should -Be 'Banner'
        "$($stages[1].Outcome)" | Should -Be 'Timeout'
        $stages[1].Findings.Code | Should -Contain 'NoBannerAfterConnect'
    }

    It 'healthy, IPv4 and IPv6 in one call: every stage Ok up to the body, no finding' {
        $stages = @(Get-SmtpStageTiming '198.51.100.25', '2001:db8:5::25' -To postmaster@healthy.lab.test -TimeoutSeconds 10)
        foreach ($address in '198.51.100.25', '2001:db8:5::25') {
            $session = @($stages | Where-Object Address -eq $address)
            $session | Should -HaveCount 9
            @($session.Stage | ForEach-Object { "$_" }) | Should -Be @('Connect', 'Banner', 'Ehlo', 'StartTls', 'EhloTls', 'MailFrom', 'RcptTo', 'Data', 'Body')
            @($session.Outcome | ForEach-Object { "$_" } | Select-Object -Unique) | Should -Be 'Ok'
            @($session.SessionId | Select-Object -Unique) | Should -HaveCount 1
            @($session.Findings) | Should -BeNullOrEmpty
            ($session | Where-Object { "$($_.Stage)" -eq 'StartTls' }).CertificateSubject | Should -Be 'CN=mx.lab.test'
        }
    }

    It 'delivered nothing' {
        Get-LabProbeDelivery -Since $logStart -Domain 'stall.lab.test', 'masked.lab.test', 'healthy.lab.test' | Should -BeNullOrEmpty
    }
}
