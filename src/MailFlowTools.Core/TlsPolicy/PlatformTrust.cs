using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using System.Threading;

namespace MailFlowTools.Core.TlsPolicy;

/// <summary>
/// Whose roots judge a certificate chain. By default the platform's, loaded by .NET. A short-lived process on Linux
/// (the mailflow CLI) calls <see cref="UseIndexedSystemTrust"/> first: the same certificates (SSL_CERT_FILE, the
/// SSL_CERT_DIR files, the user's .NET root store) are then indexed by subject hash and every chain is built against
/// the roots and intermediates its issuers name, looked up there, with the same OpenSSL chain builder; .NET's own copy
/// of the store is left empty, so no check waits for it to load every certificate. Verdicts stay the platform's: a
/// root is trusted only when it is in those files, and a chain that needs a certificate fetched (AIA) gets it.
/// </summary>
public static class PlatformTrust
{
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
#if NET8_0_OR_GREATER
    private static Lazy<SystemTrustIndex>? _index;
#endif

    /// <summary>True once <see cref="UseIndexedSystemTrust"/> took effect in this process.</summary>
    public static bool IsIndexed
    {
        get
        {
#if NET8_0_OR_GREATER
            return Volatile.Read(ref _index) is not null;
#else
            return false;
#endif
        }
    }

    /// <summary>
    /// Switches this process to the indexed system trust (Linux only; call before any TLS or certificate check).
    /// Returns false, changing nothing, where the sources cannot be named exactly as .NET would read them.
    /// </summary>
    public static bool UseIndexedSystemTrust()
    {
#if NET8_0_OR_GREATER
        if (!OperatingSystem.IsLinux() || IsIndexed || !OpenSslDefaults.TryGet(out var defaultFile, out var defaultDirectory, out var fileVariable, out var directoryVariable))
        {
            return false;
        }

        // The sources as .NET's loader takes them: the variable when set (even empty), else OpenSSL's defaults,
        // and /etc/ssl/certs when the default directory holds nothing.
        var bundle = Environment.GetEnvironmentVariable(fileVariable) is { } file ? file : defaultFile;
        var directoryText = Environment.GetEnvironmentVariable(directoryVariable);
        var directories = (directoryText ?? defaultDirectory ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (directoryText is null && !directories.Any(HasFiles) && HasFiles("/etc/ssl/certs"))
        {
            directories = new List<string> { "/etc/ssl/certs" };
        }

        var userRoot = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "corefx", "cryptography", "x509stores", "root");
        var userRootFiles = Directory.Exists(userRoot) ? Directory.EnumerateFiles(userRoot).ToList() : new List<string>();

        // .NET reads the variables when it first loads its store: empty, it loads nothing.
        if (!OpenSslDefaults.ClearForThisProcess(fileVariable, directoryVariable))
        {
            return false;
        }

        Volatile.Write(ref _index, new Lazy<SystemTrustIndex>(() => SystemTrustIndex.Build(bundle, directories, userRootFiles), LazyThreadSafetyMode.ExecutionAndPublication));
        return true;
#else
        return false;
#endif
    }

    /// <summary>Builds the index now (in the background of a session that will need it); nothing without the indexed trust.</summary>
    public static void Warm()
    {
#if NET8_0_OR_GREATER
        _ = Volatile.Read(ref _index)?.Value;
#endif
    }

    /// <summary>
    /// A chain for <paramref name="leaf"/> as SslStream builds one for a server (serverAuth, no revocation check), with
    /// the indexed system trust. Null without it: then the platform's own result stands.
    /// </summary>
    public static X509Chain? BuildServerChain(X509Certificate2 leaf, X509Certificate2Collection presented, out bool built) =>
        BuildChain(leaf, presented, out built, policy =>
        {
            policy.RevocationMode = X509RevocationMode.NoCheck;
            policy.RevocationFlag = X509RevocationFlag.ExcludeRoot;
            policy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(ServerAuthOid));
        });

    /// <summary>Builds <paramref name="leaf"/>'s chain against the indexed system trust (<paramref name="built"/>: X509Chain.Build's answer); null without it.</summary>
    public static X509Chain? BuildChain(X509Certificate2 leaf, X509Certificate2Collection extra, out bool built, Action<X509ChainPolicy> configure)
    {
        built = false;
#if NET8_0_OR_GREATER
        var index = Volatile.Read(ref _index)?.Value;
        return index is null ? null : BuildChain(index, leaf, extra, out built, configure);
#else
        return null;
#endif
    }

#if NET8_0_OR_GREATER
    /// <summary>The chain build against one index: its roots are the only trust anchors.</summary>
    internal static X509Chain BuildChain(SystemTrustIndex index, X509Certificate2 leaf, X509Certificate2Collection extra, out bool built, Action<X509ChainPolicy> configure)
    {
        var trust = new X509Certificate2Collection();
        var asked = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<X509Certificate2>(new[] { leaf }.Concat(extra.Cast<X509Certificate2>()));
        AddIssuers(index, pending, trust, asked);

        X509Chain chain;
        var rounds = 0;
        while (true)
        {
            chain = new X509Chain();
            configure(chain.ChainPolicy);
            chain.ChainPolicy.ExtraStore.AddRange(extra);
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(trust);
            built = chain.Build(leaf);
            if (built || ++rounds > 3 || chain.ChainElements.Count == 0)
            {
                return chain;
            }

            // A certificate fetched during the build (AIA) names an issuer not asked for yet: look it up and build again.
            var top = chain.ChainElements[chain.ChainElements.Count - 1].Certificate;
            var before = trust.Count;
            pending.Enqueue(top);
            AddIssuers(index, pending, trust, asked);
            if (trust.Count == before)
            {
                return chain;
            }

            chain.Dispose();
        }
    }

    /// <summary>Every indexed certificate that could issue one of <paramref name="pending"/>, up through their own issuers.</summary>
    private static void AddIssuers(SystemTrustIndex index, Queue<X509Certificate2> pending, X509Certificate2Collection trust, HashSet<string> asked)
    {
        while (pending.Count > 0)
        {
            var certificate = pending.Dequeue();
            var issuer = certificate.IssuerName.RawData;
            if (!asked.Add(Convert.ToBase64String(issuer)))
            {
                continue;
            }

            foreach (var candidate in index.CandidatesFor(issuer))
            {
                if (trust.Contains(candidate))
                {
                    continue;
                }

                trust.Add(candidate);
                if (!candidate.SubjectName.RawData.AsSpan().SequenceEqual(candidate.IssuerName.RawData))
                {
                    pending.Enqueue(candidate);
                }
            }
        }
    }

    private static bool HasFiles(string directory)
    {
        try
        {
            return Directory.Exists(directory) && Directory.EnumerateFiles(directory).Any();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
#endif
}
