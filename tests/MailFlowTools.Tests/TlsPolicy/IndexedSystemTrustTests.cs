using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using MailFlowTools.Core.TlsPolicy;

namespace MailFlowTools.Tests.TlsPolicy;

/// <summary>
/// The indexed system trust the CLI uses instead of .NET's whole-store load: OpenSSL's subject hash computed from the
/// name bytes (checked against the c_rehash links of the machine's own store), and chains built only against roots
/// found through the index, trusted exactly when their root is in the indexed files.
/// </summary>
[Collection(SystemTrustCollection.Name)]
public sealed class IndexedSystemTrustTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("mailflow-trust-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void The_subject_hash_is_the_one_openssl_names_the_system_store_links_by()
    {
        const string store = "/etc/ssl/certs";
        Assert.SkipUnless(Directory.Exists(store), "no " + store + " on this machine");
        var links = Directory.EnumerateFiles(store).Where(f => Regex.IsMatch(Path.GetFileName(f), "^[0-9a-f]{8}\\.[0-9]+$")).ToList();
        Assert.SkipWhen(links.Count == 0, store + " has no hash links");

        var checkedCount = 0;
        foreach (var link in links)
        {
            using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(link));
            var hash = OpenSslNameHash.Compute(certificate.SubjectName.RawData);
            Assert.True(hash is not null, link);
            Assert.Equal(Path.GetFileName(link).Substring(0, 8), hash!.Value.ToString("x8", System.Globalization.CultureInfo.InvariantCulture));
            checkedCount++;
        }

        Assert.True(checkedCount >= 20, "only " + checkedCount + " links");
    }

    [Fact]
    public void Names_that_differ_only_in_case_spacing_or_string_type_share_a_hash()
    {
        var plain = new X500DistinguishedName("CN=Mail Root, O=Example");
        var folded = Encode(w =>
        {
            // The string form lists the most specific name first; the encoding starts with O.
            Rdn(w, "2.5.4.10", UniversalTagNumber.PrintableString, "EXAMPLE");
            Rdn(w, "2.5.4.3", UniversalTagNumber.BMPString, "  MAIL   root ");
        });
        var other = new X500DistinguishedName("CN=Mail Root 2, O=Example");

        Assert.Equal(OpenSslNameHash.Compute(plain.RawData), OpenSslNameHash.Compute(folded));
        Assert.NotEqual(OpenSslNameHash.Compute(plain.RawData), OpenSslNameHash.Compute(other.RawData));
        Assert.Null(OpenSslNameHash.Compute(new byte[] { 0x30, 0x05, 0x01 }));
    }

    [Fact]
    public void A_chain_is_trusted_through_a_root_in_the_directory_or_the_bundle_and_not_otherwise()
    {
        using var root = TestCertificates.Ca("Indexed test root");
        using var intermediate = Intermediate(root, "Indexed test intermediate");
        using var leaf = TestCertificates.Leaf(intermediate, null, "mx.example.test");
        using var stranger = TestCertificates.Ca("Indexed test root");
        var presented = new X509Certificate2Collection(intermediate);

        // The root in the directory (as a file of its own), the intermediate presented by the server.
        WritePem(Path.Combine(directory, "root.pem"), root);
        var fromDirectory = SystemTrustIndex.Build(null, new[] { directory }, Array.Empty<string>());
        using (var chain = PlatformTrust.BuildChain(fromDirectory, leaf, presented, out var built, Server))
        {
            Assert.True(built, string.Join(", ", chain.ChainStatus.Select(s => s.Status)));
            Assert.Equal(root.Thumbprint, chain.ChainElements[^1].Certificate.Thumbprint);
        }

        // Not presented: the intermediate is found in the trust files too, as .NET's store would find it.
        File.Delete(Path.Combine(directory, "root.pem"));
        var bundle = Path.Combine(directory, "bundle.crt");
        File.WriteAllText(bundle, Pem(intermediate) + "\n" + Pem(root));
        var fromBundle = SystemTrustIndex.Build(bundle, Array.Empty<string>(), Array.Empty<string>());
        using (var chain = PlatformTrust.BuildChain(fromBundle, leaf, new X509Certificate2Collection(), out var built, Server))
        {
            Assert.True(built, string.Join(", ", chain.ChainStatus.Select(s => s.Status)));
            Assert.Equal(3, chain.ChainElements.Count);
        }

        // A root with the same name but another key is a candidate, never an anchor for this chain.
        File.WriteAllText(bundle, Pem(stranger));
        var impostor = SystemTrustIndex.Build(bundle, Array.Empty<string>(), Array.Empty<string>());
        Assert.Equal(1, impostor.Count);
        using (var chain = PlatformTrust.BuildChain(impostor, leaf, presented, out var built, Server))
        {
            Assert.False(built);
            Assert.Contains(chain.ChainStatus, s => s.Status is X509ChainStatusFlags.PartialChain or X509ChainStatusFlags.UntrustedRoot or X509ChainStatusFlags.NotSignatureValid);
        }

        // An empty trust: the platform's verdict for an unknown self-signed certificate, UntrustedRoot.
        var empty = SystemTrustIndex.Build(null, Array.Empty<string>(), Array.Empty<string>());
        using (var chain = PlatformTrust.BuildChain(empty, root, new X509Certificate2Collection(), out var built, Server))
        {
            Assert.False(built);
            Assert.Contains(chain.ChainStatus, s => s.Status == X509ChainStatusFlags.UntrustedRoot);
        }
    }

    [Fact]
    public void Certificates_with_trust_settings_are_skipped_as_dotnet_skips_them()
    {
        using var root = TestCertificates.Ca("Indexed aux root");
        var file = Path.Combine(directory, "aux.pem");
        File.WriteAllText(file, Pem(root).Replace("CERTIFICATE-----", "TRUSTED CERTIFICATE-----", StringComparison.Ordinal));
        WritePem(Path.Combine(directory, "plain.pem"), TestCertificates.Ca("Indexed plain root"));

        var index = SystemTrustIndex.Build(null, new[] { directory }, Array.Empty<string>());

        Assert.Equal(1, index.Count);
        Assert.Empty(index.CandidatesFor(root.SubjectName.RawData));
    }

    private static void Server(X509ChainPolicy policy)
    {
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.1"));
    }

    private static X509Certificate2 Intermediate(X509Certificate2 root, string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var serial = new byte[8];
        RandomNumberGenerator.Fill(serial);
        using var signed = request.Create(root, DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(25), serial);
        return signed.CopyWithPrivateKey(key);
    }

    private static string Pem(X509Certificate2 certificate) => certificate.ExportCertificatePem();

    private static void WritePem(string path, X509Certificate2 certificate) => File.WriteAllText(path, Pem(certificate));

    private static byte[] Encode(Action<System.Formats.Asn1.AsnWriter> rdns)
    {
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            rdns(writer);
        }

        return writer.Encode();
    }

    private static void Rdn(System.Formats.Asn1.AsnWriter writer, string oid, UniversalTagNumber type, string value)
    {
        using (writer.PushSetOf())
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
            writer.WriteCharacterString((System.Formats.Asn1.UniversalTagNumber)type, value);
        }
    }

    private enum UniversalTagNumber
    {
        PrintableString = 19,
        BMPString = 30,
    }
}
