# Long pipelines: a cmdlet that gets its inputs one at a time writes its first result while later input is still
# being produced, and keeps none of its results: the live managed heap grows by less than half of what holding
# them would take (measured here by holding a sample of the same results), and does not follow the count.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'LabHelpers.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'LabHelpers.ps1')

    # Runs $Count inputs from a generator through $Command; returns how many inputs had been produced when the
    # first result arrived, the result count, and the largest live heap (after a full collection) seen on the way.
    function Measure-Stream([string] $Command, [hashtable] $Parameters, [scriptblock] $MakeInput, [int] $Count, [int] $SampleEvery) {
        $state = @{ Produced = 0; FirstAt = -1; Results = 0; PeakLive = 0L }
        [GC]::Collect(); [GC]::WaitForPendingFinalizers()
        $state.Baseline = [GC]::GetTotalMemory($true)
        & { for ($i = 0; $i -lt $Count; $i++) { $state.Produced++; & $MakeInput $i } } |
            & $Command @Parameters |
            ForEach-Object {
                if ($state.FirstAt -lt 0) { $state.FirstAt = $state.Produced }
                $state.Results++
                if ($state.Results % $SampleEvery -eq 0) {
                    $live = [GC]::GetTotalMemory($true)
                    if ($live -gt $state.PeakLive) { $state.PeakLive = $live }
                }
            }
        $state.Growth = [Math]::Max(0L, $state.PeakLive - $state.Baseline)
        return [pscustomobject]$state
    }

    # The live heap that $Sample results of the same kind take when they ARE held, per result.
    function Measure-HeldBytesPerResult([string] $Command, [hashtable] $Parameters, [scriptblock] $MakeInput, [int] $Sample) {
        [GC]::Collect(); [GC]::WaitForPendingFinalizers()
        $before = [GC]::GetTotalMemory($true)
        $held = @(& { for ($i = 0; $i -lt $Sample; $i++) { & $MakeInput $i } } | & $Command @Parameters)
        $after = [GC]::GetTotalMemory($true)
        $held.Count | Should -Be $Sample
        return ($after - $before) / $Sample
    }
}

Describe 'Streaming without the lab' {
    It 'Resolve-SmtpStatus over 40,000 piped inputs: first result before the input ends, results not held' {
        $command = 'Resolve-SmtpStatus'; $parameters = @{}
        $makeInput = { param($i) "451 4.4.0 Primary target IP address responded with: `"421 4.4.2 Connection dropped.`" attempt $i" }
        $perResult = Measure-HeldBytesPerResult $command $parameters $makeInput 4000
        $run = Measure-Stream $command $parameters $makeInput 40000 5000
        Write-Host ('Resolve-SmtpStatus: first result after {0} of 40000 inputs; {1:0} bytes a held result; live heap grew {2:0.0} MB (holding all: {3:0.0} MB)' -f $run.FirstAt, $perResult, ($run.Growth / 1MB), ($perResult * 40000 / 1MB))
        $run.Results | Should -Be 40000
        $run.FirstAt | Should -BeGreaterThan 0
        $run.FirstAt | Should -BeLessThan 100
        $perResult | Should -BeGreaterThan 500
        # Holding every result would add at least $perResult * 40000: require less than half of that.
        $run.Growth | Should -BeLessThan (0.5 * $perResult * 40000)
    }
}

Describe "Streaming against the lab$LabSkipNote" -Skip:$NoLab {
    It 'Test-EdnsReachability over 1,000 piped names that do not exist: first result before the input ends, results not held' {
        $command = 'Test-EdnsReachability'; $parameters = @{ Server = '198.51.100.56'; NoTcp = $true; BufferSize = 1232; TimeoutSeconds = 2 }
        $makeInput = { param($i) 'stream{0}.nosuch.test' -f $i }
        $perResult = Measure-HeldBytesPerResult $command $parameters $makeInput 100
        $run = Measure-Stream $command $parameters $makeInput 1000 100
        Write-Host ('Test-EdnsReachability: first result after {0} of 1000 inputs; {1:0} bytes a held result; live heap grew {2:0.00} MB (holding all: {3:0.00} MB)' -f $run.FirstAt, $perResult, ($run.Growth / 1MB), ($perResult * 1000 / 1MB))
        $run.Results | Should -Be 1000
        $run.FirstAt | Should -BeGreaterThan 0
        $run.FirstAt | Should -BeLessThan 10
        $perResult | Should -BeGreaterThan 500
        $run.Growth | Should -BeLessThan (0.5 * $perResult * 1000)
    }

    It 'Test-MxPath writes its first results while its input is still coming' {
        # Two names, a pause, one name, a pause, the last name: the first two are tested during the first pause and
        # their results come out with the next input, well before the last name is produced.
        $state = @{ LastInputAt = $null; Arrivals = [System.Collections.Generic.List[datetime]]::new() }
        & {
            'early1.nosuch.test'; 'early2.nosuch.test'
            Start-Sleep -Seconds 4
            'middle.nosuch.test'
            Start-Sleep -Seconds 2
            $state.LastInputAt = [datetime]::UtcNow
            'late.nosuch.test'
        } | Test-MxPath -DnsServer 198.51.100.56 -ThrottleLimit 4 | ForEach-Object { $state.Arrivals.Add([datetime]::UtcNow) }
        Write-Host ('Test-MxPath: first result {0:0.0} s before the last input' -f ($state.LastInputAt - $state.Arrivals[0]).TotalSeconds)
        $state.Arrivals.Count | Should -Be 4
        $state.Arrivals[0] | Should -BeLessThan $state.LastInputAt
        $state.Arrivals[1] | Should -BeLessThan $state.LastInputAt
    }

    It 'Test-MxPath over 12,000 piped names that do not exist: results are written as they complete, not held' {
        # Test-MxPath tests names as they come, up to -ThrottleLimit at once, and remembers only the names (small
        # strings, for repeats); its results leave one by one, so the live heap does not grow with their number.
        $command = 'Test-MxPath'; $parameters = @{ DnsServer = '198.51.100.56'; ThrottleLimit = 8 }
        $makeInput = { param($i) 'mx{0}.nosuch.test' -f $i }
        $perResult = Measure-HeldBytesPerResult $command $parameters $makeInput 1000
        $run = Measure-Stream $command $parameters $makeInput 12000 1000
        Write-Host ('Test-MxPath: {0:0} bytes a held result; live heap grew {1:0.0} MB (holding all: {2:0.0} MB)' -f $perResult, ($run.Growth / 1MB), ($perResult * 12000 / 1MB))
        $run.Results | Should -Be 12000
        $perResult | Should -BeGreaterThan 500
        # The full collections here slow the consumer down: results must wait in the probes, not pile up queued.
        # The names themselves (and their normalised forms) are held, a few hundred bytes each.
        $run.Growth | Should -BeLessThan (0.5 * $perResult * 12000)
    }
}
