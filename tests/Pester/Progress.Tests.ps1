# Write-Progress from the cmdlets, read from a [powershell] instance's progress stream: Get-SmtpStageTiming has one
# bar per target with the stage as status; Debug-MailFlow nests every engine run under its own bar.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'LabHelpers.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'LabHelpers.ps1')
    $modulePath = $script:ModulePath

    # Runs one command with its parameters in a fresh runspace and returns its output and progress records.
    function Invoke-WithProgress([string] $Command, [hashtable] $Parameters, [object[]] $Arguments = @()) {
        # The import and the command are separate invocations in one runspace: only the command's records are read.
        $runspace = [runspacefactory]::CreateRunspace()
        $runspace.Open()
        $import = [powershell]::Create()
        $shell = [powershell]::Create()
        try {
            $import.Runspace = $runspace
            $null = $import.AddCommand('Import-Module').AddArgument($modulePath).Invoke()
            $shell.Runspace = $runspace
            $null = $shell.AddCommand($Command)
            foreach ($a in $Arguments) { $null = $shell.AddArgument($a) }
            foreach ($k in $Parameters.Keys) { $null = $shell.AddParameter($k, $Parameters[$k]) }
            $output = $shell.Invoke()
            return [pscustomobject]@{ Output = @($output); Progress = @($shell.Streams.Progress); Errors = @($shell.Streams.Error) }
        }
        finally {
            $shell.Dispose()
            $import.Dispose()
            $runspace.Dispose()
        }
    }
}

Describe 'Get-SmtpStageTiming progress' {
    It 'one bar per target, each with its own id, no parent, the stage as status, and completed at the end' {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
        $run = Invoke-WithProgress Get-SmtpStageTiming @{ ComputerName = @('127.0.0.1', '[127.0.0.1]'); Port = $port; TimeoutSeconds = 5 }
        $run.Output | Should -HaveCount 2
        $ids = @($run.Progress.ActivityId | Select-Object -Unique)
        $ids | Should -Be @(25, 26)
        @($run.Progress.ParentActivityId | Select-Object -Unique) | Should -Be -1
        foreach ($bar in ($run.Progress | Group-Object ActivityId)) {
            $records = @($bar.Group)
            @($records.Activity | Select-Object -Unique) | Should -HaveCount 1
            $records[0].Activity | Should -BeLike "Get-SmtpStageTiming *127.0.0.1* port $port"
            $records[0].StatusDescription | Should -Be 'Connect'
            "$($records[-1].RecordType)" | Should -Be 'Completed'
            $records[-1].StatusDescription | Should -Be 'Connect: Refused'
        }
    }
}

Describe "Progress against the lab$LabSkipNote" -Skip:$NoLab {
    It 'Get-SmtpStageTiming: the status follows the session stage by stage' {
        $run = Invoke-WithProgress Get-SmtpStageTiming @{ ComputerName = '198.51.100.25'; StopAfter = 'Ehlo'; TimeoutSeconds = 10 }
        $statuses = @($run.Progress | Where-Object ActivityId -eq 25 | ForEach-Object StatusDescription)
        $statuses[0] | Should -Be 'Connect'
        $statuses | Should -Contain 'Connect: Ok'
        $statuses | Should -Contain 'Banner: Ok'
        $statuses | Should -Contain 'Ehlo: Ok'
    }

    It 'Debug-MailFlow: a top-level diagnosis bar, and every engine run on its own id under it (the two EDNS runs too)' {
        $run = Invoke-WithProgress Debug-MailFlow @{} -Arguments 'healthy.lab.test'
        $run.Output | Should -HaveCount 1
        $root = @($run.Progress | Where-Object ActivityId -eq 8)
        $root | Should -Not -BeNullOrEmpty
        @($root.ParentActivityId | Select-Object -Unique) | Should -Be -1
        $root[0].Activity | Should -Be 'Debug-MailFlow healthy.lab.test'
        "$($root[-1].RecordType)" | Should -Be 'Completed'

        $children = @($run.Progress | Where-Object ActivityId -ne 8)
        @($children.ParentActivityId | Select-Object -Unique) | Should -Be 8
        $bars = @($children | Group-Object ActivityId)
        foreach ($bar in $bars) {
            # One engine run per id: one activity, and the bar is closed.
            @($bar.Group.Activity | Select-Object -Unique) | Should -HaveCount 1
            "$($bar.Group[-1].RecordType)" | Should -Be 'Completed'
        }
        $edns = @($bars | Where-Object { $_.Group[0].Activity -eq 'Test-EdnsReachability healthy.lab.test' })
        $edns.Count | Should -BeGreaterOrEqual 2
        @($bars | Where-Object { $_.Group[0].Activity -like 'Get-SmtpStageTiming *' }) | Should -Not -BeNullOrEmpty
        @($bars | Where-Object { $_.Group[0].Activity -like 'Find-MtuBlackHole *' }) | Should -Not -BeNullOrEmpty
    }
}
