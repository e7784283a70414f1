#if NET8_0_OR_GREATER
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace MailFlowTools.Core.TlsPolicy;

/// <summary>
/// The certificates .NET would load as the Linux system trust (SSL_CERT_FILE, every file in each SSL_CERT_DIR
/// directory, and the user's .NET root store), indexed by OpenSSL subject-name hash from their raw bytes. Reading the
/// files and hashing the subjects takes milliseconds; a certificate object is made only for the few a chain needs, and
/// kept for the run. .NET itself turns every certificate of every file into an object with its names decoded to
/// strings, a few hundred milliseconds per process, before the first chain can be judged.
/// </summary>
internal sealed class SystemTrustIndex
{
    private const int MaxFileBytes = 16 * 1024 * 1024;
    private const string PemBegin = "-----BEGIN CERTIFICATE-----";
    private const string PemEnd = "-----END CERTIFICATE-----";

    private readonly Dictionary<uint, List<byte[]>> _bySubject = new();
    private readonly ConcurrentDictionary<string, X509Certificate2> _objects = new(StringComparer.Ordinal);

    private SystemTrustIndex()
    {
    }

    public int Count { get; private set; }

    /// <summary>Indexes the certificates of a bundle file, the files of directories and extra files, as .NET reads them.</summary>
    public static SystemTrustIndex Build(string? bundleFile, IEnumerable<string> directories, IEnumerable<string> userRootFiles)
    {
        var index = new SystemTrustIndex();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(bundleFile))
        {
            index.AddFile(bundleFile!, seen);
        }

        foreach (var directory in directories)
        {
            IEnumerable<string> files;
            try
            {
                files = Directory.EnumerateFiles(directory).ToList();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                continue;
            }

            foreach (var file in files)
            {
                index.AddFile(file, seen);
            }
        }

        foreach (var file in userRootFiles)
        {
            index.AddObjectFile(file, seen);
        }

        return index;
    }

    /// <summary>Every indexed certificate whose subject could be the issuer named by <paramref name="issuerName"/> (DER).</summary>
    public IReadOnlyList<X509Certificate2> CandidatesFor(byte[] issuerName)
    {
        if (OpenSslNameHash.Compute(issuerName) is not { } hash || !_bySubject.TryGetValue(hash, out var list))
        {
            return Array.Empty<X509Certificate2>();
        }

        var found = new List<X509Certificate2>(list.Count);
        foreach (var der in list)
        {
            var key = Convert.ToBase64String(der);
            found.Add(_objects.GetOrAdd(key, _ => new X509Certificate2(der)));
        }

        return found;
    }

    private void AddFile(string path, HashSet<string> seen)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.Length > MaxFileBytes)
            {
                return;
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return;
        }

        // As .NET's loader: every "BEGIN CERTIFICATE" block (certificates with trust settings, "BEGIN TRUSTED
        // CERTIFICATE", are skipped there too), else the whole file as one DER certificate.
        var text = Encoding.ASCII.GetString(bytes);
        var any = false;
        var at = text.IndexOf(PemBegin, StringComparison.Ordinal);
        while (at >= 0)
        {
            var end = text.IndexOf(PemEnd, at, StringComparison.Ordinal);
            if (end < 0)
            {
                break;
            }

            try
            {
                var der = Convert.FromBase64String(text.Substring(at + PemBegin.Length, end - at - PemBegin.Length));
                any |= Add(der, seen);
            }
            catch (FormatException)
            {
                // A damaged block: .NET stops reading the file there as well.
                break;
            }

            at = text.IndexOf(PemBegin, end, StringComparison.Ordinal);
        }

        if (!any && bytes.Length > 0 && bytes[0] == 0x30)
        {
            Add(bytes, seen);
        }
    }

    /// <summary>The user's .NET store keeps PKCS#12 files, which only the platform reads.</summary>
    private void AddObjectFile(string path, HashSet<string> seen)
    {
        try
        {
            using var certificate = new X509Certificate2(File.ReadAllBytes(path));
            Add(certificate.RawData, seen);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
        }
    }

    private bool Add(byte[] der, HashSet<string> seen)
    {
        if (DerCertificate.SubjectName(der) is not { } subject || OpenSslNameHash.Compute(subject) is not { } hash)
        {
            return false;
        }

        if (!seen.Add(Convert.ToBase64String(der)))
        {
            return true;
        }

        if (!_bySubject.TryGetValue(hash, out var list))
        {
            _bySubject[hash] = list = new List<byte[]>(1);
        }

        list.Add(der);
        Count++;
        return true;
    }
}
#endif
