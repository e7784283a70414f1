namespace MailFlowTools.Core.TlsPolicy;

public static class TlsResultTypes
{
    /// <summary>The RFC 8460 spelling of a result type ("success" is not a failure type; it names the success count).</summary>
    public static string ToRfc(TlsResultType type) => type switch
    {
        TlsResultType.Success => "success",
        TlsResultType.StartTlsNotSupported => "starttls-not-supported",
        TlsResultType.CertificateHostMismatch => "certificate-host-mismatch",
        TlsResultType.CertificateExpired => "certificate-expired",
        TlsResultType.CertificateNotTrusted => "certificate-not-trusted",
        TlsResultType.TlsaInvalid => "tlsa-invalid",
        TlsResultType.DnssecInvalid => "dnssec-invalid",
        TlsResultType.DaneRequired => "dane-required",
        TlsResultType.StsPolicyFetchError => "sts-policy-fetch-error",
        TlsResultType.StsPolicyInvalid => "sts-policy-invalid",
        TlsResultType.StsWebPkiInvalid => "sts-webpki-invalid",
        _ => "validation-failure",
    };
}
