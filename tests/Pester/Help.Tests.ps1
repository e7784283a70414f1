# Help from PowerShell itself (en-US/MailFlowTools.dll-Help.xml, en-US/about_MailFlowTools.help.txt): every cmdlet's
# synopsis, description, parameters and examples agree with the cmdlet as it is built; the examples parse, name
# only commands and parameters that exist, and the ones that can run here run against the lab (tag Lab) with
# their output checked. Get-Help -Online fails on purpose: there is no online help (README, "Help").

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    # The examples that run in the lab: the help's own text with the names an admin would type replaced by lab
    # names (each replaced text must be in the example, so an edited example fails here until this is updated),
    # and what its output must show. Output holds the objects the example wrote, Text the same rendered.
    $script:LabRuns = @(
        @{ Key = 'Resolve-SmtpStatus#1'; NeedsLab = $false; Replace = [ordered]@{}; Check = {
                param($Output, $Text)
                $Output.EnhancedStatus | Should -Be '4.4.7'
                $Output.SuggestedCmdlets | Should -Contain 'Test-EdnsReachability'
                $Text | Should -Match 'Delivery time expired' } }
        @{ Key = 'Resolve-SmtpStatus#3'; NeedsLab = $false; Replace = [ordered]@{ '.\ndr.txt' = '<repo>/samples/ndr-incident1.txt' }; Check = {
                param($Output, $Text)
                $Output.EnhancedStatus | Should -Be '4.4.7'
                $Output.FinalRecipient | Should -Match 'bob@big\.lab\.test'
                ($Output.SuggestedCommands -join ' ') | Should -Match 'big\.lab\.test' } }
        @{ Key = 'Test-MxPath#1'; NeedsLab = $true; Replace = [ordered]@{ 'contoso.com' = 'masked.lab.test' }; Check = {
                param($Output, $Text)
                $Output[0].GetType().Name | Should -Be 'MxPathHop'
                $Output[0].Outcome | Should -Be 'Ok'
                $Output[0].BannerMasked | Should -BeTrue
                $Output[0].ComputerName | Should -Be '198.51.100.31' } }
        @{ Key = 'Test-MxPath#4'; NeedsLab = $true; Replace = [ordered]@{ 'fabrikam.com' = 'healthy.lab.test' }; Check = {
                param($Output, $Text)
                $body = $Output | Where-Object { $_.GetType().Name -eq 'SmtpStageResult' -and $_.Stage -eq 'Body' }
                $body.Outcome | Should -Be 'Ok'
                $body.BytesSent | Should -BeGreaterThan 200000
                $mtu = @($Output | Where-Object { $_.GetType().Name -eq 'MtuProbeResult' })
                $mtu.Count | Should -BeGreaterThan 0
                ($mtu | ForEach-Object Address) | Should -Contain '198.51.100.25'
                $mtu | ForEach-Object { $_.BlackHole | Should -BeFalse } } }
        @{ Key = 'Test-MxPath#5'; NeedsLab = $true; Replace = [ordered]@{ 'contoso.com' = 'stripped.lab.test -TrustedRootCertificatePath /run/mfl/tls/ca.pem' }; Check = {
                param($Output, $Text)
                $Text | Should -Match 'MtaStsSender\s*:\s*MtaSts: does not deliver'
                $Text | Should -Match 'PlainSender\s*:\s*Plain: delivers via mx-stripped\.lab\.test'
                $Text | Should -Match 'StartTlsStripped' } }
        @{ Key = 'Test-EdnsReachability#1'; NeedsLab = $true; Replace = [ordered]@{ 'contoso.com' = 'big.lab.test' }; Check = {
                param($Output, $Text)
                $Text | Should -Match '(?m)^198\.51\.100\.54\s+ns2\.lab\.test\s+\d+\s+\d+\s+True\s+1232'
                $Text | Should -Match '(?m)^198\.51\.100\.53\s+ns1\.lab\.test\s+\d+\s+True\s+1232' } }
        @{ Key = 'Get-SmtpStageTiming#1'; NeedsLab = $true; Replace = [ordered]@{ 'mx1.contoso.com' = 'mx1.lab.test' }; Check = {
                param($Output, $Text)
                $Text | Should -Match '(?m)^Body\s+Ok\s'
                $Text | Should -Match '(?m)^Data\s+Ok\s+354'
                $Text | Should -Not -Match 'Timeout' } }
        @{ Key = 'Get-SmtpStageTiming#5'; NeedsLab = $true; Replace = [ordered]@{ 'mx1.contoso.com' = 'mx1.lab.test' }; Check = {
                param($Output, $Text)
                # One session per envelope size, each ending at DATA with every stage Ok.
                @([regex]::Matches($Text, '(?m)^\s*Data\s+Ok\s')).Count | Should -Be 2
                @([regex]::Matches($Text, '(?m)^\s*MailFrom\s+Ok\s')).Count | Should -Be 2
                $Text | Should -Not -Match '(?m)^\s*\w+\s+(Timeout|Rejected|Reset)\s' } }
        @{ Key = 'Find-MtuBlackHole#5'; NeedsLab = $true; Replace = [ordered]@{ 'mx1.contoso.com' = 'mx-sizeloss.lab.test' }; Check = {
                param($Output, $Text)
                $Text | Should -Match 'FailingPayloadSizes : \{513, 1025\}'
                $Text | Should -Match 'SizeSpecificLoss' } }
        @{ Key = 'Find-MtuBlackHole#6'; NeedsLab = $true; Replace = [ordered]@{ 'contoso.com' = 'blackhole.lab.test' }; Check = {
                param($Output, $Text)
                @($Output).Count | Should -Be 1
                $Output.BlackHole | Should -BeTrue
                $Output.PathMtu | Should -Be 1400
                $Output.Findings.Code | Should -Contain 'PmtudBlackHole' } }
        @{ Key = 'Debug-MailFlow#4'; NeedsLab = $true; Replace = [ordered]@{ '.\ndr.txt' = '<repo>/samples/ndr-incident1.txt'; '; Invoke-Item .\ndr-report.html' = '' }; Check = {
                param($Output, $Text)
                $Output.DomainName | Should -Be 'big.lab.test'
                $Output.EvidenceChain[0] | Should -Match '4\.4\.7'
                $Output.ReportPath | Should -Exist
                Get-Content -LiteralPath $Output.ReportPath -Raw | Should -Match 'big\.lab\.test' } }
        @{ Key = 'Debug-MailFlow#5'; NeedsLab = $true; Replace = [ordered]@{ 'contoso.com' = 'blackhole.lab.test' }; Check = {
                param($Output, $Text)
                $Text | Should -Match 'PmtudBlackHole'
                $Text | Should -Match '(?m)^PathMtu\s+:\s+1400'
                $Text | Should -Match '(?m)^BlackHole\s+:\s+True' } }
    )
    # Examples whose commands all exist here but that must not run in the suite, and why.
    $script:NotRun = @{
        'Get-SmtpStageTiming#6' = 'it delivers a message (-Deliver), and the suite delivers nothing it does not count'
        'Resolve-SmtpStatus#5' = 'its commands probe 203.0.113.5, a documentation address outside the lab; tests/Pester/Logs.Tests.ps1 pipes and runs next commands against the lab'
        'Resolve-SmtpStatus#6' = 'it reads /var/log/mail.log of the last six hours; tests/Pester/Logs.Tests.ps1 summarises the corpus and the lab sender''s log'
    }

    $script:Examples = foreach ($name in $ExpectedCmdlets) {
        $index = 0
        foreach ($example in @((Get-Help $name -Full).examples.example)) {
            $index++
            $key = "$name#$index"
            @{ Cmdlet = $name; Index = $index; Key = $key; Title = [string]$example.title; InLabRuns = [bool]($LabRuns | Where-Object { $_.Key -eq $key }); NotRun = $NotRun[$key] }
        }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters

    # Windows and Exchange cmdlets the examples use that are not on this machine, with the parameters they have.
    $script:ForeignCommands = @{
        'Get-Queue'                  = @('Identity', 'Filter', 'Server')
        'Get-MessageTrackingLog'     = @('EventId', 'Start', 'End', 'Recipients', 'Sender', 'Server')
        'Get-AcceptedDomain'         = @('Identity')
        'Get-SendConnector'          = @('Identity')
        'Resolve-DnsName'            = @('Name', 'Type', 'Server', 'DnssecOk', 'TcpOnly')
        'Test-NetConnection'         = @('ComputerName', 'Port')
        'Get-DnsClientServerAddress' = @('AddressFamily', 'InterfaceAlias')
        'Get-DnsServerEDns'          = @('ComputerName')
        'Set-DnsServerEDns'          = @('EnableProbes', 'EnableReception', 'CacheTimeout', 'ComputerName')
    }

    function Get-ExampleCode([string] $Cmdlet, [int] $Index) {
        $example = @((Get-Help $Cmdlet -Full).examples.example)[$Index - 1]
        # Get-Help keeps the code in .code; remarks that follow in the same block are not code.
        [string]$example.code
    }

    function Get-ExampleAst([string] $Code) {
        $tokens = $null
        $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseInput($Code, [ref]$tokens, [ref]$errors)
        [pscustomobject]@{ Ast = $ast; Errors = @($errors) }
    }

    # The command a name runs here, aliases resolved; $null when it does not exist here.
    function Resolve-ExampleCommand([string] $Name) {
        $command = Get-Command -Name $Name -ErrorAction SilentlyContinue | Select-Object -First 1
        if ($command -is [System.Management.Automation.AliasInfo]) { $command = $command.ResolvedCommand }
        $command
    }
}

Describe 'Help for <_>' -ForEach $ExpectedCmdlets {
    BeforeAll {
        $script:Name = $_
        $script:Command = Get-Command $_
        $script:Help = Get-Help $_ -Full
        $script:Parameters = @($Command.Parameters.Keys | Where-Object { $_ -notin $Common })
    }

    It 'is found and has a synopsis and a description' {
        $Help.Name | Should -Be $Name
        # Without MAML, PowerShell makes the synopsis up from the syntax ("Name [-Param] ...").
        $Help.Synopsis | Should -Not -BeNullOrEmpty
        $Help.Synopsis | Should -Not -Match ('^\s*' + [regex]::Escape($Name) + '\s')
        ($Help.description.Text -join ' ').Length | Should -BeGreaterThan 200
    }

    It 'documents every parameter with a description, and no parameter the cmdlet does not have' {
        $documented = @($Help.parameters.parameter.name)
        $Parameters | Where-Object { $_ -notin $documented } | Should -BeNullOrEmpty -Because 'every parameter needs help'
        $documented | Where-Object { $_ -notin $Parameters } | Should -BeNullOrEmpty -Because 'help must not describe parameters that are gone'
        foreach ($parameter in $Help.parameters.parameter) {
            ($parameter.description.Text -join ' ').Trim().Length | Should -BeGreaterThan 10 -Because ('-{0} needs a description' -f $parameter.name)
        }
    }

    It 'gives each parameter its real type, position and pipeline input' {
        foreach ($parameter in $Help.parameters.parameter) {
            $metadata = $Command.Parameters[$parameter.name]
            $parameter.type.name | Should -Be $metadata.ParameterType.FullName -Because ('-' + $parameter.name)
            $attributes = @($metadata.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })
            $positions = @($attributes | Where-Object { $_.Position -ge 0 } | ForEach-Object Position | Select-Object -Unique)
            $expectedPosition = if ($positions.Count -gt 0) { [string]$positions[0] } else { 'named' }
            $parameter.position | Should -Be $expectedPosition -Because ('-' + $parameter.name)
            $ways = @()
            if ($attributes | Where-Object ValueFromPipeline) { $ways += 'ByValue' }
            if ($attributes | Where-Object ValueFromPipelineByPropertyName) { $ways += 'ByPropertyName' }
            $expectedPipeline = if ($ways) { 'True ({0})' -f ($ways -join ', ') } else { 'False' }
            $parameter.pipelineInput | Should -Be $expectedPipeline -Because ('-' + $parameter.name)
        }
    }

    It 'shows one syntax per parameter set, with that set''s parameters' {
        $sets = @($Command.ParameterSets | ForEach-Object { (@($_.Parameters.Name | Where-Object { $_ -notin $Common }) | Sort-Object) -join ',' })
        $syntax = @($Help.syntax.syntaxItem | ForEach-Object { (@($_.parameter.name) | Sort-Object) -join ',' })
        ($syntax | Sort-Object) | Should -Be ($sets | Sort-Object)
    }

    It 'has at least two examples, each with a title, code and an explanation' {
        $examples = @($Help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) {
            $example.title | Should -Match 'Example \d+: \S'
            ([string]$example.code).Trim() | Should -Not -BeNullOrEmpty
            ($example.remarks.Text -join ' ').Trim() | Should -Not -BeNullOrEmpty
        }
    }

    It 'shows synopsis, description, every parameter and the examples in Get-Help -Full' {
        $text = Get-Help $Name -Full | Out-String -Width 120
        foreach ($section in 'SYNOPSIS', 'DESCRIPTION', 'PARAMETERS') { $text | Should -Match "(?m)^$section\s*$" }
        $text | Should -Match ([regex]::Escape($Help.Synopsis.Substring(0, 40)))
        foreach ($parameter in $Parameters) { $text | Should -Match ('(?m)^\s+-' + $parameter + '\b') }
        foreach ($example in @($Help.examples.example)) { $text | Should -Match ([regex]::Escape(($example.title -replace '^-+\s*|\s*-+$', ''))) }
    }

    It 'has no online link, so that Get-Help -Online fails with a clear error' {
        $Command.HelpUri | Should -BeNullOrEmpty
        @($Help.relatedLinks.navigationLink | Where-Object { $_.uri }) | Should -BeNullOrEmpty
        $failure = { Get-Help $Name -Online -ErrorAction Stop } | Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -Match '^InvalidOperation,Microsoft\.PowerShell\.Commands\.GetHelpCommand'
    }
}

Describe 'Help example <Key>: <Title>' -ForEach $Examples {
    BeforeAll {
        $script:Code = Get-ExampleCode $Cmdlet $Index
        $script:Parsed = Get-ExampleAst $Code
    }

    It 'parses without errors' {
        $Parsed.Errors | ForEach-Object { "$($_.ErrorId) at $($_.Extent.StartLineNumber):$($_.Extent.StartColumnNumber): $($_.Message)" } | Should -BeNullOrEmpty
    }

    It 'names only commands and parameters that exist' {
        $commands = @($Parsed.Ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.CommandAst] }, $true))
        @($commands | Where-Object { $_.GetCommandName() -eq $Cmdlet }).Count | Should -BeGreaterThan 0 -Because 'an example shows its own cmdlet'
        foreach ($commandAst in $commands) {
            $name = $commandAst.GetCommandName()
            $name | Should -Not -BeNullOrEmpty -Because "examples call commands by name ($($commandAst.Extent.Text))"
            $used = @($commandAst.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] } | ForEach-Object ParameterName)
            $command = Resolve-ExampleCommand $name
            if ($null -eq $command) {
                $ForeignCommands.Keys | Should -Contain $name -Because "$name is neither here nor a known Windows or Exchange cmdlet"
                foreach ($parameter in $used) {
                    $ForeignCommands[$name] | Should -Contain $parameter -Because "$name -$parameter"
                }
                continue
            }
            foreach ($parameter in $used) {
                $resolved = $null
                try { $resolved = $command.ResolveParameter($parameter) } catch { $resolved = $null }
                $resolved | Should -Not -BeNullOrEmpty -Because "$name has no parameter -$parameter"
            }
        }
    }

    It 'runs in the suite when it can run here' {
        $commands = @($Parsed.Ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.CommandAst] }, $true))
        $runnable = @($commands | Where-Object { $null -eq (Resolve-ExampleCommand $_.GetCommandName()) }).Count -eq 0
        if ($runnable) { ($InLabRuns -or $NotRun) | Should -BeTrue -Because "$Key can run here: add it to LabRuns (or NotRun, with the reason)" }
        if ($InLabRuns) { $runnable | Should -BeTrue -Because "$Key is in LabRuns, so all its commands must exist here" }
    }
}

Describe 'Help example <Key> runs against the lab' -Tag 'Lab' -ForEach $LabRuns {
    It 'writes the output the help promises' {
        if ($NeedsLab -and -not (Test-MailFlowLab)) {
            Set-ItResult -Skipped -Because 'it needs the lab (tests/lab/lab.sh up; run inside mfl-client)'
            return
        }
        $cmdlet, $index = $Key -split '#'
        $code = Get-ExampleCode $cmdlet ([int]$index)
        foreach ($text in $Replace.Keys) {
            $code.Contains($text) | Should -BeTrue -Because "the example still says '$text'"
            $code = $code.Replace($text, $Replace[$text].Replace('<repo>', $RepoRoot))
        }
        $rendering = if ($PSStyle) { $PSStyle.OutputRendering }
        if ($PSStyle) { $PSStyle.OutputRendering = 'PlainText' }
        Push-Location -LiteralPath $TestDrive
        try {
            $all = @(& ([scriptblock]::Create($code)) 2>&1)
            $text = $all | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] } | Out-String -Width 200
        }
        finally {
            Pop-Location
            if ($PSStyle) { $PSStyle.OutputRendering = $rendering }
        }
        $all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object { "$_" } | Should -BeNullOrEmpty
        $output = @($all | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] })
        $output.Count | Should -BeGreaterThan 0
        & $Check $output $text
    }
}

Describe 'About topic and help files' {
    It 'Get-Help about_MailFlowTools shows the topic' {
        $topic = Get-Help about_MailFlowTools | Out-String
        $topic | Should -Match 'about_MailFlowTools'
        foreach ($name in $ExpectedCmdlets) { $topic | Should -Match ([regex]::Escape($name)) }
    }

    It 'ships MAML that is well-formed XML with one command per cmdlet' {
        $base = (Get-Module MailFlowTools).ModuleBase
        $maml = @((Join-Path $base 'en-US/MailFlowTools.dll-Help.xml'), (Join-Path $base 'out/MailFlowTools/en-US/MailFlowTools.dll-Help.xml')) |
            Where-Object { Test-Path -LiteralPath $_ } | Select-Object -First 1
        $maml | Should -Not -BeNullOrEmpty
        [xml] $document = Get-Content -LiteralPath $maml -Raw
        $names = @($document.helpItems.command | ForEach-Object { $_.details.name.Trim() } | Sort-Object)
        ($names -join ',') | Should -Be (($ExpectedCmdlets | Sort-Object) -join ',')
    }

    It 'is found when the module is imported from <_>' -ForEach 'out/MailFlowTools', 'the repository root' {
        $manifest = if ($_ -eq 'out/MailFlowTools') { Join-Path $RepoRoot 'out/MailFlowTools/MailFlowTools.psd1' } else { Join-Path $RepoRoot 'MailFlowTools.psd1' }
        if (-not (Test-Path -LiteralPath (Join-Path $RepoRoot 'out/MailFlowTools/MailFlowTools.psd1'))) {
            Set-ItResult -Skipped -Because 'the module is not built in this repository (build.ps1)'
            return
        }
        # The PowerShell running this test (its process may be the dotnet host, so not the process path).
        $pwsh = @((Join-Path $PSHOME 'pwsh'), (Join-Path $PSHOME 'pwsh.exe')) | Where-Object { Test-Path -LiteralPath $_ } | Select-Object -First 1
        $script = "Import-Module '$manifest'; (Get-Help Test-MxPath).Synopsis; @((Get-Help Find-MtuBlackHole).examples.example).Count; (Get-Help about_MailFlowTools | Out-String) -match 'SHORT DESCRIPTION'"
        $lines = @(& $pwsh -NoProfile -NonInteractive -Command $script)
        $lines[0] | Should -Match '^Tests whether a compliant sender'
        [int]$lines[1] | Should -BeGreaterOrEqual 2
        $lines[2] | Should -Be 'True'
    }
}
