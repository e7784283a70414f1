# MTA-STS, DANE and STARTTLS stripping in real PowerShell against the lab's TLS policy part (tests/lab/lab-tls.sh):
# for each case, what an MTA-STS sender, a DANE sender and a plain sender do, the finding, and the cause
# Debug-MailFlow names. The lab CA is trusted only through -TrustedRootCertificatePath. Nothing is delivered.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'LabHelpers.ps1')
    $cases = @(
        @{ Domain = 'sts.lab.test'; Resolver = '198.51.100.56'; Code = $null; Cause = 'None'; Location = 'None'; Sts = $true; Dane = $true; Plain = $true }
        @{ Domain = 'stripped.lab.test'; Resolver = '198.51.100.56'; Code = 'StartTlsStripped'; Cause = 'StartTlsStripped'; Location = 'Path'; Sts = $false; Dane = $true; Plain = $true }
        @{ Domain = 'sts-backup.lab.test'; Resolver = '198.51.100.56'; Code = 'MtaStsPolicyExcludesMx'; Cause = 'MtaStsPolicyExcludesMx'; Location = 'RemoteHost'; Sts = $false; Dane = $true; Plain = $true }
        @{ Domain = 'sts-down.lab.test'; Resolver = '198.51.100.56'; Code = 'MtaStsPolicyUnavailable'; Cause = 'MtaStsPolicyUnavailable'; Location = 'RemoteHost'; Sts = $true; Dane = $true; Plain = $true }
        @{ Domain = 'sts-badcert.lab.test'; Resolver = '198.51.100.56'; Code = 'MtaStsCertificateInvalid'; Cause = 'MtaStsCertificateInvalid'; Location = 'RemoteHost'; Sts = $false; Dane = $true; Plain = $true }
        @{ Domain = 'dane-bad.lab.test'; Resolver = '198.51.100.56'; Code = 'DaneTlsaMismatch'; Cause = 'DaneTlsaMismatch'; Location = 'RemoteHost'; Sts = $true; Dane = $true; Plain = $true }
        @{ Domain = 'dane-bogus.lab.test'; Resolver = '198.51.100.56'; Code = 'DnssecBogus'; Cause = 'DnssecBogus'; Location = 'RemoteHost'; Sts = $true; Dane = $false; Plain = $true }
        @{ Domain = 'tlsa-lost.lab.test'; Resolver = '198.51.100.67'; Code = 'TlsaLookupLost'; Cause = 'TlsaLookupLost'; Location = 'Path'; Sts = $true; Dane = $false; Plain = $true }
    )
    $hostile = @(
        @{ Domain = 'sts-huge.lab.test'; Status = 'FetchFailed' }
        @{ Domain = 'sts-redirect.lab.test'; Status = 'FetchFailed' }
        @{ Domain = 'sts-malformed.lab.test'; Status = 'PolicyInvalid' }
        @{ Domain = 'sts-conflict.lab.test'; Status = 'RecordConflicting' }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'LabHelpers.ps1')
    $script:Ca = '/run/mfl/tls/ca.pem'
}

Describe "Test-MxPath: MTA-STS, DANE and STARTTLS in the lab$LabSkipNote" -Skip:$NoLab {
    BeforeAll {
        $script:LogStart = Get-LabMailLogLineCount
    }

    It '<Domain>: MTA-STS sender <Sts>, DANE sender <Dane>, plain sender <Plain>, finding <Code>' -ForEach $cases {
        $r = Test-MxPath $Domain -DnsServer $Resolver -AddressFamily IPv4 -TrustedRootCertificatePath $Ca
        $r | Should -HaveCount 1
        $r.TlsPolicy.MtaStsSender.Delivers | Should -Be $Sts
        $r.TlsPolicy.DaneSender.Delivers | Should -Be $Dane
        $r.TlsPolicy.PlainSender.Delivers | Should -Be $Plain
        $r.MtaStsSenderDelivers | Should -Be $Sts
        if ($Code) { @($r.Findings.Code) | Should -Contain $Code }
        else { @($r | Get-ProblemCode) | Should -BeNullOrEmpty }
    }

    It 'stripped.lab.test: the masked line is the evidence and the hop is starttls-not-supported' {
        $r = Test-MxPath stripped.lab.test -DnsServer 198.51.100.56 -AddressFamily IPv4 -TrustedRootCertificatePath $Ca
        $f = $r.Findings | Where-Object Code -eq 'StartTlsStripped'
        $f.Evidence['MaskedLine'] | Should -Be '250-XXXXXXXA'
        "$($f.Severity)" | Should -Be 'Error'
        $r.SelectedHop.Tls.ResultTypeName | Should -Be 'starttls-not-supported'
        $r.TlsPolicy.MtaStsSender.SenderStatus | Should -Match 'TLS is required, but was not offered'
    }

    It 'without -TrustedRootCertificatePath the lab CA is not trusted (default validation unchanged)' {
        $r = Test-MxPath sts.lab.test -DnsServer 198.51.100.56 -AddressFamily IPv4
        "$($r.TlsPolicy.MtaSts.Status)" | Should -Be 'PolicyCertificateInvalid'
        @($r.Findings.Code) | Should -Contain 'MtaStsPolicyUnavailable'
    }

    It 'a hostile policy source (<Domain>) is a typed finding, not an error' -ForEach $hostile {
        $r = Test-MxPath $Domain -DnsServer 198.51.100.56 -AddressFamily IPv4 -TrustedRootCertificatePath $Ca -ErrorVariable problems
        $problems | Should -BeNullOrEmpty
        "$($r.TlsPolicy.MtaSts.Status)" | Should -Be $Status
        @($r.Findings.Code) | Should -Contain 'MtaStsPolicyUnavailable'
    }

    It 'a missing root file is an invalid invocation' {
        { Test-MxPath sts.lab.test -TrustedRootCertificatePath (Join-Path $TestDrive 'missing.pem') -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidCertificateFile*'
    }

    It '-TlsReportPath writes RFC 8460 JSON for the tested domains' {
        $path = Join-Path $TestDrive 'tlsrpt.json'
        'sts.lab.test', 'stripped.lab.test' | Test-MxPath -DnsServer 198.51.100.56 -AddressFamily IPv4 -TrustedRootCertificatePath $Ca -TlsReportPath $path | Out-Null
        $report = Get-Content -Raw -LiteralPath $path | ConvertFrom-Json
        @($report.policies.policy.'policy-domain' | Sort-Object) | Should -Be @('stripped.lab.test', 'sts.lab.test')
        ($report.policies | Where-Object { $_.policy.'policy-domain' -eq 'stripped.lab.test' }).'failure-details'[0].'result-type' | Should -Be 'starttls-not-supported'
    }

    It 'the TLS policy survives serialization (Export-Clixml / Import-Clixml)' {
        $r = Test-MxPath stripped.lab.test -DnsServer 198.51.100.56 -AddressFamily IPv4 -TrustedRootCertificatePath $Ca
        $path = Join-Path $TestDrive 'r.xml'
        $r | Export-Clixml -LiteralPath $path
        $back = Import-Clixml -LiteralPath $path
        $back.TlsPolicy.MtaStsSender.Delivers | Should -BeFalse
        "$($back.TlsPolicy.MtaSts.Mode)" | Should -Be 'Enforce'
        "$($back.SelectedHop.Tls.ResultType)" | Should -Be 'StartTlsNotSupported'
    }

    It 'delivers nothing' {
        @(Get-LabProbeDelivery -Since $script:LogStart -Domain @($cases.Domain)) | Should -BeNullOrEmpty
    }
}

Describe "Debug-MailFlow names the TLS policy cause$LabSkipNote" -Skip:$NoLab {
    It '<Domain>: <Cause> at <Location>' -ForEach ($cases | Where-Object { $_.Cause -ne 'None' }) {
        $d = Debug-MailFlow $Domain -Quick -DnsServer $Resolver -TrustedRootCertificatePath $Ca
        "$($d.Cause)" | Should -Be $Cause
        "$($d.Location)" | Should -Be $Location
    }
}
