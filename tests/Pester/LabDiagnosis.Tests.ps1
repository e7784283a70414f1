# Debug-MailFlow in real PowerShell against every scenario of tests/lab/demo.sh: the right cause and location,
# the evidence behind it, and no mail delivered. The nine diagnoses run side by side (5-30 s each).
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'LabHelpers.ps1')
    $scenarios = $DemoScenarios
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'LabHelpers.ps1')
}

Describe "Debug-MailFlow against the lab$LabSkipNote" -Skip:$NoLab {
    BeforeAll {
        $logStart = Get-LabMailLogLineCount
        $modulePath = $script:ModulePath
        $queueItem = [pscustomobject]@{
            Identity = 'EX01\42'; DeliveryType = 'DnsConnectorDelivery'; Status = 'Retry'; MessageCount = 3
            NextHopDomain = 'failover.lab.test'
            LastError = '451 4.4.0 Primary target IP address responded with: "421 4.4.2 Connection dropped due to SocketError."'
        }
        $ndr = Get-Content -Raw -LiteralPath (Join-Path $script:RepoRoot 'samples/ndr-incident1.txt')
        # Every scenario, plus a Get-Queue item and an NDR as seeds (-Quick), in parallel runspaces of this process.
        # The stall diagnosis also writes its HTML report (-ReportPath).
        $reportPath = Join-Path $TestDrive 'stall.html'
        $jobs = @($DemoScenarios | ForEach-Object {
                [pscustomobject]@{ Key = $_.Domain; Domain = $_.Domain; Queue = $null; Ndr = $null; Report = $(if ($_.Domain -eq 'stall.lab.test') { $reportPath }) }
            }) + @(
            [pscustomobject]@{ Key = 'queue'; Domain = $null; Queue = $queueItem; Ndr = $null; Report = $null }
            [pscustomobject]@{ Key = 'ndr'; Domain = $null; Queue = $null; Ndr = $ndr; Report = $null }
        )
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $runs = $jobs | ForEach-Object -ThrottleLimit 11 -Parallel {
            Import-Module $using:modulePath
            $job = $_
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            $problems = $null
            $diagnosis = if ($job.Queue) { $job.Queue | Debug-MailFlow -Quick -ErrorVariable problems -ErrorAction SilentlyContinue }
                elseif ($job.Ndr) { Debug-MailFlow -NdrText $job.Ndr -Quick -ErrorVariable problems -ErrorAction SilentlyContinue }
                elseif ($job.Report) { Debug-MailFlow $job.Domain -ReportPath $job.Report -ErrorVariable problems -ErrorAction SilentlyContinue }
                else { Debug-MailFlow $job.Domain -ErrorVariable problems -ErrorAction SilentlyContinue }
            [pscustomobject]@{ Key = $job.Key; Diagnosis = @($diagnosis); Errors = @($problems); Seconds = $watch.Elapsed.TotalSeconds }
        }
        $wallSeconds = $clock.Elapsed.TotalSeconds
        $byKey = @{}
        foreach ($run in $runs) { $byKey[$run.Key] = $run }
        Write-Host ("Debug-MailFlow, {0} runs side by side: {1:0.0} s wall; {2}" -f $runs.Count, $wallSeconds,
            (($runs | Sort-Object Key | ForEach-Object { '{0} {1:0.0} s' -f $_.Key, $_.Seconds }) -join ', '))
    }

    It '<Domain>: Cause <Cause> at <Location>, with evidence' -ForEach $scenarios {
        $run = $byKey[$Domain]
        $run.Errors | Should -BeNullOrEmpty
        $run.Diagnosis | Should -HaveCount 1
        $d = $run.Diagnosis[0]
        $d.GetType().Name | Should -Be 'MailFlowDiagnosis'
        $d.DomainName | Should -Be $Domain
        $d.Cause | Should -Be $Cause -Because ($d.EvidenceChain -join "`n")
        "$($d.Location)" | Should -Be $Location
        @($d.EvidenceChain).Count | Should -BeGreaterThan 0
        # The documented bound: 9 x -TimeoutSeconds (10).
        $run.Seconds | Should -BeLessOrEqual 90
        if ($Cause -eq 'None') {
            @($d | Get-ProblemCode) | Should -BeNullOrEmpty
        }
        elseif ($Cause -eq 'NullMx') {
            @($d.Findings.Finding.Code) | Should -Contain 'NullMx'
        }
        else {
            @($d | Get-ProblemCode) | Should -Contain $Cause
        }
    }

    It 'big: the lost answers are from ns2, the fragment-dropping server' {
        $d = $byKey['big.lab.test'].Diagnosis[0]
        $lost = @($d.Findings | Where-Object { $_.Finding.Code -eq 'LargeUdpResponsesLost' })
        $lost.Subject | Should -Match '^ns2\.lab\.test'
    }

    It 'sizeloss: exactly the 513- and 1025-byte segments are lost' {
        $sizes = @($byKey['sizeloss.lab.test'].Diagnosis[0].Mtu.FailingPayloadSizes)
        $sizes | Should -Contain 513
        $sizes | Should -Contain 1025
        $sizes | Should -Not -Contain 512
        $sizes | Should -Not -Contain 514
    }

    It 'blackhole: path MTU 1400 and a black hole, and the message data stalls' {
        $d = $byKey['blackhole.lab.test'].Diagnosis[0]
        @($d.Mtu | Where-Object { $_.BlackHole -and $_.PathMtu -eq 1400 }) | Should -Not -BeNullOrEmpty
        @($d.Findings.Finding.Code) | Should -Contain 'TransferStalled'
    }

    It 'stall: the body stops between 50,000 and 65,536 bytes acknowledged' {
        $body = @($byKey['stall.lab.test'].Diagnosis[0].Stages | Where-Object { "$($_.Stage)" -eq 'Body' })
        $body | Should -HaveCount 1
        $body[0].BytesAcked | Should -BeGreaterOrEqual 50000
        $body[0].BytesAcked | Should -BeLessOrEqual 65536
    }

    It 'stall with -ReportPath: the HTML report is written and names the cause' {
        $d = $byKey['stall.lab.test'].Diagnosis[0]
        $d.ReportPath | Should -Be $reportPath
        $reportPath | Should -Exist
        Get-Content -Raw -LiteralPath $reportPath | Should -BeLike '*id="cause">TransferStalled<*'
    }

    It 'failover: mail goes to the second MX, mx1' {
        $d = $byKey['failover.lab.test'].Diagnosis[0]
        $d.SelectedHop | Should -Match '^mx1\.lab\.test'
        $d.MxPath.SelectedHop.Exchange | Should -Be 'mx1.lab.test'
        $d.MxPath.SelectedHop.Preference | Should -Be 300
    }

    It 'unreachable: no hop selected, and no blame on the local port 25' {
        $d = $byKey['unreachable.lab.test'].Diagnosis[0]
        $d.SelectedHop | Should -BeNullOrEmpty
        @($d.Findings.Finding.Code) | Should -Not -Contain 'LocalPort25Blocked'
    }

    It 'healthy: every step ran, and 100 kB of message data went out and was acknowledged' {
        $d = $byKey['healthy.lab.test'].Diagnosis[0]
        @($d.StageTimesMs.Keys | ForEach-Object { "$_" }) | Should -Be @('Status', 'Dns', 'MxPath', 'SmtpStages', 'PathMtu')
        $body = @($d.Stages | Where-Object { "$($_.Stage)" -eq 'Body' })[0]
        $body.BytesSent | Should -Be (100 * 1024)
        $body.BytesAcked | Should -Be (100 * 1024)
    }

    It 'a Get-Queue item piped whole seeds the diagnosis with its NextHopDomain and LastError' {
        $run = $byKey['queue']
        $run.Errors | Should -BeNullOrEmpty
        $d = $run.Diagnosis[0]
        $d.DomainName | Should -Be 'failover.lab.test'
        $d.Cause | Should -Be 'NoBannerAfterConnect'
        @($d.Findings)[0].Subject | Should -Be 'queue LastError'
        @($d.Stages) | Should -HaveCount 0
    }

    It 'an NDR text names the domain and the status' {
        $d = $byKey['ndr'].Diagnosis[0]
        $d.DomainName | Should -Be 'big.lab.test'
        $d.Cause | Should -Be 'LargeUdpResponsesLost'
        $d.Status.EnhancedStatus | Should -Be '4.4.7'
    }

    It 'delivered nothing to any probed domain' {
        $domains = @($DemoScenarios.Domain)
        Get-LabProbeDelivery -Since $logStart -Domain $domains | Should -BeNullOrEmpty
    }
}
