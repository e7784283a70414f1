# Pipeline binding in real PowerShell: objects shaped like what admins already have (Get-AcceptedDomain, Get-Queue,
# Get-MessageTrackingLog, Get-SendConnector, Get-DnsClientServerAddress, Resolve-DnsName, Test-NetConnection) and
# each cmdlet's own output piped into the next. Every test checks which value arrived, through the result.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'LabHelpers.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'LabHelpers.ps1')

    # Shaped like Exchange's Get-Queue items (deserialized: strings, LastError $null when the queue is not retrying).
    function New-QueueItem([string] $NextHopDomain, [string] $LastError, [string] $Status = 'Retry') {
        [pscustomobject]@{
            Identity = "EX01\$NextHopDomain"; DeliveryType = 'DnsConnectorDelivery'; Status = $Status; MessageCount = 2
            Velocity = 0; NextHopDomain = $NextHopDomain; TlsPolicyDesignatedDomain = $null; LastError = $LastError
            NextRetryTime = $null; LastRetryTime = $null
        }
    }

    # Shaped like Get-SendConnector: SmartHosts and AddressSpaces as a remote Exchange shell sends them (strings).
    function New-SendConnector([string[]] $SmartHosts = @(), [string[]] $AddressSpaces = @('SMTP:*;1'), [int] $Port = 25) {
        [pscustomobject]@{
            Name = 'Outbound to partners'; AddressSpaces = $AddressSpaces; SmartHosts = $SmartHosts
            SmartHostsString = ($SmartHosts -join ','); DNSRoutingEnabled = ($SmartHosts.Count -eq 0); Port = $Port
            Fqdn = 'mail.contoso.example'; Enabled = $true; MaxMessageSize = '35 MB (36,700,160 bytes)'
        }
    }

    # A loopback port nothing listens on: connections are refused at once.
    function Get-ClosedLoopbackPort {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        $port = $listener.LocalEndpoint.Port
        $listener.Stop()
        return $port
    }
}

Describe 'Binding without the lab' {
    It 'Get-Queue | Resolve-SmtpStatus: a queue with LastError $null is skipped (verbose), the retrying ones are explained' {
        $queues = @(
            New-QueueItem 'contoso.example' $null 'Ready'
            New-QueueItem 'fabrikam.example' '451 4.4.0 Primary target IP address responded with: "421 4.4.2 Connection dropped due to SocketError."'
            New-QueueItem 'tailspin.example' '' 'Ready'
            New-QueueItem 'adatum.example' '400 4.4.7 Message delayed'
        )
        $results = @($queues | Resolve-SmtpStatus -ErrorVariable problems -Verbose 4>&1)
        $verbose = @($results | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $explained = @($results | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
        $problems | Should -BeNullOrEmpty
        @($explained.EnhancedStatus) | Should -Be @('4.4.0', '4.4.7')
        $explained[0].UnderlyingStatus | Should -Be '421 4.4.2'
        @($verbose | Where-Object Message -like '*without status text*') | Should -HaveCount 2
    }

    It 'an explicit empty -Text is still reported as a non-terminating NoStatusInInput error' {
        $null = Resolve-SmtpStatus -Text '' -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].FullyQualifiedErrorId | Should -Be 'NoStatusInInput,MailFlowTools.Commands.ResolveSmtpStatusCommand'
    }

    It 'Get-MessageTrackingLog -EventId FAIL | Resolve-SmtpStatus binds RecipientStatus, one result per recipient status' {
        $event = [pscustomobject]@{
            Timestamp = [datetime]'2026-12-06T09:14:00'; EventId = 'FAIL'; Source = 'SMTP'; Sender = 'alice@contoso.example'
            Recipients = @('bob@fabrikam.example', 'carol@fabrikam.example')
            RecipientStatus = @('550 5.1.1 RESOLVER.ADR.RecipNotFound; not found', '554 5.4.14 Hop count exceeded - possible mail loop')
            MessageSubject = 'Quarterly figures'; MessageId = '<1@contoso.example>'; TotalBytes = 81920
        }
        $results = @($event | Resolve-SmtpStatus)
        @($results.EnhancedStatus) | Should -Be @('5.1.1', '5.4.14')
        @($results | ForEach-Object { $_.Findings.Count }) | Should -Not -Contain 0
    }

    It 'Get-SendConnector | Get-SmtpStageTiming: each smart host ([address] literal too) at the connector''s Port, not its Fqdn' {
        $port = Get-ClosedLoopbackPort
        $stages = @(New-SendConnector -SmartHosts '[127.0.0.1]', '127.0.0.1' -Port $port | Get-SmtpStageTiming -TimeoutSeconds 5)
        $stages | Should -HaveCount 2
        @($stages.ComputerName) | Should -Be @('[127.0.0.1]', '127.0.0.1')
        @($stages | ForEach-Object Address | Select-Object -Unique) | Should -Be '127.0.0.1'
        @($stages.Port | Select-Object -Unique) | Should -Be $port
        @($stages | ForEach-Object { "$($_.Stage) $($_.Outcome)" } | Select-Object -Unique) | Should -Be 'Connect Refused'
    }

    It 'Get-SendConnector | Test-MxPath takes the SMTP address spaces, not the connector''s Name' {
        $results = @(New-SendConnector -AddressSpaces 'SMTP:bad..name;1' | Test-MxPath -ErrorVariable problems -ErrorAction SilentlyContinue)
        $results | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'InvalidDomainName*'
        $problems[0].Exception.Message | Should -BeLike "*'bad..name'*"
    }
}

Describe "Binding against the lab$LabSkipNote" -Skip:$NoLab {
    It 'Get-AcceptedDomain | Test-MxPath: each accepted domain''s DomainName, not its display Name' {
        $accepted = @(
            [pscustomobject]@{ Name = 'Masked'; DomainName = 'masked.lab.test'; DomainType = 'Authoritative'; Default = $true }
            [pscustomobject]@{ Name = 'No mail'; DomainName = 'nullmx.lab.test'; DomainType = 'Authoritative'; Default = $false }
        )
        $results = @($accepted | Test-MxPath)
        @($results.DomainName | Sort-Object) | Should -Be @('masked.lab.test', 'nullmx.lab.test')
        ($results | Where-Object DomainName -eq 'masked.lab.test').SelectedHop.BannerMasked | Should -BeTrue
        "$(($results | Where-Object DomainName -eq 'nullmx.lab.test').MxSource)" | Should -Be 'NullMx'
    }

    It 'Get-AcceptedDomain | Test-EdnsReachability -Server: the DomainName is the name queried' {
        $accepted = [pscustomobject]@{ Name = 'Big'; DomainName = 'big.lab.test'; DomainType = 'Authoritative'; Default = $false }
        $r = $accepted | Test-EdnsReachability -Server 198.51.100.54
        $r.Name | Should -Be 'big.lab.test'
        $r | Get-ProblemCode | Should -Contain 'LargeUdpResponsesLost'
    }

    It 'Get-Queue | Test-MxPath: the NextHopDomain of each queue' {
        $r = New-QueueItem 'failover.lab.test' '451 4.4.0 Primary target IP address responded with: "421 4.4.2 Connection dropped."' |
            Test-MxPath -BannerTimeoutSeconds 3
        $r.DomainName | Should -Be 'failover.lab.test'
        $r.SelectedHop.Exchange | Should -Be 'mx1.lab.test'
        $r | Get-ProblemCode | Should -Contain 'NoBannerAfterConnect'
    }

    It 'a Get-Queue item with LastError $null binds whole to Test-MxPath, Test-EdnsReachability and Debug-MailFlow' {
        $queue = New-QueueItem 'nullmx.lab.test' $null 'Ready'
        "$(($queue | Test-MxPath).MxSource)" | Should -Be 'NullMx'
        ($queue | Test-EdnsReachability -Server 198.51.100.53).Name | Should -Be 'nullmx.lab.test'
        $d = $queue | Debug-MailFlow -Quick
        $d.DomainName | Should -Be 'nullmx.lab.test'
        $d.Cause | Should -Be 'NullMx'
        $d.Status | Should -BeNullOrEmpty
    }

    It 'Get-SendConnector | Test-MxPath: a DNS-routed connector''s address spaces, one result each' {
        $results = @(New-SendConnector -AddressSpaces 'SMTP:healthy.lab.test;1', 'smtp:masked.lab.test;10' | Test-MxPath)
        @($results.DomainName | Sort-Object) | Should -Be @('healthy.lab.test', 'masked.lab.test')
        @($results.Reachable | Select-Object -Unique) | Should -Be $true
    }

    It 'Get-SendConnector | Find-MtuBlackHole: the smart host''s path' {
        $r = New-SendConnector -SmartHosts '198.51.100.27' | Find-MtuBlackHole -TimeoutSeconds 2
        $r.Address | Should -Be '198.51.100.27'
        $r.PathMtu | Should -Be 1400
        $r.BlackHole | Should -BeTrue
    }

    It 'Get-DnsClientServerAddress | Test-EdnsReachability -Name: probes the adapter''s DNS servers' {
        $adapter = [pscustomobject]@{ InterfaceAlias = 'c0'; InterfaceIndex = 2; AddressFamily = 2; ServerAddresses = @('198.51.100.54', '198.51.100.53') }
        $results = @($adapter | Test-EdnsReachability -Name big.lab.test)
        @($results.Server | Sort-Object) | Should -Be @('198.51.100.53', '198.51.100.54')
        ($results | Where-Object Server -eq '198.51.100.54') | Get-ProblemCode | Should -Contain 'LargeUdpResponsesLost'
        @(($results | Where-Object Server -eq '198.51.100.53') | Get-ProblemCode) | Should -BeNullOrEmpty
    }

    It 'Resolve-DnsName -Type MX | Get-SmtpStageTiming: the NameExchange is the server timed' {
        $mx = [pscustomobject]@{ Name = 'masked.lab.test'; Type = 'MX'; TTL = 3600; Section = 'Answer'; NameExchange = 'fixup.lab.test'; Preference = 10 }
        $stages = @($mx | Get-SmtpStageTiming -To postmaster@masked.lab.test -TimeoutSeconds 10)
        @($stages.ComputerName | Select-Object -Unique) | Should -Be 'fixup.lab.test'
        @($stages | ForEach-Object Address | Select-Object -Unique) | Should -Be '198.51.100.31'
        ($stages | Where-Object { "$($_.Stage)" -eq 'Banner' }).Findings.Code | Should -Contain 'BannerMasked'
    }

    It 'Resolve-DnsName -Type A | Find-MtuBlackHole: the IPAddress is the path probed' {
        $a = [pscustomobject]@{ Name = 'mx-control.lab.test'; Type = 'A'; TTL = 3600; Section = 'Answer'; IPAddress = '198.51.100.28' }
        $r = $a | Find-MtuBlackHole -TimeoutSeconds 2
        $r | Should -HaveCount 1
        $r.Address | Should -Be '198.51.100.28'
        $r.PathMtu | Should -Be 1400
        $r.BlackHole | Should -BeFalse
    }

    It 'Test-NetConnection | Find-MtuBlackHole and Get-SmtpStageTiming: the ComputerName tested' {
        $tnc = [pscustomobject]@{
            ComputerName = '198.51.100.27'; RemoteAddress = [System.Net.IPAddress]::Parse('198.51.100.27'); RemotePort = 25
            InterfaceAlias = 'c0'; SourceAddress = '192.0.2.10'; PingSucceeded = $true; TcpTestSucceeded = $true
        }
        $mtu = $tnc | Find-MtuBlackHole -TimeoutSeconds 2
        $mtu.Address | Should -Be '198.51.100.27'
        $mtu.BlackHole | Should -BeTrue
        $stages = @($tnc | Get-SmtpStageTiming -StopAfter Ehlo -TimeoutSeconds 10)
        @($stages | ForEach-Object Address | Select-Object -Unique) | Should -Be '198.51.100.27'
        @($stages | ForEach-Object { "$($_.Stage) $($_.Outcome)" }) | Should -Contain 'Ehlo Ok'
        @($stages | ForEach-Object { "$($_.Stage)" }) | Should -Not -Contain 'Data'
    }

    It 'Test-MxPath hops | Get-SmtpStageTiming: each hop''s own address and port, so the silent MX''s addresses time out at the banner' {
        $mx = Test-MxPath failover.lab.test -BannerTimeoutSeconds 3
        $silent = @($mx.Hops | Where-Object { "$($_.Outcome)" -eq 'NoBanner' })
        $silent | Should -HaveCount 2
        $stages = @($silent | Get-SmtpStageTiming -TimeoutSeconds 2)
        @($stages | Where-Object { "$($_.Stage)" -eq 'Banner' } | ForEach-Object Address) | Should -Be @($silent | ForEach-Object Address)
        @($stages | Where-Object { "$($_.Stage)" -eq 'Banner' } | ForEach-Object { "$($_.Outcome)" } | Select-Object -Unique) | Should -Be 'Timeout'

        $selected = @($mx.SelectedHop | Get-SmtpStageTiming -To postmaster@failover.lab.test -TimeoutSeconds 10)
        @($selected | ForEach-Object Address | Select-Object -Unique) | Should -Be $mx.SelectedHop.Address
        @($selected.Port | Select-Object -Unique) | Should -Be 25
        "$($selected[-1].Stage) $($selected[-1].Outcome)" | Should -Be 'Body Ok'
    }

    It 'Test-MxPath selected hop | Find-MtuBlackHole: the black hole behind the hop''s address' {
        $mx = Test-MxPath blackhole.lab.test
        $r = $mx.SelectedHop | Find-MtuBlackHole -TimeoutSeconds 2
        $r | Should -HaveCount 1
        $r.Address | Should -Be $mx.SelectedHop.Address
        $r.Port | Should -Be $mx.SelectedHop.Port
        $r.PathMtu | Should -Be 1400
        $r.BlackHole | Should -BeTrue
    }

    It 'Test-MxPath | Debug-MailFlow: the result''s DomainName seeds the diagnosis' {
        $d = Test-MxPath nullmx.lab.test | Debug-MailFlow -Quick
        $d.DomainName | Should -Be 'nullmx.lab.test'
        $d.Cause | Should -Be 'NullMx'
    }
}
