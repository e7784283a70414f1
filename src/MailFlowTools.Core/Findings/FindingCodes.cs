namespace MailFlowTools.Core.Findings;

/// <summary>
/// The stable finding codes. Scripts and runbooks match on these strings, so a code is never renamed.
/// </summary>
public static class FindingCodes
{
    // Status codes and NDRs (Resolve-SmtpStatus).
    public const string TransientFailureStatus = nameof(TransientFailureStatus);
    public const string PermanentFailureStatus = nameof(PermanentFailureStatus);
    public const string DeliveryTimeExpired = nameof(DeliveryTimeExpired);
    public const string UnrecognisedStatus = nameof(UnrecognisedStatus);

    // MTA log phrases (Resolve-SmtpStatus over log lines, queues and whole logs; see docs/log-phrases.md).
    public const string LogEndOfDataLost = nameof(LogEndOfDataLost);
    public const string LogBodyTimeout = nameof(LogBodyTimeout);
    public const string LogBodyConnectionLost = nameof(LogBodyConnectionLost);
    public const string LogGreetingTimeout = nameof(LogGreetingTimeout);
    public const string LogDnsTempFail = nameof(LogDnsTempFail);
    public const string LogTlsNotOffered = nameof(LogTlsNotOffered);
    public const string LogTlsFailed = nameof(LogTlsFailed);
    public const string LogConnectTimeout = nameof(LogConnectTimeout);
    public const string LogConnectRefused = nameof(LogConnectRefused);
    public const string LogUnreachable = nameof(LogUnreachable);
    public const string LogSessionLost = nameof(LogSessionLost);

    // DNS and EDNS (Test-EdnsReachability).
    public const string LargeUdpResponsesLost = nameof(LargeUdpResponsesLost);
    public const string TcpFallbackBlocked = nameof(TcpFallbackBlocked);
    public const string EdnsNotSupported = nameof(EdnsNotSupported);
    public const string BufferSizeExceeded = nameof(BufferSizeExceeded);
    public const string TruncatedWithoutOpt = nameof(TruncatedWithoutOpt);
    public const string ServerUnreachable = nameof(ServerUnreachable);
    public const string EdnsCompliant = nameof(EdnsCompliant);
    public const string EdnsVersionNotRejected = nameof(EdnsVersionNotRejected);
    public const string EdnsUnknownOptionRejected = nameof(EdnsUnknownOptionRejected);
    public const string EdnsUnknownFlagRejected = nameof(EdnsUnknownFlagRejected);
    public const string IntermittentUdpLoss = nameof(IntermittentUdpLoss);

    // SMTP session (Get-SmtpStageTiming).
    public const string TransferStalled = nameof(TransferStalled);
    public const string NoBannerAfterConnect = nameof(NoBannerAfterConnect);
    public const string BannerMasked = nameof(BannerMasked);
    public const string SlowGreeting = nameof(SlowGreeting);
    public const string EndOfDataSplitFails = nameof(EndOfDataSplitFails);
    public const string StartTlsFailed = nameof(StartTlsFailed);
    public const string LocalPort25Blocked = nameof(LocalPort25Blocked);
    public const string SmtpSessionFailed = nameof(SmtpSessionFailed);
    public const string AuthWithoutTls = nameof(AuthWithoutTls);
    public const string AuthCertificateUntrusted = nameof(AuthCertificateUntrusted);
    public const string AuthNotOffered = nameof(AuthNotOffered);
    public const string RecipientRefused = nameof(RecipientRefused);

    // MX path (Test-MxPath).
    public const string PrimaryDownSecondaryUp = nameof(PrimaryDownSecondaryUp);
    public const string AllHopsFailed = nameof(AllHopsFailed);
    public const string NullMx = nameof(NullMx);
    public const string ImplicitMx = nameof(ImplicitMx);
    public const string MxPointsToCname = nameof(MxPointsToCname);
    public const string MxPointsToAddressLiteral = nameof(MxPointsToAddressLiteral);
    public const string MxTargetHasNoAddress = nameof(MxTargetHasNoAddress);
    public const string Ipv6PathBroken = nameof(Ipv6PathBroken);
    public const string DnsLookupFailed = nameof(DnsLookupFailed);
    public const string RecipientRejected = nameof(RecipientRejected);
    public const string MxIpv6Only = nameof(MxIpv6Only);

    // TLS policy of the MX path (Test-MxPath: MTA-STS, DANE, STARTTLS).
    public const string StartTlsStripped = nameof(StartTlsStripped);
    public const string StartTlsNotOffered = nameof(StartTlsNotOffered);
    public const string MtaStsPolicyExcludesMx = nameof(MtaStsPolicyExcludesMx);
    public const string MtaStsPolicyUnavailable = nameof(MtaStsPolicyUnavailable);
    public const string MtaStsCertificateInvalid = nameof(MtaStsCertificateInvalid);
    public const string DaneTlsaMismatch = nameof(DaneTlsaMismatch);
    public const string TlsaRecordsUnusable = nameof(TlsaRecordsUnusable);
    public const string TlsaLookupLost = nameof(TlsaLookupLost);
    public const string DnssecBogus = nameof(DnssecBogus);

    // Path MTU (Find-MtuBlackHole).
    public const string PmtudBlackHole = nameof(PmtudBlackHole);
    public const string PmtudWorking = nameof(PmtudWorking);
    public const string SizeSpecificLoss = nameof(SizeSpecificLoss);
    public const string IcmpFiltered = nameof(IcmpFiltered);
    public const string KernelMtuProbingActive = nameof(KernelMtuProbingActive);
    public const string IcmpNotPermitted = nameof(IcmpNotPermitted);
    public const string SweepIncomplete = nameof(SweepIncomplete);

    // Diagnosis (Debug-MailFlow).
    public const string None = nameof(None);
}
