using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MailFlowTools.Core.Errors;

namespace MailFlowTools.Core.TlsPolicy;

/// <summary>
/// Reads the file given with -TrustedRootCertificatePath: one or more PEM certificates, or one DER certificate.
/// They are added beside the platform's roots for MTA-STS checks, never instead of them. Throws an
/// invalid-invocation error for a missing, unreadable or certificate-free file.
/// </summary>
public static class TrustedRootFile
{
    private const int MaxFileBytes = 1024 * 1024;
    private const string Begin = "-----BEGIN CERTIFICATE-----";
    private const string End = "-----END CERTIFICATE-----";

    public static IReadOnlyList<byte[]> Load(string path, string parameter)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw Invalid(path, parameter, "the file does not exist");
            }

            if (info.Length > MaxFileBytes)
            {
                throw Invalid(path, parameter, "the file is larger than 1 MB, which no root certificate file is");
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw Invalid(path, parameter, ex.Message);
        }

        var roots = new List<byte[]>();
        var text = Encoding.ASCII.GetString(bytes);
        var at = text.IndexOf(Begin, StringComparison.Ordinal);
        while (at >= 0)
        {
            var end = text.IndexOf(End, at, StringComparison.Ordinal);
            if (end < 0)
            {
                throw Invalid(path, parameter, "a PEM certificate has no END line");
            }

            var base64 = text.Substring(at + Begin.Length, end - at - Begin.Length);
            byte[] der;
            try
            {
                der = Convert.FromBase64String(base64.Replace("\r", string.Empty).Replace("\n", string.Empty).Trim());
            }
            catch (FormatException)
            {
                throw Invalid(path, parameter, "a PEM certificate is not valid base64");
            }

            roots.Add(Parse(der, path, parameter));
            at = text.IndexOf(Begin, end, StringComparison.Ordinal);
        }

        if (roots.Count == 0)
        {
            roots.Add(Parse(bytes, path, parameter));
        }

        return roots;
    }

    private static byte[] Parse(byte[] der, string path, string parameter)
    {
        try
        {
            using var cert = new X509Certificate2(der);
            return cert.RawData;
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw Invalid(path, parameter, "not a PEM or DER certificate (" + ex.Message + ")");
        }
    }

    private static MailFlowException Invalid(string path, string parameter, string reason) =>
        MailFlowException.InvalidArgument(ErrorIds.InvalidCertificateFile, $"-{parameter} '{path}' cannot be used: {reason}.", path);
}
