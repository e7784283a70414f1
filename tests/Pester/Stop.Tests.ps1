# Stop (Ctrl+C) in the middle of a probe: the pipeline returns within the product's 250 ms bound for every cmdlet,
# and the runspace still works afterwards. Measured around PowerShell.Stop() in this process.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'LabHelpers.ps1')
    # Each waits on something that never answers: the silent MX (.30) or the dead address (.33).
    $midProbe = @(
        @{ Command = 'Test-MxPath'; Arguments = @('failover.lab.test'); Parameters = @{ BannerTimeoutSeconds = 30 } }
        @{ Command = 'Get-SmtpStageTiming'; Arguments = @('198.51.100.30'); Parameters = @{ TimeoutSeconds = 30 } }
        @{ Command = 'Find-MtuBlackHole'; Arguments = @('198.51.100.33'); Parameters = @{ TimeoutSeconds = 20 } }
        @{ Command = 'Test-EdnsReachability'; Arguments = @('big.lab.test'); Parameters = @{ Server = '198.51.100.33'; TimeoutSeconds = 20 } }
        @{ Command = 'Debug-MailFlow'; Arguments = @('failover.lab.test'); Parameters = @{ TimeoutSeconds = 30 } }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'LabHelpers.ps1')
    $modulePath = $script:ModulePath

    # Starts the command in a new runspace, stops it after $AfterMs, and returns the Stop() latency and the shell.
    function Stop-MidProbe([string] $Command, [object[]] $Arguments, [hashtable] $Parameters, [int] $AfterMs = 1500) {
        $shell = [powershell]::Create()
        $null = $shell.AddCommand('Import-Module').AddArgument($modulePath).Invoke()
        $shell.Commands.Clear()
        $null = $shell.AddCommand($Command)
        foreach ($a in $Arguments) { $null = $shell.AddArgument($a) }
        foreach ($k in $Parameters.Keys) { $null = $shell.AddParameter($k, $Parameters[$k]) }
        $async = $shell.BeginInvoke()
        Start-Sleep -Milliseconds $AfterMs
        $running = -not $async.IsCompleted
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $shell.Stop()
        $clock.Stop()
        $stoppedError = $null
        try { $null = $shell.EndInvoke($async) } catch { $stoppedError = $_.Exception }
        return [pscustomobject]@{ Shell = $shell; WasRunning = $running; StopMs = $clock.Elapsed.TotalMilliseconds; State = "$($shell.InvocationStateInfo.State)"; Error = $stoppedError }
    }

    # It was still running when stopped, Stop() returned within the bound, and the same runspace then runs
    # another MailFlowTools command. Disposes the shell.
    function Assert-StoppedPromptly($Run, [string] $Label) {
        try {
            Write-Host ('Stop latency, {0}: {1:0.0} ms' -f $Label, $Run.StopMs)
            $Run.WasRunning | Should -BeTrue
            $Run.StopMs | Should -BeLessThan 250
            $Run.State | Should -Be 'Stopped'
            $Run.Shell.Commands.Clear()
            $result = $Run.Shell.AddCommand('Resolve-SmtpStatus').AddArgument('4.4.7').Invoke()
            $result | Should -HaveCount 1
            $result[0].EnhancedStatus | Should -Be '4.4.7'
        }
        finally {
            $Run.Shell.Dispose()
        }
    }
}

Describe 'Stop without the lab' {
    It 'Get-SmtpStageTiming waiting for the banner of a loopback listener that never greets: stopped within 250 ms' {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        try {
            $run = Stop-MidProbe Get-SmtpStageTiming @('127.0.0.1') @{ Port = $listener.LocalEndpoint.Port; TimeoutSeconds = 30 }
            Assert-StoppedPromptly $run 'Get-SmtpStageTiming (loopback)'
        }
        finally {
            $listener.Stop()
        }
    }

    It 'Test-MxPath probing while its input still comes (a DNS server on loopback that never answers): stopped within 250 ms' {
        # The names are being tested by the workers between inputs, while the command upstream waits: the stop
        # must reach those workers too, not only a ProcessRecord in progress.
        $silent = [System.Net.Sockets.UdpClient]::new([System.Net.IPEndPoint]::new([System.Net.IPAddress]::Loopback, 0))
        try {
            $port = $silent.Client.LocalEndPoint.Port
            $shell = [powershell]::Create()
            $null = $shell.AddCommand('Import-Module').AddArgument($modulePath).Invoke()
            $shell.Commands.Clear()
            $null = $shell.AddScript("& { 'a.nosuch.test'; 'b.nosuch.test'; Start-Sleep -Seconds 60; 'c.nosuch.test' } | Test-MxPath -DnsServer 127.0.0.1:$port")
            $async = $shell.BeginInvoke()
            Start-Sleep -Milliseconds 1500
            $running = -not $async.IsCompleted
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $shell.Stop()
            $clock.Stop()
            try { $null = $shell.EndInvoke($async) } catch { }
            $run = [pscustomobject]@{ Shell = $shell; WasRunning = $running; StopMs = $clock.Elapsed.TotalMilliseconds; State = "$($shell.InvocationStateInfo.State)" }
            Assert-StoppedPromptly $run 'Test-MxPath (piped, loopback DNS)'
        }
        finally {
            $silent.Dispose()
        }
    }

    It 'Resolve-SmtpStatus in the middle of 300,000 inputs: stopped within 250 ms' {
        $inputs = [System.Linq.Enumerable]::ToArray([System.Linq.Enumerable]::Repeat([string] '451 4.4.0 Primary target IP address responded with: "421 4.4.2 Connection dropped."', 300000))
        $run = Stop-MidProbe Resolve-SmtpStatus @(, $inputs) @{} -AfterMs 500
        Assert-StoppedPromptly $run 'Resolve-SmtpStatus'
    }
}

Describe "Stop against the lab$LabSkipNote" -Skip:$NoLab {
    It '<Command> stopped mid-probe returns within 250 ms, and the runspace still works' -ForEach $midProbe {
        $run = Stop-MidProbe $Command $Arguments $Parameters
        Assert-StoppedPromptly $run $Command
    }
}
