# Pester 5 suite for machines with PowerShell. Run after build.ps1: Invoke-Pester ./tests/Pester
# It checks what only a real PowerShell can: that the module imports, exports what the manifest says,
# binds pipeline input by property name, and returns typed objects. Network tests live in xunit (the lab).
BeforeAll {
    $modulePath = Join-Path $PSScriptRoot '../../out/MailFlowTools/MailFlowTools.psd1'
    Import-Module $modulePath -Force -ErrorAction Stop
}

AfterAll {
    Remove-Module MailFlowTools -ErrorAction SilentlyContinue
}

Describe 'Module' {
    It 'exports exactly the cmdlets in the manifest' {
        $manifest = Import-PowerShellDataFile (Join-Path $PSScriptRoot '../../MailFlowTools.psd1')
        $exported = (Get-Command -Module MailFlowTools).Name | Sort-Object
        $exported | Should -Be ($manifest.CmdletsToExport | Sort-Object)
    }

    It 'has help with examples for every cmdlet' {
        foreach ($command in Get-Command -Module MailFlowTools) {
            $help = Get-Help $command.Name -Full
            $help.Synopsis | Should -Not -BeNullOrEmpty
            @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        }
    }
}

Describe 'Resolve-SmtpStatus' {
    It 'explains 4.4.7' {
        $result = Resolve-SmtpStatus 4.4.7
        $result.GetType().Name | Should -Be 'SmtpStatusResult'
        $result.Detail | Should -Be 'Delivery time expired'
        $result.Findings.Code | Should -Contain 'DeliveryTimeExpired'
    }

    It 'binds a Get-Queue item by its LastError property' {
        $queueItem = [pscustomobject]@{ Identity = 'ex01\3'; NextHopDomain = 'big.lab.test'; LastError = '451 4.4.0 Primary target IP address responded with: "421 4.4.2 Connection dropped."' }
        $result = $queueItem | Resolve-SmtpStatus
        $result.UnderlyingStatus | Should -Be '421 4.4.2'
    }

    It 'reports text without a status as a non-terminating error with a stable ID' {
        $null = Resolve-SmtpStatus 'no status here' -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'NoStatusInInput*'
    }
}

Describe 'Debug-MailFlow' {
    It 'takes a Get-Queue item whole, so an internal queue is a non-terminating error before any probe' {
        $queueItem = [pscustomobject]@{ Identity = 'ex01\Submission'; NextHopDomain = 'Submission'; LastError = '' }
        $results = $queueItem | Debug-MailFlow -Quick -ErrorVariable problems -ErrorAction SilentlyContinue
        $results | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'InvalidDomainName*'
    }

    It 'rejects a timeout out of range' {
        { Debug-MailFlow contoso.com -TimeoutSeconds 0 } | Should -Throw
    }

    It 'declares MailFlowDiagnosis as its output' {
        (Get-Command Debug-MailFlow).OutputType.Name | Should -Contain 'MailFlowTools.Core.Diagnosis.MailFlowDiagnosis'
    }
}
