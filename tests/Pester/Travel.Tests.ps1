# Results that travel (issue #15): after a job, PSSerializer at depths 1-3 (remoting's and Start-Job's default
# is 1), Export-Csv/Import-Csv and ConvertTo-Json, results keep their meaning. Lab results where the lab is up;
# Resolve-SmtpStatus needs no network, so part of every Describe runs everywhere.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:InLab = Test-MailFlowLab
    $script:TypeNamePattern = '(^|[\s\[(])(MailFlowTools\.Core|System)\.[\w.`]+(\[\])?'

    # Live results, one or more per cmdlet, each with the verdict fields the documentation filters on.
    $script:Live = [ordered]@{
        Status = Resolve-SmtpStatus -Path (Join-Path $script:RepoRoot 'samples/ndr-incident1.txt')
    }
    if ($script:InLab) {
        # cname: a selected hop and a Warning; refused: an Error; .33: a session that dies at Connect (Timeout);
        # the black hole: PathMtu 1400 and BlackHole; fragment loss on .54; Debug-MailFlow names the cause.
        $script:Live.MxPath = Test-MxPath cname.lab.test
        $script:Live.MxPathFailed = Test-MxPath refused.lab.test
        $script:Live.Stages = @(Get-SmtpStageTiming 198.51.100.33 -TimeoutSeconds 2)
        $script:Live.Mtu = Find-MtuBlackHole 198.51.100.27 -TimeoutSeconds 2
        $script:Live.Edns = Test-EdnsReachability -Name big.lab.test -Type MX -Server 198.51.100.54 -TimeoutSeconds 2
        $script:Live.Diagnosis = Debug-MailFlow blackhole.lab.test -TimeoutSeconds 4
    }

    # The documented filters and property paths, as one comparable line per result.
    function Get-Verdict([object] $Result) {
        $findings = if ($Result.Cause) { @($Result.Findings | ForEach-Object Finding) } else { @($Result.Findings) }
        @(
            "codes=$($findings.Code -join ',')"
            "warnings=$(@($findings | Where-Object Severity -eq 'Warning').Count)"
            "errors=$(@($findings | Where-Object Severity -eq 'Error').Count)"
            "problems=$(@($Result | Where-Object { $_.Findings.IsProblem }).Count)"
            "selected=$($Result.SelectedHop.Address):$($Result.SelectedHop.Port)"
            "hops=$($Result.Hops.Outcome -join ',')"
            "source=$(@($Result | Where-Object MxSource -eq 'Mx').Count)"
            "stage=$($Result.Stage) timeout=$(@($Result | Where-Object Outcome -eq 'Timeout').Count)"
            "mtu=$($Result.PathMtu) blackhole=$($Result.BlackHole)"
            "cause=$($Result.Cause) location=$($Result.Location) died=$(@($Result.Stages | Where-Object Outcome -eq 'Timeout').Stage -join ',')"
            "evidence=$($findings.Evidence.Keys -join ',')"
        ) -join ' | '
    }

    function Get-AllLive { $script:Live.Values | ForEach-Object { $_ } }
}

Describe 'Deserialized results keep their meaning (module loaded on the receiving side)' {
    It 'rebuilds <Kind> at PSSerializer depth <Depth> into the live type, with the same verdict and the same view' -TestCases @(
        foreach ($kind in 'Status', 'MxPath', 'MxPathFailed', 'Stages', 'Mtu', 'Edns', 'Diagnosis') {
            foreach ($depth in 1, 2, 3) { @{ Kind = $kind; Depth = $depth } }
        }
    ) {
        param($Kind, $Depth)
        if (-not $script:Live.Contains($Kind)) { Set-ItResult -Skipped -Because 'the lab is not up in this namespace'; return }
        foreach ($live in $script:Live[$Kind]) {
            $travelled = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($live, $Depth))
            $travelled.GetType() | Should -Be $live.GetType()
            Get-Verdict $travelled | Should -Be (Get-Verdict $live)
            ($travelled | Out-String -Width 200) | Should -Be ($live | Out-String -Width 200)
        }
    }

    It 'keeps the lab verdicts the documentation filters on' {
        if (-not $script:InLab) { Set-ItResult -Skipped -Because 'the lab is not up in this namespace'; return }
        $depth1 = { param($r) [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($r, 1)) }
        $mx = & $depth1 $script:Live.MxPath
        $mx.SelectedHop.Address | Should -BeIn '198.51.100.25', '2001:db8:5::25'
        $mx.Findings.Code | Should -Contain 'MxPointsToCname'
        (& $depth1 $script:Live.MxPathFailed).Hops.Outcome | Should -Be 'ConnectRefused'
        @($script:Live.Stages | ForEach-Object { & $depth1 $_ } | Where-Object Outcome -eq 'Timeout').Count | Should -BeGreaterThan 0
        $mtu = & $depth1 $script:Live.Mtu
        $mtu.PathMtu | Should -Be 1400
        $mtu.BlackHole | Should -BeTrue
        (& $depth1 $script:Live.Diagnosis).Cause | Should -Be 'PmtudBlackHole'
    }

    It 'rebuilds results that come back from Start-Job, where the module ran in the job' {
        $lab = $script:InLab
        $job = Start-Job -ScriptBlock {
            param($ModulePath, $Lab, $NdrPath)
            Import-Module $ModulePath
            $results = @(Resolve-SmtpStatus -Path $NdrPath)
            if ($Lab) { $results += Test-MxPath cname.lab.test; $results += Find-MtuBlackHole 198.51.100.27 -TimeoutSeconds 2 }
            foreach ($r in $results) {
                # What the job saw, beside the result itself.
                [pscustomobject]@{ Seen = "$($r.Findings.Code -join ',')|$($r.SelectedHop.Address)|$($r.PathMtu)|$(@($r.Findings | Where-Object Severity -eq 'Warning').Count)" }
                $r
            }
        } -ArgumentList $script:ModulePath, $lab, (Join-Path $script:RepoRoot 'samples/ndr-incident1.txt')
        $output = @($job | Wait-Job -Timeout 120 | Receive-Job)
        $job | Remove-Job -Force
        $output.Count | Should -Be $(if ($lab) { 6 } else { 2 })
        for ($i = 0; $i -lt $output.Count; $i += 2) {
            $result = $output[$i + 1]
            $result.GetType().Namespace | Should -BeLike 'MailFlowTools.Core*'
            "$($result.Findings.Code -join ',')|$($result.SelectedHop.Address)|$($result.PathMtu)|$(@($result.Findings | Where-Object Severity -eq 'Warning').Count)" |
                Should -Be $output[$i].Seen
        }
    }
}

Describe 'Deserialized results on a receiving side without the module' {
    It 'still filters on enum names, nested paths and the flat verdict properties' {
        $result = if ($script:InLab) { $script:Live.MxPath } else { $script:Live.Status }
        $xml = [System.Management.Automation.PSSerializer]::Serialize($result, 1)
        $pwsh = (Get-Command pwsh -CommandType Application | Select-Object -First 1).Source
        # A fresh pwsh that never loads MailFlowTools.
        $seen = $xml | & $pwsh -NoProfile -NonInteractive -Command {
            $x = [System.Management.Automation.PSSerializer]::Deserialize(($input | Out-String))
            '{0}|{1}|{2}|{3}|{4}|{5}' -f $x.pstypenames[0], ($x.Findings.Code -join ','),
                @($x.Findings | Where-Object Severity -eq 'Warning').Count, $x.SelectedHop.Address, $x.FindingCodes,
                @(Get-Module MailFlowTools).Count
        }
        $expected = '{0}|{1}|{2}|{3}|{4}|0' -f ('Deserialized.' + $result.GetType().FullName), ($result.Findings.Code -join ','),
            @($result.Findings | Where-Object Severity -eq 'Warning').Count, $result.SelectedHop.Address, $result.FindingCodes
        $seen | Should -Be $expected
    }
}

Describe 'CSV a person can read' {
    It 'writes <Kind> as one row per result, with no .NET type name in any cell, and reads it back' -TestCases @(
        foreach ($kind in 'Status', 'MxPath', 'MxPathFailed', 'Stages', 'Mtu', 'Edns', 'Diagnosis') { @{ Kind = $kind } }
    ) {
        param($Kind)
        if (-not $script:Live.Contains($Kind)) { Set-ItResult -Skipped -Because 'the lab is not up in this namespace'; return }
        $results = @($script:Live[$Kind])
        $path = Join-Path $TestDrive "$Kind.csv"
        $results | Export-Csv -LiteralPath $path -NoTypeInformation
        $rows = @(Import-Csv -LiteralPath $path)
        $rows.Count | Should -Be $results.Count
        foreach ($row in $rows) {
            foreach ($cell in $row.PSObject.Properties) {
                $cell.Value | Should -Not -Match $script:TypeNamePattern -Because "column $($cell.Name) must carry values"
            }
        }
        for ($i = 0; $i -lt $results.Count; $i++) {
            $rows[$i].FindingCodes | Should -Be $results[$i].FindingCodes
            $rows[$i].HighestSeverity | Should -BeIn 'None', 'Info', 'Warning', 'Error'
        }
    }

    It 'carries the verdict in flat columns: codes, selected hop, path MTU, black hole, the stage that died, the cause' {
        if (-not $script:InLab) { Set-ItResult -Skipped -Because 'the lab is not up in this namespace'; return }
        $mx = $script:Live.MxPath | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv
        $mx.FindingCodes -split '; ' | Should -Contain 'MxPointsToCname'
        $mx.SelectedAddress | Should -Be $script:Live.MxPath.SelectedHop.Address
        $mx.SelectedPort | Should -Be '25'
        $mx.MxSource | Should -Be 'Mx'
        $mtu = $script:Live.Mtu | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv
        $mtu.PathMtu | Should -Be '1400'
        $mtu.BlackHole | Should -Be 'True'
        $mtu.FindingCodes -split '; ' | Should -Contain 'PmtudBlackHole'
        $stages = $script:Live.Stages | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv
        @($stages | Where-Object Outcome -eq 'Timeout').Stage | Should -Not -BeNullOrEmpty
        $diagnosis = $script:Live.Diagnosis | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv
        $diagnosis.Cause | Should -Be 'PmtudBlackHole'
        $diagnosis.Location | Should -Be 'Path'
        $diagnosis.PathMtu | Should -Be '1400'
        $diagnosis.BlackHole | Should -Be 'True'
        $diagnosis.FailedStage | Should -Not -BeNullOrEmpty
        $diagnosis.FailedOutcome | Should -Not -BeNullOrEmpty
    }
}

Describe 'JSON a person and a SIEM can read' {
    It 'writes every enum in <Kind> by name, without -EnumsAsStrings, and no .NET type name' -TestCases @(
        foreach ($kind in 'Status', 'MxPath', 'MxPathFailed', 'Stages', 'Mtu', 'Edns', 'Diagnosis') { @{ Kind = $kind } }
    ) {
        param($Kind)
        if (-not $script:Live.Contains($Kind)) { Set-ItResult -Skipped -Because 'the lab is not up in this namespace'; return }
        $json = $script:Live[$Kind] | ConvertTo-Json -Depth 8
        $json | Should -Not -Match ('"' + $script:TypeNamePattern)
        foreach ($name in 'Severity', 'MxSource', 'Outcome', 'Stage', 'Location', 'Method', 'AddressFamily', 'Kind', 'Transport', 'Type') {
            $json | Should -Not -Match ('"' + $name + '":\s*-?\d') -Because "$name is a name, not a number"
        }
    }

    It 'gives the verdict fields as names a SIEM can match' {
        $status = $script:Live.Status | ConvertTo-Json -Depth 4 | ConvertFrom-Json
        $status.Findings[0].Severity | Should -BeIn 'Info', 'Warning', 'Error'
        $status.FindingCodes | Should -Be $script:Live.Status.FindingCodes
        if (-not $script:InLab) { return }
        $mx = $script:Live.MxPath | ConvertTo-Json -Depth 4 | ConvertFrom-Json
        $mx.MxSource | Should -Be 'Mx'
        $mx.SelectedHop.Outcome | Should -Be 'Ok'
        $mx.SelectedAddress | Should -Be $script:Live.MxPath.SelectedHop.Address
        ($mx.Findings | Where-Object Code -eq 'MxPointsToCname').Severity | Should -Be 'Warning'
        $diagnosis = $script:Live.Diagnosis | ConvertTo-Json -Depth 8 | ConvertFrom-Json
        $diagnosis.Cause | Should -Be 'PmtudBlackHole'
        $diagnosis.Location | Should -Be 'Path'
        $diagnosis.Findings.Stage | Should -Contain 'PathMtu'
    }

    It 'backs every enum a result can hold with Int64, which ConvertTo-Json writes by name in 5.1 and 7' {
        # Windows PowerShell 5.1 has no -EnumsAsStrings; both editions write Int64/UInt64 enums as their names.
        $seen = [System.Collections.Generic.HashSet[type]]::new()
        $queue = [System.Collections.Generic.Queue[type]]::new()
        foreach ($t in 'MxPath.MxPathResult', 'Smtp.SmtpStageResult', 'Smtp.Status.SmtpStatusResult', 'Dns.Reachability.EdnsReachabilityResult', 'PathMtu.MtuProbeResult', 'Diagnosis.MailFlowDiagnosis') {
            $queue.Enqueue(($script:Live.Status.GetType().Assembly.GetType("MailFlowTools.Core.$t", $true)))
        }
        $enums = @()
        while ($queue.Count) {
            $type = $queue.Dequeue()
            if (-not $seen.Add($type)) { continue }
            foreach ($property in $type.GetProperties()) {
                $propertyType = $property.PropertyType
                if ([Nullable]::GetUnderlyingType($propertyType)) { $propertyType = [Nullable]::GetUnderlyingType($propertyType) }
                $candidates = @($propertyType) + @($propertyType.GetGenericArguments()) + @($propertyType.GetElementType() | Where-Object { $_ })
                foreach ($candidate in $candidates) {
                    if ($candidate.IsEnum) { $enums += $candidate }
                    elseif ($candidate.Namespace -like 'MailFlowTools.Core*' -and -not $candidate.IsGenericType) { $queue.Enqueue($candidate) }
                }
            }
        }
        $enums = @($enums | Sort-Object FullName -Unique)
        $enums.Count | Should -BeGreaterThan 10
        $enums | Where-Object { [Enum]::GetUnderlyingType($_) -ne [long] } | ForEach-Object FullName | Should -BeNullOrEmpty
    }
}

Describe 'The scheduled-task runbook in README and about_MailFlowTools' {
    BeforeAll {
        $readme = Get-Content -Raw -LiteralPath (Join-Path $script:RepoRoot 'README.md')
        $script:Runbook = [regex]::Match($readme, '(?s)<!-- runbook:start[^>]*-->\s*```powershell\r?\n(.*?)```').Groups[1].Value
        $about = Get-Content -Raw -LiteralPath (Join-Path $script:RepoRoot 'en-US/about_MailFlowTools.help.txt')
        $script:AboutText = $about -replace '(?m)^        ', ''
    }

    It 'is the same code in README and in about_MailFlowTools' {
        $script:Runbook | Should -Not -BeNullOrEmpty
        foreach ($line in $script:Runbook -split '\r?\n' | Where-Object { $_ }) {
            $script:AboutText.Contains($line) | Should -BeTrue -Because "about_MailFlowTools shows the runbook line $line"
        }
    }

    It 'records every domain from every server, then alerts only on a changed verdict' {
        if (-not $script:InLab) { Set-ItResult -Skipped -Because 'the lab is not up in this namespace'; return }
        $csv = Join-Path $TestDrive 'mxpath.csv'
        $code = $script:Runbook.Replace("'C:\MailFlow\mxpath.csv'", "'$csv'")
        # Lab domains stand in for the accepted domains, two names for the transport servers; each "server" is a
        # job (a separate process whose results arrive serialized, as over remoting) tagged with PSComputerName.
        $modules = Split-Path -Parent (Split-Path -Parent $script:ModulePath)
        $run = [scriptblock]::Create(@'
param($Code, $Modules)
$saved = $env:PSModulePath
$env:PSModulePath = $Modules + [IO.Path]::PathSeparator + $env:PSModulePath
function Get-AcceptedDomain { [pscustomobject]@{ DomainName = 'cname.lab.test' }; [pscustomobject]@{ DomainName = 'refused.lab.test' } }
function Get-TransportService { [pscustomobject]@{ Name = 'tx1' }; [pscustomobject]@{ Name = 'tx2' } }
function Invoke-Command([string[]] $ComputerName, [scriptblock] $ScriptBlock) {
    $jobs = foreach ($server in $ComputerName) { @{ Server = $server; Job = Start-Job -ScriptBlock $ScriptBlock } }
    foreach ($j in $jobs) {
        $j.Job | Wait-Job -Timeout 120 | Receive-Job | Add-Member -NotePropertyName PSComputerName -NotePropertyValue $j.Server -PassThru -Force
        $j.Job | Remove-Job -Force
    }
}
try { . ([scriptblock]::Create($Code)) 3>&1 | ForEach-Object { "$_" } } finally { $env:PSModulePath = $saved }
'@)
        if ($script:ModulePath -notlike (Join-Path $modules 'MailFlowTools*')) { Set-ItResult -Skipped -Because 'the module under test is not in a module folder'; return }

        $first = @(& $run $code $modules)
        $first | Should -BeNullOrEmpty -Because 'the first run only records'
        $rows = @(Import-Csv $csv)
        $rows.Count | Should -Be 4
        ($rows | Where-Object { $_.Server -eq 'tx1' -and $_.DomainName -eq 'refused.lab.test' }).Verdict | Should -Be 'Reachable=False AllHopsFailed'
        ($rows | Where-Object { $_.Server -eq 'tx2' -and $_.DomainName -eq 'cname.lab.test' }).SelectedPort | Should -Be '25'

        # tx2's last verdict for cname.lab.test differs from what it will find now: one alert, for that pair only.
        $changed = $rows | Where-Object { $_.Server -eq 'tx2' -and $_.DomainName -eq 'cname.lab.test' } | Select-Object *
        $changed.Verdict = 'Reachable=False AllHopsFailed'
        $changed | Export-Csv $csv -Append -NoTypeInformation
        $second = @(& $run $code $modules)
        $second.Count | Should -Be 1
        $second[0] | Should -BeLike 'tx2 to cname.lab.test: now Reachable=True*'

        @(& $run $code $modules) | Should -BeNullOrEmpty -Because 'nothing changed since the last run'
        @(Import-Csv $csv).Count | Should -Be 13
    }
}
