# Resolve-SmtpStatus over MTA log lines, queues and whole logs (issue #20, docs/log-phrases.md), and the real logs
# of the lab's sending Postfix and Exim (tests/lab/lab-sender.sh, lab-sender-exim.sh): free text is
# never split, Get-Content and -ReadCount stream, -Summary groups, and the next commands run as objects: piped
# to their cmdlet (ComputerName, DomainName and MessageSize bind by property name) or through their ScriptBlock.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'LabHelpers.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'LabHelpers.ps1')
    $script:Corpus = Join-Path $script:RepoRoot 'tests/Fixtures/logs'
    $script:PostfixLog = Join-Path $script:Corpus 'postfix.log'
    $script:LastError = '451 4.4.0 Primary target IP address responded with: "421 4.4.2 Connection dropped due to SocketError." Attempted failover to alternate host, but that did not succeed. Either there are no alternate hosts, or delivery failed to all alternate hosts. The last endpoint attempted was 203.0.113.29:25'
}

Describe 'Resolve-SmtpStatus on MTA lines' {
    It 'keeps a LastError with commas as one text' {
        $r = @(Resolve-SmtpStatus -Text $LastError -ErrorVariable errs)
        $r | Should -HaveCount 1
        $errs | Should -HaveCount 0
        "$($r[0].Mta)" | Should -Be 'Exchange'
        $r[0].RelayAddress | Should -Be '203.0.113.29'
        $r[0].RemoteReply | Should -Be '421 4.4.2 Connection dropped due to SocketError.'
    }

    It 'explains a Postfix end-of-data line with the address from the line' {
        $line = (Get-Content -LiteralPath $PostfixLog)[3]
        $r = Resolve-SmtpStatus $line
        "$($r.PathSignature)" | Should -Be 'EndOfDataLost'
        @($r.Incidents) | Should -Be @(3)
        $r.FindingCodes | Should -Match 'LogEndOfDataLost'
        @($r.NextCommands.CommandLine) | Should -Be @('Get-SmtpStageTiming 203.0.113.5 -MessageSize 100000', 'Find-MtuBlackHole 203.0.113.5 -Method Sweep', 'Test-MxPath example.test')
        $r.NextCommands[1].ScriptBlock.ToString() | Should -Be 'Find-MtuBlackHole 203.0.113.5 -Method Sweep'
        $r.NextCommands[0].ComputerName | Should -Be '203.0.113.5'
        $r.NextCommands[0].MessageSize | Should -Be 100000
        $r.NextCommands[2].DomainName | Should -Be 'example.test'
    }

    It 'streams Get-Content line by line: one result per delivery line, the rest skipped without errors' {
        $r = @(Get-Content -LiteralPath $PostfixLog | Resolve-SmtpStatus -ErrorVariable errs)
        $errs | Should -HaveCount 0
        $r | Should -HaveCount 14
        @($r | Where-Object PathSignature -eq 'BodyTimeout').Count | Should -Be 1
    }

    It 'summarises the same from -Path, Get-Content and Get-Content -ReadCount' {
        $fromPath = Resolve-SmtpStatus -Path $PostfixLog -Summary
        $fromLines = Get-Content -LiteralPath $PostfixLog | Resolve-SmtpStatus -Summary
        $fromChunks = Get-Content -LiteralPath $PostfixLog -ReadCount 4 | Resolve-SmtpStatus -Summary
        foreach ($s in $fromPath, $fromLines, $fromChunks) {
            $s.GetType().Name | Should -Be 'MailLogSummary'
            $s.Deferred | Should -Be 10
            $s.Bounced | Should -Be 1
            $s.SkippedLines | Should -Be 3
            $g = $s.Groups | Where-Object Destination -eq 'example.test'
            $g.Count | Should -Be 2
            "$($g.PathSignature)" | Should -Be 'EndOfDataLost'
        }
        ($fromPath.Groups | ForEach-Object { "$($_.Destination) $($_.PathSignature) $($_.Count)" }) -join '; ' |
            Should -Be (($fromChunks.Groups | ForEach-Object { "$($_.Destination) $($_.PathSignature) $($_.Count)" }) -join '; ')
    }

    It 'selects a time window with -Since and -Until' {
        $s = Resolve-SmtpStatus -Path $PostfixLog -Summary -Since 'Dec  6 09:24:00' -Until '2026-12-06T09:30:00Z'
        $s.OutsideWindow | Should -Be 7
        @($s.Groups.Destination | Sort-Object) | Should -Be @('closed.example', 'dnssec.example', 'down.example', 'quiet.example', 'stall.example', 'tls.example')
        { Resolve-SmtpStatus -Path $PostfixLog -Since '2026-12-06T10:00:00Z' -Until '2026-12-06T09:00:00Z' } | Should -Throw -ErrorId 'InvalidParameterCombination*'
    }

    It 'reads Exim, Sendmail, Exchange Online and queue listings' {
        "$((Get-Content -LiteralPath (Join-Path $Corpus 'exim-mainlog'))[1] | Resolve-SmtpStatus | ForEach-Object PathSignature)" | Should -Be 'BodyTimeout'
        "$((Get-Content -LiteralPath (Join-Path $Corpus 'sendmail.log'))[3] | Resolve-SmtpStatus | ForEach-Object PathSignature)" | Should -Be 'DnsTempFail'
        $online = (Get-Content -LiteralPath (Join-Path $Corpus 'exchange-online.txt'))[0] | Resolve-SmtpStatus
        "$($online.Mta) $($online.PathSignature) $($online.RelayAddress)" | Should -Be 'ExchangeOnline ConnectRefused 203.0.113.32'
        $queued = @(Resolve-SmtpStatus -Path (Join-Path $Corpus 'postqueue.json'))
        @($queued.FinalRecipient) | Should -Be @('bob@example.test', 'carol@stall.example', 'dave@example.org')
    }

    It 'travels: a summary comes back as a MailLogSummary with its groups and commands' {
        $path = Join-Path ([System.IO.Path]::GetTempPath()) "mfl-logs-$PID.xml"
        try {
            Resolve-SmtpStatus -Path $PostfixLog -Summary | Export-Clixml -LiteralPath $path
            $back = Import-Clixml -LiteralPath $path
            $back.GetType().Name | Should -Be 'MailLogSummary'
            ($back.Groups | Where-Object Destination -eq 'stall.example').NextCommands[0].CommandLine | Should -Be 'Get-SmtpStageTiming 203.0.113.29 -MessageSize 100000'
            $back.FindingCodes | Should -Match 'LogBodyTimeout'
        } finally {
            Remove-Item -LiteralPath $path -ErrorAction SilentlyContinue
        }
    }
}

Describe "A real sending Postfix's log of the lab's faults$LabSkipNote" -Skip:$NoLab {
    BeforeAll {
        $out = & bash (Join-Path $script:RepoRoot 'tests/lab/lab.sh') sender run 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        $script:SenderLog = "$(@($out)[-1])".Trim()
        $script:Summary = Resolve-SmtpStatus -Path $SenderLog -Summary
    }

    It 'names the cause per destination' {
        $pairs = @($Summary.Groups | ForEach-Object { "$($_.Destination) $($_.PathSignature)" })
        foreach ($expected in 'stall.lab.test BodyTimeout', 'blackhole.lab.test BodyTimeout', 'failover.lab.test GreetingTimeout',
            'refused.lab.test ConnectRefused', 'unreachable.lab.test ConnectTimeout', 'healthy.lab.test RemoteRejected',
            'servfail.lab.test DnsTempFail', 'sizeloss.lab.test SessionLost', 'eod.masked.lab.test EndOfDataLost') {
            $pairs | Should -Contain $expected
        }
        $Summary.Sent | Should -Be 0
    }

    It 'pipes the stall''s first command to its cmdlet and it finds the stall' {
        $next = ($Summary.Groups | Where-Object { $_.Destination -eq 'stall.lab.test' -and $_.PathSignature -eq 'BodyTimeout' }).NextCommands[0]
        $next.CommandLine | Should -Be 'Get-SmtpStageTiming 198.51.100.29 -MessageSize 100000'
        $stages = @($next | Get-SmtpStageTiming -TimeoutSeconds 5)
        $stages.Findings.Code | Should -Contain 'TransferStalled'
        ($stages | Where-Object Stage -eq 'Body').BytesSent | Should -BeGreaterThan 60000
    }

    It 'runs the silent MX''s first command from its ScriptBlock and it finds the silent host' {
        $next = ($Summary.Groups | Where-Object { $_.Destination -eq 'failover.lab.test' -and $_.PathSignature -eq 'GreetingTimeout' }).NextCommands[0]
        $next.CommandLine | Should -Be 'Test-MxPath failover.lab.test'
        $r = & $next.ScriptBlock
        $r.FindingCodes | Should -Match 'NoBannerAfterConnect'
    }

    It 'runs the size-loss sweep from its ScriptBlock and it finds the lost segment size' {
        $next = ($Summary.Groups | Where-Object { $_.Destination -eq 'sizeloss.lab.test' -and $_.PathSignature -eq 'SessionLost' }).NextCommands[1]
        $next.CommandLine | Should -Be 'Find-MtuBlackHole 198.51.100.26 -Method Sweep'
        $r = & $next.ScriptBlock
        $r.Findings.Code | Should -Contain 'SizeSpecificLoss'
    }

    It 'pipes the DNS failure''s Test-MxPath to its cmdlet and it shows the failed lookup' {
        $next = ($Summary.Groups | Where-Object { $_.Destination -eq 'servfail.lab.test' -and $_.PathSignature -eq 'DnsTempFail' }).NextCommands[1]
        $next.CommandLine | Should -Be 'Test-MxPath servfail.lab.test'
        $r = $next | Test-MxPath
        $r.FindingCodes | Should -Match 'DnsLookupFailed'
    }

    It 'seeds Debug-MailFlow with a log line: the domain from to=, the host from relay=' {
        $line = Get-Content -LiteralPath $SenderLog | Where-Object { $_ -match 'to=<user@stall\.lab\.test>.*status=deferred' } | Select-Object -First 1
        $line | Should -Not -BeNullOrEmpty -Because ("the sender's log has the stall's deferral:`n" + ((Get-Content -LiteralPath $SenderLog | Select-String 'stall') -join "`n"))
        $d = $line | Debug-MailFlow -Quick
        $d.DomainName | Should -Be 'stall.lab.test'
        ($d.EvidenceChain -join "`n") | Should -Match ([regex]::Escape('log line (relay mx-stall.lab.test[198.51.100.29])'))
    }
}

Describe "A real sending Exim's log of the lab's faults$LabSkipNote" -Skip:$NoLab {
    BeforeAll {
        $out = & bash (Join-Path $script:RepoRoot 'tests/lab/lab.sh') sender-exim run 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        $script:EximLog = "$(@($out)[-1])".Trim()
        $script:EximSummary = Resolve-SmtpStatus -Path $EximLog -Summary
    }

    It 'names the cause per destination, the host from Exim''s own host lines' {
        $pairs = @($EximSummary.Groups | ForEach-Object { "$($_.Destination) $($_.PathSignature)" })
        # Exim connects with TCP Fast Open by default, so the host that never answers reads as a missing greeting.
        foreach ($expected in 'stall.lab.test BodyTimeout', 'blackhole.lab.test BodyTimeout', 'failover.lab.test GreetingTimeout',
            'refused.lab.test ConnectRefused', 'unreachable.lab.test GreetingTimeout', 'healthy.lab.test RemoteRejected',
            'masked.lab.test RemoteRejected', 'servfail.lab.test DnsTempFail', 'eod.masked.lab.test EndOfDataLost') {
            $pairs | Should -Contain $expected
        }
        $EximSummary.Sent | Should -Be 0
        @(($EximSummary.Groups | Where-Object { $_.Destination -eq 'blackhole.lab.test' }).Relays) | Should -Be @('mx-blackhole.lab.test[198.51.100.27]')
    }

    It 'pipes the black hole''s first command to its cmdlet and it finds the stalled body' {
        $next = ($EximSummary.Groups | Where-Object { $_.Destination -eq 'blackhole.lab.test' -and $_.PathSignature -eq 'BodyTimeout' }).NextCommands[0]
        $next.CommandLine | Should -Be 'Get-SmtpStageTiming 198.51.100.27 -MessageSize 100000'
        $stages = @($next | Get-SmtpStageTiming -TimeoutSeconds 5)
        $stages.Findings.Code | Should -Contain 'TransferStalled'
    }

    It 'pipes the lost end of data''s first command to its cmdlet and it finds the fixup box' {
        $next = ($EximSummary.Groups | Where-Object { $_.Destination -eq 'eod.masked.lab.test' -and $_.PathSignature -eq 'EndOfDataLost' }).NextCommands[0]
        $next.CommandLine | Should -Be 'Get-SmtpStageTiming 198.51.100.31 -MessageSize 100000'
        $stages = @($next | Get-SmtpStageTiming -TimeoutSeconds 5)
        $stages.Findings.Code | Should -Contain 'BannerMasked'
    }

    It 'runs the unreachable host''s first command from its ScriptBlock and it finds no hop answering' {
        $next = ($EximSummary.Groups | Where-Object { $_.Destination -eq 'unreachable.lab.test' -and $_.PathSignature -eq 'GreetingTimeout' }).NextCommands[0]
        $next.CommandLine | Should -Be 'Test-MxPath unreachable.lab.test'
        $r = & $next.ScriptBlock
        $r.FindingCodes | Should -Match 'AllHopsFailed'
    }
}
