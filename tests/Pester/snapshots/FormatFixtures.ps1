# Deterministic result objects for the view snapshots (Format.Tests.ps1): the Core result types built through their
# public constructors and init properties, with values taken from runs against the lab (tests/lab/addresses.md).
# Resolve-SmtpStatus needs no network, so its results come from the cmdlet itself.

function New-FixtureFinding([string] $Code, [string] $Severity, [string] $Message, [string] $Recommendation, [hashtable] $Evidence) {
    $dictionary = [System.Collections.Generic.Dictionary[string, object]]::new()
    if ($Evidence) {
        foreach ($key in $Evidence.Keys | Sort-Object) { $dictionary.Add($key, $Evidence[$key]) }
    }
    [MailFlowTools.Core.Findings.Finding]::new($Code, $Severity, $Message, $Recommendation, $dictionary)
}

function Get-MailFlowFormatFixture {
    $ns = 'MailFlowTools.Core'
    $stall = New-FixtureFinding 'TransferStalled' Error 'Acknowledgements stopped after 61283 bytes sent on the connection (60802 of 100000 bytes of message data); 5 retransmissions went unanswered and the sender backed off.' 'Something on the path stops forwarding this flow mid-transfer (load balancer, firewall session limit, or a PMTU black hole if the stall is at the first full-size segment): capture at the network edge, and run Find-MtuBlackHole against the same host.' @{ StalledAtByte = 61283; MessageBytesAcked = 60802; Retransmits = 5 }
    $blackHole = New-FixtureFinding 'PmtudBlackHole' Error "Path MTU discovery black hole towards 198.51.100.27: 1400-byte packets cross, 1401-byte packets vanish (2 attempts) and no ICMP type 3 code 4 ('fragmentation needed') comes back. Small mail gets through, large mail stalls after DATA." "Find the router or firewall between here and 198.51.100.27 that drops ICMP type 3 code 4 ('fragmentation needed') and let it through; until then lower the sending interface MTU to 1400 or clamp the TCP MSS to 1360." @{ PathMtu = 1400; SmallestLostSize = 1401; Method = 'Icmp' }
    $sizeLoss = New-FixtureFinding 'SizeSpecificLoss' Error 'Envelope writes of exactly 513 or 1025 bytes to 198.51.100.26 get no complete reply on any attempt, while smaller and larger writes work: something on the path loses particular segment sizes.' 'Disable the SMTP fixup / ESMTP inspection (or TCP re-segmentation) on the firewall in front of 198.51.100.26, or route mail around it; as a sender-side workaround turn off SMTP PIPELINING.' @{ FailingPayloadSizes = [int[]](513, 1025); PassingNeighbours = [int[]](512, 514, 1024, 1026) }
    $udpLost = New-FixtureFinding 'LargeUdpResponsesLost' Error 'UDP answers from 198.51.100.54 of up to 1232 bytes arrive, but answers of about 2323 bytes and more (advertised buffer 2323 and above) never do; the same query over TCP works (3966 bytes): large UDP answers, which are fragmented, are dropped on the path.' 'Have resolvers that query this server advertise an EDNS buffer of 1232 bytes, keep TCP/53 open end to end so truncated answers can be retried, and let UDP fragments from this server through firewalls.' @{ SmallestLostUdpAnswer = 2323; TcpAnswerSize = 3966 }
    $tcpBlocked = New-FixtureFinding 'TcpFallbackBlocked' Info 'DNS over TCP to 198.51.100.55 gets no answer, while UDP works; answers too large for UDP cannot be retried over TCP.' 'Open TCP/53 to 198.51.100.55 end to end.' @{ TcpOutcome = 'Timeout' }
    $noBanner = New-FixtureFinding 'NoBannerAfterConnect' Warning 'silent.lab.test (preference 100) accepts TCP connections on port 25 (2001:db8:5::30, 198.51.100.30) but sent no 220 greeting within 3 s; a sender that keeps retrying it instead of moving to the next MX (RFC 5321 §5.1) delays and finally bounces the mail.' 'Repair the SMTP service behind silent.lab.test (or the load balancer or firewall in front of it), or remove its MX record.'
    $backup = New-FixtureFinding 'PrimaryDownSecondaryUp' Warning 'The preferred MX host fails and mail only gets in through the backup mx1.lab.test (preference 300): silent.lab.test (preference 100): connected but no banner.' 'Repair silent.lab.test: senders that do not move on to the next MX, or give up after the first, delay or bounce the mail.'
    $masked = New-FixtureFinding 'BannerMasked' Warning 'The greeting from fixup.lab.test [198.51.100.31] arrives masked as "220 *********** ***** ************* *** **0": an SMTP fixup/inspection firewall (Cisco PIX/ASA) rewrites the session, and such boxes also mishandle end-of-data.' 'Turn off SMTP inspection ("no fixup protocol smtp" / "no inspect esmtp") on the firewall in front of fixup.lab.test; Get-SmtpStageTiming shows whether DATA still breaks.'

    $stages = @(
        @{ Stage = 'Connect'; Outcome = 'Ok'; ElapsedMs = 0.12; BytesSent = 0; BytesAcked = 0; Retransmits = 0 }
        @{ Stage = 'Banner'; Outcome = 'Ok'; ReplyCode = 220; ReplyText = 'mx.lab.test ESMTP MailFlowTools lab 1.0'; ElapsedMs = 1.7; BytesSent = 0; BytesAcked = 0; Retransmits = 0 }
        @{ Stage = 'Ehlo'; Outcome = 'Ok'; ReplyCode = 250; ElapsedMs = 0.1; BytesSent = 19; BytesAcked = 19; Retransmits = 0; Capabilities = [string[]]('PIPELINING', 'SIZE 10240000', 'STARTTLS', 'ENHANCEDSTATUSCODES', '8BITMIME') }
        @{ Stage = 'StartTls'; Outcome = 'Ok'; ReplyCode = 220; EnhancedStatus = '2.0.0'; ReplyText = 'Ready to start TLS'; ElapsedMs = 6.09; BytesSent = 10; BytesAcked = 354; Retransmits = 0; TlsProtocol = 'Tls13'; TlsCipher = 'TLS_AES_256_GCM_SHA384'; CertificateSubject = 'CN=mx.lab.test'; CertificateIssuer = 'CN=mx.lab.test'; CertificateNotAfter = [DateTimeOffset]::new(2027, 1, 5, 11, 20, 39, [TimeSpan]::Zero); CertificateStatus = 'RemoteCertificateChainErrors: UntrustedRoot' }
        @{ Stage = 'MailFrom'; Outcome = 'Ok'; ReplyCode = 250; EnhancedStatus = '2.1.0'; ReplyText = 'Ok'; ElapsedMs = 46.7; BytesSent = 14; BytesAcked = 67; Retransmits = 0; Pipelined = $true }
        @{ Stage = 'RcptTo'; Outcome = 'Ok'; ReplyCode = 250; EnhancedStatus = '2.1.5'; ReplyText = 'Ok'; ElapsedMs = 0.04; BytesSent = 25; BytesAcked = 0; Retransmits = 0; Pipelined = $true; Recipient = 'user@lab.test' }
        @{ Stage = 'Data'; Outcome = 'Ok'; ReplyCode = 354; ReplyText = 'End data with <CR><LF>.<CR><LF>'; ElapsedMs = 0.0; BytesSent = 6; BytesAcked = 0; Retransmits = 0; Pipelined = $true }
        @{ Stage = 'Body'; Outcome = 'Timeout'; ReplyText = 'No acknowledgement of message data for 5 s.'; ElapsedMs = 5019.146; BytesSent = 100000; BytesAcked = 60802; Retransmits = 5; Findings = [MailFlowTools.Core.Findings.Finding[]]@($stall) }
    )
    $start = 0.0
    $sequence = 0
    $stageResults = foreach ($stage in $stages) {
        $sequence++
        $properties = @{ SessionId = 'da8797be'; ComputerName = 'mx-stall.lab.test'; Address = '198.51.100.29'; Port = 25; Sequence = $sequence; StartMs = $start; RttMs = 3.494; SendMss = 1448; PathMtu = 1500 } + $stage
        $start += $stage.ElapsedMs
        New-Object "$ns.Smtp.SmtpStageResult" -Property $properties
    }

    $hops = @(
        [MailFlowTools.Core.MxPath.MxPathHop]@{ Order = 1; Preference = 100; Exchange = 'silent.lab.test'; Address = '2001:db8:5::30'; Port = 25; AddressFamily = 'IPv6'; Outcome = 'NoBanner'; ConnectMs = 0.08; Detail = 'greeting: no answer within 3 s'; ElapsedMs = 3002.06 }
        [MailFlowTools.Core.MxPath.MxPathHop]@{ Order = 2; Preference = 100; Exchange = 'silent.lab.test'; Address = '198.51.100.30'; Port = 25; AddressFamily = 'IPv4'; Outcome = 'NoBanner'; ConnectMs = 0.08; Detail = 'greeting: no answer within 3 s'; ElapsedMs = 3009.88 }
        [MailFlowTools.Core.MxPath.MxPathHop]@{ Order = 3; Preference = 300; Exchange = 'mx1.lab.test'; Address = '2001:db8:5::25'; Port = 25; AddressFamily = 'IPv6'; Outcome = 'Ok'; ConnectMs = 0.21; BannerMs = 18.7; EhloMs = 0.12; StartTlsMs = 6.51; Banner = '220 mx.lab.test ESMTP MailFlowTools lab 1.0'; StartTlsOffered = $true; TlsEstablished = $true; TlsProtocol = 'Tls13'; ElapsedMs = 57.62 }
        [MailFlowTools.Core.MxPath.MxPathHop]@{ Order = 4; Preference = 300; Exchange = 'mx1.lab.test'; Address = '198.51.100.25'; Port = 25; AddressFamily = 'IPv4'; Outcome = 'NotTried'; Detail = 'not tried: a sender delivers through hop 3 (mx1.lab.test)' }
    )
    $maskedHop = [MailFlowTools.Core.MxPath.MxPathHop]@{ Order = 1; Preference = 10; Exchange = 'fixup.lab.test'; Address = '198.51.100.31'; Port = 25; AddressFamily = 'IPv4'; Outcome = 'Ok'; ConnectMs = 0.13; BannerMs = 252.54; EhloMs = 0.49; StartTlsMs = 129.92; Banner = '220 *********** ***** ************* *** **0'; BannerMasked = $true; StartTlsOffered = $true; TlsEstablished = $true; TlsProtocol = 'Tls13'; ElapsedMs = 476.64 }
    $records = @(
        [MailFlowTools.Core.MxPath.MxPathRecord]@{ Preference = 100; Exchange = 'silent.lab.test'; Addresses = [string[]]('2001:db8:5::30', '198.51.100.30') }
        [MailFlowTools.Core.MxPath.MxPathRecord]@{ Preference = 300; Exchange = 'mx1.lab.test'; Addresses = [string[]]('2001:db8:5::25', '198.51.100.25') }
        [MailFlowTools.Core.MxPath.MxPathRecord]@{ Preference = 400; Exchange = 'mx-gone.lab.test'; Problem = 'no A or AAAA record (NXDOMAIN)' }
    )
    $stsPolicy = [MailFlowTools.Core.TlsPolicy.MtaStsResult]@{ Status = 'Valid'; Mode = 'Enforce'; RecordId = '20261206a'; RecordText = 'v=STSv1; id=20261206a'; PolicyUrl = 'https://mta-sts.stripped.lab.test/.well-known/mta-sts.txt'; HttpStatus = 200; Mx = [string[]]('mx-stripped.lab.test'); MaxAgeSeconds = 86400; ElapsedMs = 41.2 }
    $stsDown = [MailFlowTools.Core.TlsPolicy.MtaStsResult]@{ Status = 'FetchFailed'; RecordId = '20261206a'; PolicyUrl = 'https://mta-sts.sts-down.lab.test/.well-known/mta-sts.txt'; Problem = 'the HTTPS request to mta-sts.sts-down.lab.test failed: Connection refused'; ResultType = 'StsPolicyFetchError'; ElapsedMs = 12.5 }
    $dane = @(
        [MailFlowTools.Core.TlsPolicy.DaneTlsaResult]@{ Exchange = 'mx-dane-bad.lab.test'; TlsaName = '_25._tcp.mx-dane-bad.lab.test'; Status = 'Secure'; Records = [string[]]('3 1 1 2C26B46B68FFC68FF99B453C1D30413413422D706483BFA0F98A5E886266E7AE'); UsableRecords = 1; Authenticated = $true; Resolver = '198.51.100.56'; ElapsedMs = 3.1 }
        [MailFlowTools.Core.TlsPolicy.DaneTlsaResult]@{ Exchange = 'mx-tlsa-big.lab.test'; TlsaName = '_25._tcp.mx-tlsa-big.lab.test'; Status = 'LookupFailed'; Resolver = '198.51.100.67'; Error = 'no answer within 3 s'; AuthoritativeTcpBytes = 2297; ElapsedMs = 5223.5 }
    )
    $strippedTls = [MailFlowTools.Core.TlsPolicy.HopTlsResult]@{ ResultType = 'StartTlsNotSupported'; SenderStatus = 'deferred: TLS is required, but was not offered by host mx-stripped.lab.test[198.51.100.63]'; MtaStsAccepts = $false; StartTlsMasked = $true; MaskedKeyword = 'XXXXXXXA' }
    $okTls = [MailFlowTools.Core.TlsPolicy.HopTlsResult]@{ ResultType = 'Success'; MtaStsAccepts = $true; DaneAccepts = $true; CertificateTrusted = $true; CertificateNameMatches = $true; CertificateExpired = $false; Dane = 'Matched 3 1 1 9FDD3762'; SpkiSha256 = '9FDD3762' }
    $senders = @(
        [MailFlowTools.Core.TlsPolicy.SenderVerdict]@{ Sender = 'MtaSts'; Delivers = $false; Policy = 'MTA-STS enforce (id 20261206a, mx mx-stripped.lab.test)'; Reason = 'no MX hop both works and passes the policy'; SenderStatus = $strippedTls.SenderStatus }
        [MailFlowTools.Core.TlsPolicy.SenderVerdict]@{ Sender = 'Dane'; Delivers = $true; Exchange = 'mx-stripped.lab.test'; Address = '198.51.100.63'; Policy = 'no DANE: no MX host has TLSA records'; Reason = 'the first MX hop that works, in RFC 5321 order' }
        [MailFlowTools.Core.TlsPolicy.SenderVerdict]@{ Sender = 'Plain'; Delivers = $true; Exchange = 'mx-stripped.lab.test'; Address = '198.51.100.63'; Policy = 'opportunistic TLS, no policy'; Reason = 'the first MX hop that works, in RFC 5321 order' }
    )
    $tlsPolicies = @(
        [MailFlowTools.Core.TlsPolicy.TlsPolicyResult]@{ MtaSts = $stsPolicy; MtaStsSender = $senders[0]; DaneSender = $senders[1]; PlainSender = $senders[2]; Resolver = '198.51.100.56' }
        [MailFlowTools.Core.TlsPolicy.TlsPolicyResult]@{ MtaSts = $stsDown; Dane = $dane; MtaStsSender = $senders[2]; DaneSender = $senders[1]; PlainSender = $senders[2]; Resolver = '198.51.100.56' }
    )

    $mxResults = @(
        [MailFlowTools.Core.MxPath.MxPathResult]@{ DomainName = 'failover.lab.test'; MxSource = 'Mx'; MxRecords = $records; Hops = $hops; SelectedHop = $hops[2]; Reachable = $true; Summary = 'Mail for failover.lab.test gets in through mx1.lab.test [2001:db8:5::25] (preference 300) after 2 failed hops (first: silent.lab.test [2001:db8:5::30], connected but no banner).'; Findings = [MailFlowTools.Core.Findings.Finding[]]@($noBanner, $backup); DnsServer = '198.51.100.56'; DnsMs = 143.83; ElapsedMs = 3841.62; Port = 25; AddressFamily = 'Any' }
        [MailFlowTools.Core.MxPath.MxPathResult]@{ DomainName = 'masked.lab.test'; MxSource = 'Mx'; MxRecords = @([MailFlowTools.Core.MxPath.MxPathRecord]@{ Preference = 10; Exchange = 'fixup.lab.test'; Addresses = [string[]]('198.51.100.31') }); Hops = @($maskedHop); SelectedHop = $maskedHop; Reachable = $true; Summary = 'Mail for masked.lab.test gets in at the first hop, fixup.lab.test [198.51.100.31] (preference 10).'; Findings = [MailFlowTools.Core.Findings.Finding[]]@($masked); TlsPolicy = $tlsPolicies[0]; DnsServer = '198.51.100.56'; DnsMs = 157.78; ElapsedMs = 821; Port = 25; AddressFamily = 'Any' }
        [MailFlowTools.Core.MxPath.MxPathResult]@{ DomainName = 'nullmx.lab.test'; MxSource = 'NullMx'; Reachable = $false; Summary = 'nullmx.lab.test publishes a null MX (RFC 7505): it accepts no mail.'; Findings = [MailFlowTools.Core.Findings.Finding[]]@(New-FixtureFinding 'NullMx' Error 'nullmx.lab.test publishes a null MX (RFC 7505): it accepts no mail.' 'Check the recipient address; the domain does not receive mail.'); DnsServer = 'system'; DnsMs = 2.5; ElapsedMs = 2.9; Port = 25; AddressFamily = 'Any' }
    )

    $ednsProbes = @(
        [MailFlowTools.Core.Dns.Reachability.EdnsProbe]@{ Kind = 'Matrix'; Transport = 'Udp'; Edns = $false; Outcome = 'Truncated'; ResponseCode = 'NoError'; ResponseSize = 30; ElapsedMs = 3.2 }
        [MailFlowTools.Core.Dns.Reachability.EdnsProbe]@{ Kind = 'Matrix'; Transport = 'Udp'; Edns = $true; BufferSize = 1232; DnssecOk = $true; Outcome = 'Answer'; ResponseCode = 'NoError'; ResponseSize = 1232; ElapsedMs = 0.6; ResponseHasOpt = $true; ResponderBufferSize = 4096; AnswerCount = 12 }
        [MailFlowTools.Core.Dns.Reachability.EdnsProbe]@{ Kind = 'Matrix'; Transport = 'Udp'; Edns = $true; BufferSize = 4096; DnssecOk = $true; Outcome = 'Timeout'; ElapsedMs = 2997.2; Detail = 'no reply within 3 s' }
        [MailFlowTools.Core.Dns.Reachability.EdnsProbe]@{ Kind = 'Matrix'; Transport = 'Tcp'; Edns = $true; BufferSize = 4096; DnssecOk = $true; Outcome = 'Answer'; ResponseCode = 'NoError'; ResponseSize = 3966; ElapsedMs = 14.5; ResponseHasOpt = $true; ResponderBufferSize = 4096; AnswerCount = 31 }
        [MailFlowTools.Core.Dns.Reachability.EdnsProbe]@{ Kind = 'Bisection'; Transport = 'Udp'; Edns = $true; BufferSize = 2312; DnssecOk = $true; Outcome = 'Truncated'; ResponseCode = 'NoError'; ResponseSize = 1232; ElapsedMs = 0.1; ResponseHasOpt = $true }
        [MailFlowTools.Core.Dns.Reachability.EdnsProbe]@{ Kind = 'Bisection'; Transport = 'Udp'; Edns = $true; BufferSize = 2323; DnssecOk = $true; Outcome = 'Timeout'; ElapsedMs = 1002.0 }
        [MailFlowTools.Core.Dns.Reachability.EdnsProbe]@{ Kind = 'UnknownVersion'; Transport = 'Udp'; Edns = $true; BufferSize = 1232; DnssecOk = $true; Outcome = 'BadVers'; ResponseCode = 'BadVers'; ResponseSize = 23; ElapsedMs = 0.4; ResponseHasOpt = $true }
    )
    $ednsResults = @(
        [MailFlowTools.Core.Dns.Reachability.EdnsReachabilityResult]@{ Server = '198.51.100.53'; ServerName = 'ns1.lab.test'; Name = 'big.lab.test'; Type = 'MX'; Probes = $ednsProbes[0, 1, 3]; LargestUdpAnswer = 3966; LargestWorkingBufferSize = 4096; FullAnswerSize = 3966; TcpWorks = $true; EdnsSupported = $true; RecommendedBufferSize = 1232; ElapsedMs = 20.4 }
        [MailFlowTools.Core.Dns.Reachability.EdnsReachabilityResult]@{ Server = '198.51.100.54'; ServerName = 'ns2.lab.test'; Name = 'big.lab.test'; Type = 'MX'; Probes = $ednsProbes; LargestUdpAnswer = 1232; SmallestLostUdpAnswer = 2323; LargestWorkingBufferSize = 2312; SmallestLostBufferSize = 2323; FullAnswerSize = 3966; TcpWorks = $true; EdnsSupported = $true; RecommendedBufferSize = 1232; ElapsedMs = 4025.3; Findings = [MailFlowTools.Core.Findings.Finding[]]@($udpLost) }
        [MailFlowTools.Core.Dns.Reachability.EdnsReachabilityResult]@{ Server = '2001:db8:5::55'; ServerName = 'ns3.lab.test'; Name = 'big.lab.test'; Type = 'MX'; Probes = $ednsProbes[0, 1]; LargestUdpAnswer = 3966; LargestWorkingBufferSize = 4096; FullAnswerSize = 3966; TcpWorks = $false; EdnsSupported = $true; RecommendedBufferSize = 1232; ElapsedMs = 3004.1; Findings = [MailFlowTools.Core.Findings.Finding[]]@($tcpBlocked) }
    )

    $mtuProbes = @(
        [MailFlowTools.Core.PathMtu.MtuProbeAttempt]@{ Method = 'Icmp'; Round = 1; Size = 1280; RequestedSize = 1280; Attempt = 1; Outcome = 'Passed'; RttMs = 0.412 }
        [MailFlowTools.Core.PathMtu.MtuProbeAttempt]@{ Method = 'Icmp'; Round = 1; Size = 1400; RequestedSize = 1400; Attempt = 1; Outcome = 'Passed'; RttMs = 0.398 }
        [MailFlowTools.Core.PathMtu.MtuProbeAttempt]@{ Method = 'Icmp'; Round = 1; Size = 1401; RequestedSize = 1401; Attempt = 1; Outcome = 'Lost'; Detail = 'no reply within 2 s' }
        [MailFlowTools.Core.PathMtu.MtuProbeAttempt]@{ Method = 'Icmp'; Round = 2; Size = 1401; RequestedSize = 1401; Attempt = 2; Outcome = 'Lost'; Detail = 'no reply within 2 s' }
        [MailFlowTools.Core.PathMtu.MtuProbeAttempt]@{ Method = 'Icmp'; Round = 1; Size = 1500; RequestedSize = 1500; Attempt = 1; Outcome = 'TooBig'; ReportedMtu = 1400; ReportedBy = '198.51.100.1' }
    )
    $sweep = @(
        [MailFlowTools.Core.PathMtu.PayloadSweepEntry]@{ PayloadSize = 512; Outcome = 'Passed'; Method = 'PipelinedEnvelope'; Attempts = 1; Failures = 0; Commands = 11; RepliesReceived = 11; ReplyMs = 2.488; Detail = 'all 11 replies in 2 ms' }
        [MailFlowTools.Core.PathMtu.PayloadSweepEntry]@{ PayloadSize = 513; Outcome = 'Lost'; Method = 'PipelinedEnvelope'; Attempts = 3; Failures = 3; Failed = $true; Commands = 11; RepliesReceived = 0; Detail = '0 of 11 replies within 2000 ms' }
        [MailFlowTools.Core.PathMtu.PayloadSweepEntry]@{ PayloadSize = 514; Outcome = 'Passed'; Method = 'PipelinedEnvelope'; Attempts = 1; Failures = 0; Commands = 11; RepliesReceived = 11; ReplyMs = 2.1; Detail = 'all 11 replies in 2 ms' }
        [MailFlowTools.Core.PathMtu.PayloadSweepEntry]@{ PayloadSize = 1024; Outcome = 'Intermittent'; Method = 'PipelinedEnvelope'; Attempts = 2; Failures = 1; Intermittent = $true; Commands = 21; RepliesReceived = 21; ReplyMs = 3.0; Detail = 'lost once, answered on retry' }
        [MailFlowTools.Core.PathMtu.PayloadSweepEntry]@{ PayloadSize = 1025; Outcome = 'Lost'; Method = 'SingleCommand'; Attempts = 3; Failures = 3; Failed = $true; Commands = 21; RepliesReceived = 0; Detail = '0 of 21 replies within 2000 ms' }
    )
    $mtuResults = @(
        [MailFlowTools.Core.PathMtu.MtuProbeResult]@{ ComputerName = '198.51.100.27'; Address = '198.51.100.27'; AddressFamily = 'IPv4'; Method = 'Icmp'; MethodsUsed = [MailFlowTools.Core.PathMtu.MtuProbeMethod[]]('Icmp', 'Tcp'); IcmpTransport = 'RawSocket'; Port = 25; PathMtu = 1400; LargestPassedSize = 1400; SmallestLostSize = 1401; BlackHole = $true; LocalMtu = 1500; KernelTcpMtuProbing = 0; ProbesSent = 93; Rounds = 2; ElapsedMs = 1248.3; Probes = $mtuProbes[0..3]; Findings = [MailFlowTools.Core.Findings.Finding[]]@($blackHole) }
        [MailFlowTools.Core.PathMtu.MtuProbeResult]@{ ComputerName = 'mx-control.lab.test'; Address = '2001:db8:5::28'; AddressFamily = 'IPv6'; Method = 'Icmp'; MethodsUsed = [MailFlowTools.Core.PathMtu.MtuProbeMethod[]]('Icmp'); IcmpTransport = 'RawSocket'; Port = 25; PathMtu = 1400; LargestPassedSize = 1400; SmallestLostSize = 1401; IcmpTooBigSeen = $true; ReportedNextHopMtu = 1400; ReportedBy = '2001:db8:5::1'; LocalMtu = 1500; CachedRoutePmtu = 1400; KernelTcpMtuProbing = 0; ProbesSent = 41; Rounds = 1; ElapsedMs = 230.6; Probes = @($mtuProbes[4]); Findings = [MailFlowTools.Core.Findings.Finding[]]@(New-FixtureFinding 'PmtudWorking' Info 'The path to 2001:db8:5::28 carries packets up to 1400 bytes and reports larger ones with ICMPv6 type 2 (packet too big, MTU 1400 from 2001:db8:5::1): path MTU discovery works.') }
        [MailFlowTools.Core.PathMtu.MtuProbeResult]@{ ComputerName = 'mx-sizeloss.lab.test'; Address = '198.51.100.26'; AddressFamily = 'IPv4'; Method = 'Sweep'; MethodsUsed = [MailFlowTools.Core.PathMtu.MtuProbeMethod[]]('Sweep'); Port = 25; FailingPayloadSizes = [int[]](513, 1025); IntermittentPayloadSizes = [int[]](1024); LocalMtu = 1500; KernelTcpMtuProbing = 0; ProbesSent = 13; ElapsedMs = 4079; Sweep = $sweep; Findings = [MailFlowTools.Core.Findings.Finding[]]@($sizeLoss) }
    )

    $times = [System.Collections.Generic.Dictionary[string, double]]::new()
    foreach ($pair in @(@('Status', 0.0), @('Dns', 3085.8), @('MxPath', 106.5), @('SmtpStages', 5074.9), @('PathMtu', 7187.8))) { $times.Add($pair[0], $pair[1]) }
    $staged = @(
        [MailFlowTools.Core.Diagnosis.StagedFinding]::new('Dns', 'ns3.lab.test 198.51.100.55', $tcpBlocked)
        [MailFlowTools.Core.Diagnosis.StagedFinding]::new('SmtpStages', 'mx-blackhole.lab.test [198.51.100.27]:25 Body', $stall)
        [MailFlowTools.Core.Diagnosis.StagedFinding]::new('PathMtu', 'mx-blackhole.lab.test 198.51.100.27', $blackHole)
    )
    $diagnoses = @(
        [MailFlowTools.Core.Diagnosis.MailFlowDiagnosis]@{ DomainName = 'blackhole.lab.test'; Cause = 'PmtudBlackHole'; Location = 'Path'; Summary = 'Path MTU discovery is broken: large packets are dropped and no "too big" error comes back. ' + $blackHole.Message; Recommendation = $blackHole.Recommendation; EvidenceChain = [string[]]('Dns: 7 server address(es) probed (1 resolver, 6 authoritative); UDP answers of up to 1008 bytes arrived; the full MX answer is 1008 bytes.', 'MxPath: Mail for blackhole.lab.test gets in at the first hop, mx-blackhole.lab.test [198.51.100.27] (preference 10).', 'SmtpStages: mx-blackhole.lab.test [198.51.100.27]:25 Body: [Error] TransferStalled: ' + $stall.Message, 'PathMtu: mx-blackhole.lab.test 198.51.100.27: [Error] PmtudBlackHole: ' + $blackHole.Message); Findings = $staged; SelectedHop = 'mx-blackhole.lab.test [198.51.100.27]:25'; DnsResolvers = [string[]]('198.51.100.56'); ElapsedMs = 7331.8; StageTimesMs = $times }
        [MailFlowTools.Core.Diagnosis.MailFlowDiagnosis]@{ DomainName = 'healthy.lab.test'; Cause = 'None'; Location = 'None'; Summary = 'No path problem found: DNS answers arrive, mx1.lab.test greets and accepts 100 kB of message data, and the path carries full-size packets.'; Recommendation = 'Nothing to fix on the path; look at the receiving server''s logs for the message.'; EvidenceChain = [string[]]('MxPath: Mail for healthy.lab.test gets in at the first hop, mx1.lab.test [198.51.100.25] (preference 10).'); Quick = $true; SelectedHop = 'mx1.lab.test [198.51.100.25]:25'; ElapsedMs = 812.4; Notes = [string[]]('SmtpStages: skipped (-Quick)', 'PathMtu: skipped (-Quick)') }
    )

    $statuses = @(Resolve-SmtpStatus -Text '451 4.4.0 Primary target IP address responded with: "421 4.4.2 Connection dropped due to SocketError."', '550 5.1.1 <unknown@lab.test>: Recipient address rejected: User unknown in relay recipient table', '4.4.7')

    # A whole log, summarised: the corpus lines the xunit tests explain one by one.
    $logLines = @(Get-Content -LiteralPath (Join-Path $PSScriptRoot '../../Fixtures/logs/postfix.log'))[3, 4, 6, 9, 15]
    $summaries = @($logLines | Resolve-SmtpStatus -Summary)
    $groups = @($summaries[0].Groups)
    $logStatus = $logLines[1] | Resolve-SmtpStatus
    $nextCommands = @($logStatus.NextCommands)
    $logEntries = @($logLines | Resolve-SmtpStatus | ForEach-Object LogEntry)

    [ordered]@{
        SmtpStatusResult       = $statuses
        SmtpStageResult        = @($stageResults)
        EdnsReachabilityResult = $ednsResults
        EdnsProbe              = $ednsProbes
        MxPathResult           = $mxResults
        MxPathHop              = $hops + $maskedHop
        MxPathRecord           = $records
        MtuProbeResult         = $mtuResults
        MtuProbeAttempt        = $mtuProbes
        PayloadSweepEntry      = $sweep
        MailFlowDiagnosis      = $diagnoses
        StagedFinding          = $staged
        Finding                = @($noBanner, $blackHole, $tcpBlocked)
        TlsPolicyResult        = $tlsPolicies
        SenderVerdict          = $senders
        MtaStsResult           = @($stsPolicy, $stsDown)
        DaneTlsaResult         = $dane
        HopTlsResult           = @($strippedTls, $okTls)
        MailLogSummary         = $summaries
        MailLogGroup           = $groups
        SuggestedCommand       = $nextCommands
        MtaLogEntry            = $logEntries
    }
}
