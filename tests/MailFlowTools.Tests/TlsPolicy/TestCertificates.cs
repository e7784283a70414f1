using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MailFlowTools.Tests.TlsPolicy;

/// <summary>A throwaway CA and leaf certificates for the TLS policy unit tests (made in memory, never trusted by the platform).</summary>
internal static class TestCertificates
{
    public static X509Certificate2 Ca(string name = "MailFlowTools test CA")
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(30));
    }

    public static X509Certificate2 Leaf(X509Certificate2 issuer, DateTimeOffset? notAfter = null, params string[] dnsNames)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=" + (dnsNames.Length > 0 ? dnsNames[0] : "leaf"), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            san.AddDnsName(name);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        var serial = new byte[8];
        RandomNumberGenerator.Fill(serial);
        var end = notAfter ?? DateTimeOffset.UtcNow.AddDays(20);
        var notBefore = end < DateTimeOffset.UtcNow ? end.AddDays(-10) : DateTimeOffset.UtcNow.AddDays(-1);
        return request.Create(issuer, notBefore, end, serial);
    }

    public static byte[] SpkiSha256(X509Certificate2 certificate) => SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo());
}
