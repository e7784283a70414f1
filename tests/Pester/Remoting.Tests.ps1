# Fan-out over PowerShell remoting (SSH) to two "transport servers" (tests/lab/transport.sh): tx1's egress is behind
# a PMTU black hole, tx2's is clean. Results come back tagged with PSComputerName, keep their verdict and views,
# and comparing the servers separates a fault on one egress from a fault everywhere.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:TxState = '/run/mfl/transport'
    $script:Transport = Join-Path $script:RepoRoot 'tests/lab/transport.sh'
    # In the lab the servers are brought up here when they are not (and taken down again afterwards), so that
    # these tests run wherever the lab tests run.
    $script:BroughtUp = $false
    if ((Test-MailFlowLab) -and -not (Test-Path -LiteralPath (Join-Path $script:TxState 'tx2/sshd.pid'))) {
        & bash $script:Transport up 2>&1 | Write-Host
        $script:BroughtUp = $LASTEXITCODE -eq 0
    }
    $script:Ready = (Test-MailFlowLab) -and (Test-Path -LiteralPath (Join-Path $script:TxState 'tx2/sshd.pid'))
    $script:Servers = @{ '203.0.113.2' = 'tx1'; '203.0.113.18' = 'tx2' }
    $script:Remote = @{
        HostName    = @($script:Servers.Keys | Sort-Object)
        UserName    = 'root'
        KeyFilePath = Join-Path $script:TxState 'id_ed25519'
        Options     = @{ UserKnownHostsFile = Join-Path $script:TxState 'known_hosts'; StrictHostKeyChecking = 'yes' }
    }
    if ($script:Ready) {
        $modulePath = $script:ModulePath
        $script:Results = @(Invoke-Command @script:Remote -ScriptBlock {
                Import-Module $using:modulePath
                foreach ($r in 'healthy.lab.test', 'blackhole.lab.test' | Debug-MailFlow -TimeoutSeconds 4) {
                    # The view as the server printed it, beside the result.
                    $r | Add-Member -NotePropertyName ViewThere -NotePropertyValue ($r | Out-String -Width 200) -PassThru
                }
            })
    }
}

AfterAll {
    if ($script:BroughtUp) { & bash $script:Transport down 2>&1 | Write-Host }
}

Describe 'Debug-MailFlow on every transport server at once (Invoke-Command -HostName over SSH)' {
    BeforeEach {
        if (-not $script:Ready) { Set-ItResult -Skipped -Because 'the lab and tests/lab/transport.sh are not up' }
    }

    It 'returns one result per server and domain, tagged with PSComputerName' {
        $script:Results.Count | Should -Be 4
        @($script:Results | ForEach-Object { "$($script:Servers[$_.PSComputerName]) $($_.DomainName)" } | Sort-Object) |
            Should -Be 'tx1 blackhole.lab.test', 'tx1 healthy.lab.test', 'tx2 blackhole.lab.test', 'tx2 healthy.lab.test'
    }

    It 'keeps the verdict, nested paths, enum names and the server''s view' {
        foreach ($r in $script:Results) {
            $r.Cause | Should -BeIn 'None', 'PmtudBlackHole'
            @($r.Findings | Where-Object { $_.Finding.Severity -eq 'Error' }).Count -gt 0 | Should -Be ($r.Cause -ne 'None')
            $r.MxPath.SelectedHop.Address | Should -Not -BeNullOrEmpty
            $r.FindingCodes | Should -Be (($r.Findings | ForEach-Object { $_.Finding.Code }) -join '; ')
            # Views for the Deserialized.* names: the same text here as on the server (without the PSComputerName
            # line that remoting output adds).
            $r.PSShowComputerName | Should -BeTrue
            $r.PSShowComputerName = $false
            # A deserialized dictionary has no order, so only the stage-times line may list the stages differently.
            $timeLine = '(?m)^Time +:.*$'
            ($r | Out-String -Width 200) -replace $timeLine | Should -Be ($r.ViewThere -replace $timeLine)
            # A cast rebuilds the live result (remoting itself does not), and then the view is the server's exactly.
            $rebuilt = [MailFlowTools.Core.Diagnosis.MailFlowDiagnosis]$r
            $rebuilt.Location | Should -BeOfType [MailFlowTools.Core.Diagnosis.FaultLocation]
            ($rebuilt | Out-String -Width 200) | Should -Be $r.ViewThere
        }
    }

    It 'separates a fault on one egress from a fault everywhere' {
        # The comparison README documents: a cause on some servers only is their egress; on all of them, the path
        # or the domain.
        $byDomain = $script:Results | Group-Object DomainName | ForEach-Object {
            $faulty = @($_.Group | Where-Object Cause -ne 'None')
            [pscustomobject]@{
                DomainName = $_.Name
                Where      = if ($faulty.Count -eq 0) { 'Nowhere' } elseif ($faulty.Count -eq $_.Count) { 'Everywhere' } else { 'Egress: ' + (($faulty | ForEach-Object { $script:Servers[$_.PSComputerName] } | Sort-Object) -join ', ') }
                Causes     = ($faulty.Cause | Sort-Object -Unique) -join ', '
            }
        }
        ($byDomain | Where-Object DomainName -eq 'healthy.lab.test').Where | Should -Be 'Egress: tx1'
        ($byDomain | Where-Object DomainName -eq 'healthy.lab.test').Causes | Should -Be 'PmtudBlackHole'
        ($byDomain | Where-Object DomainName -eq 'blackhole.lab.test').Where | Should -Be 'Everywhere'
    }
}
