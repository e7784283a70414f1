using System;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MailFlowTools.Tests.Smtp;

/// <summary>A self-signed server certificate for the fake server's STARTTLS.</summary>
internal static class TestCertificates
{
    private static readonly Lazy<X509Certificate2> Server = new(() =>
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=fake.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    });

    public static X509Certificate2 SelfSigned => Server.Value;
}
