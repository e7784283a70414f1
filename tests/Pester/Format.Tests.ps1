# The default views (src/MailFlowTools/MailFlowTools.Format.ps1xml) of every result type, at 80 and 120 columns,
# against checked-in snapshots: tests/Pester/snapshots/<Type>.<table|list>.<80|120>.txt. The objects come from
# snapshots/FormatFixtures.ps1 (built without the network, so the output is the same on every run).
#
# After a deliberate change to a view, regenerate the snapshots and review the diff before committing:
#   MAILFLOW_UPDATE_SNAPSHOTS=1 pwsh -NoProfile -File tests/Pester/Invoke-MailFlowPester.ps1 `
#       -PesterModule <Pester.psd1> -Path tests/Pester/Format.Tests.ps1
# With the variable set, every snapshot is rewritten from the current output (and the comparison passes).

BeforeDiscovery {
    # Type short name, the column or list label that carries its verdict, and a verdict the fixtures must show.
    $script:ViewCases = @(
        @{ Type = 'SmtpStatusResult'; Verdict = 'Findings'; Shows = 'TransientFailureStatus' }
        @{ Type = 'SmtpStageResult'; Verdict = 'Findings'; Shows = 'TransferStalled' }
        @{ Type = 'EdnsReachabilityResult'; Verdict = 'Findings'; Shows = 'LargeUdpResponsesLost' }
        @{ Type = 'EdnsProbe'; Verdict = 'Outcome'; Shows = 'Timeout' }
        @{ Type = 'MxPathResult'; Verdict = 'Summary'; Shows = 'Mail for masked.lab.test' }
        @{ Type = 'MxPathHop'; Verdict = 'Outcome'; Shows = 'NoBanner' }
        @{ Type = 'MxPathRecord'; Verdict = 'Problem'; Shows = 'no A or AAAA record' }
        @{ Type = 'MtuProbeResult'; Verdict = 'Findings'; Shows = 'SizeSpecificLoss' }
        @{ Type = 'MtuProbeAttempt'; Verdict = 'Outcome'; Shows = 'Lost' }
        @{ Type = 'PayloadSweepEntry'; Verdict = 'Outcome'; Shows = 'Lost' }
        @{ Type = 'MailFlowDiagnosis'; Verdict = 'Cause'; Shows = 'PmtudBlackHole' }
        @{ Type = 'StagedFinding'; Verdict = 'Code'; Shows = 'TransferStalled' }
        @{ Type = 'Finding'; Verdict = 'Code'; Shows = 'NoBannerAfterConnect' }
        @{ Type = 'MailLogSummary'; Verdict = 'Findings'; Shows = 'LogBodyTimeout' }
        @{ Type = 'MailLogGroup'; Verdict = 'PathSignature'; Shows = 'BodyTimeout' }
        @{ Type = 'SuggestedCommand'; Verdict = 'CommandLine'; Shows = 'Find-MtuBlackHole 203.0.113.29 -Method Sweep' }
        @{ Type = 'MtaLogEntry'; Verdict = 'Disposition'; Shows = 'Deferred' }
    )
    $script:SnapshotCases = foreach ($case in $script:ViewCases) {
        foreach ($kind in 'table', 'list') {
            foreach ($width in 80, 120) { @{ Type = $case.Type; Kind = $kind; Width = $width } }
        }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'snapshots/FormatFixtures.ps1')
    $script:SavedRendering = if ($PSStyle) { $PSStyle.OutputRendering }
    $script:SavedCulture = [System.Threading.Thread]::CurrentThread.CurrentCulture
    if ($PSStyle) { $PSStyle.OutputRendering = 'PlainText' }
    # en-US, as most admins' consoles: PowerShell breaks wrapped cells between words only in a culture with
    # word-breaking rules (in the invariant culture, e.g. LANG=C, it breaks mid-word), and numbers use "." here.
    [System.Threading.Thread]::CurrentThread.CurrentCulture = [System.Globalization.CultureInfo]::GetCultureInfo('en-US')
    $script:Fixtures = Get-MailFlowFormatFixture
    $script:SnapshotDir = Join-Path $PSScriptRoot 'snapshots'
    # The format file the module loaded: beside the manifest in out/, or under out/ when imported from the root.
    $base = (Get-Module MailFlowTools).ModuleBase
    $script:FormatFile = @((Join-Path $base 'MailFlowTools.Format.ps1xml'), (Join-Path $base 'out/MailFlowTools/MailFlowTools.Format.ps1xml')) |
        Where-Object { Test-Path -LiteralPath $_ } | Select-Object -First 1

    # Trailing blanks vary with the column layout and mean nothing; line ends are LF in the repository.
    function Format-Snapshot([object[]] $InputObject, [string] $Kind, [int] $Width) {
        $text = if ($Kind -eq 'table') { $InputObject | Format-Table | Out-String -Width $Width } else { $InputObject | Format-List | Out-String -Width $Width }
        ((($text -split '\r?\n') | ForEach-Object { $_.TrimEnd() }) -join "`n").Trim("`n")
    }

    # The headers of a table: the lines above each line of dashes, up to the blank line before them (a header
    # wraps onto several lines when its column is too narrow).
    function Get-TableHeader([string] $Text) {
        $lines = $Text -split "`n"
        for ($i = 1; $i -lt $lines.Count; $i++) {
            if ($lines[$i] -match '^[- ]+$' -and $lines[$i] -match '-') {
                $first = $i - 1
                while ($first -gt 0 -and $lines[$first - 1].Trim()) { $first-- }
                $lines[$first..($i - 1)] -join "`n"
            }
        }
    }
}

AfterAll {
    [System.Threading.Thread]::CurrentThread.CurrentCulture = $SavedCulture
    if ($PSStyle) { $PSStyle.OutputRendering = $SavedRendering }
}

Describe 'Default views of <_.Type>' -ForEach $ViewCases {
    BeforeAll {
        $script:Objects = @($Fixtures[$Type])
    }

    It 'has fixtures of the real type' {
        $Objects.Count | Should -BeGreaterThan 0
        $Objects[0].GetType().Name | Should -Be $Type
    }

    It 'shows the verdict column <Verdict> and a verdict in a table at <_> columns' -ForEach 80, 120 {
        $text = Format-Snapshot $Objects table $_
        $headers = @(Get-TableHeader $text)
        $headers.Count | Should -BeGreaterThan 0
        foreach ($header in $headers) {
            ($header -split '\s+') | Should -Contain $Verdict
        }
        $text | Should -Match ([regex]::Escape($Shows))
    }

    It 'shows the verdict <Verdict> in a list at <_> columns' -ForEach 80, 120 {
        $text = Format-Snapshot $Objects list $_
        $text | Should -Match ('(?m)^' + [regex]::Escape($Verdict) + '\s+:')
        ($text -replace '\s+', ' ') | Should -Match ([regex]::Escape($Shows))
    }

    It 'has no table header that is script text, and fits in <_> columns' -ForEach 80, 120 {
        $text = Format-Snapshot $Objects table $_
        foreach ($header in Get-TableHeader $text) {
            $header | Should -Not -Match '\$_|\{|\}|''|-f |-join'
        }
        foreach ($line in $text -split "`n") {
            $line.Length | Should -BeLessOrEqual $_
        }
    }
}

Describe 'View snapshots' {
    It '<Type> as <Kind> at <Width> columns matches snapshots/<Type>.<Kind>.<Width>.txt' -ForEach $SnapshotCases {
        $actual = Format-Snapshot @($Fixtures[$Type]) $Kind $Width
        $path = Join-Path $SnapshotDir "$Type.$Kind.$Width.txt"
        if ($env:MAILFLOW_UPDATE_SNAPSHOTS -eq '1') {
            [System.IO.File]::WriteAllText($path, $actual + "`n")
        }
        Test-Path -LiteralPath $path | Should -BeTrue -Because 'MAILFLOW_UPDATE_SNAPSHOTS=1 writes a missing snapshot'
        $expected = ([System.IO.File]::ReadAllText($path) -replace '\r\n', "`n").TrimEnd("`n")
        $actual | Should -BeExactly $expected
    }
}

Describe 'The format file' {
    BeforeAll {
        [xml] $script:Format = Get-Content -LiteralPath $FormatFile -Raw
    }

    It 'labels every table column and every computed list item' {
        $headers = @($Format.SelectNodes('//TableColumnHeader'))
        $headers.Count | Should -BeGreaterThan 20
        @($headers | Where-Object { [string]::IsNullOrWhiteSpace($_.Label) }).Count | Should -Be 0
        $computed = @($Format.SelectNodes('//ListItem[ScriptBlock]'))
        @($computed | Where-Object { [string]::IsNullOrWhiteSpace($_.Label) }).Count | Should -Be 0
    }

    It 'has a table view for every type the cmdlets emit, nested types included, and a list view for each result' {
        $core = [MailFlowTools.Core.Findings.Finding].Assembly
        $results = @($ExpectedCmdlets | ForEach-Object { (Get-Command $_).OutputType.Type })
        # Resolve-SmtpStatus emits a status per input, or one MailLogSummary with -Summary.
        $results.Count | Should -Be ($ExpectedCmdlets.Count + 1)
        $seen = [System.Collections.Generic.HashSet[type]]::new()
        $queue = [System.Collections.Generic.Queue[type]]::new()
        foreach ($type in $results) { $queue.Enqueue($type) }
        while ($queue.Count -gt 0) {
            $type = $queue.Dequeue()
            if ($type.IsArray) { $type = $type.GetElementType() }
            if ($type.IsGenericType) { foreach ($argument in $type.GetGenericArguments()) { $queue.Enqueue($argument) }; continue }
            if ($type.Assembly -ne $core -or -not $type.IsClass -or -not $seen.Add($type)) { continue }
            foreach ($property in $type.GetProperties()) { $queue.Enqueue($property.PropertyType) }
        }
        $seen.Count | Should -BeGreaterThan 10
        foreach ($type in $seen) {
            $Fixtures.Keys | Should -Contain $type.Name -Because "$($type.FullName) is emitted or nested in a result"
            $Format.SelectNodes("//View[ViewSelectedBy/TypeName='$($type.FullName)' and TableControl]").Count | Should -BeGreaterThan 0 -Because "$($type.FullName) needs a table view"
        }
        foreach ($type in $results) {
            $Format.SelectNodes("//View[ViewSelectedBy/TypeName='$($type.FullName)' and ListControl]").Count | Should -BeGreaterThan 0 -Because "$($type.FullName) needs a list view"
        }
    }
}
