using System;
using System.Collections.Generic;
using System.Security.Cryptography.X509Certificates;
using System.Threading;

namespace MailFlowTools.Core.Smtp;

/// <summary>
/// Keeps the certificate chain (DER, leaf first) that STARTTLS handshakes in the current async flow were
/// presented, for callers that need more than <see cref="SmtpTlsInfo"/> (DANE and MTA-STS checks) without
/// changing the session engines: a caller opens a scope around a session and reads <see cref="Chain"/> after it.
/// </summary>
public sealed class TlsPeerCapture
{
    private static readonly AsyncLocal<TlsPeerCapture?> Current = new();

    /// <summary>The last chain presented in this scope (leaf first); empty when no handshake got a certificate.</summary>
    public IReadOnlyList<byte[]> Chain { get; private set; } = Array.Empty<byte[]>();

    /// <summary>Makes this capture the current one for the calling async flow until the scope is disposed.</summary>
    public IDisposable Begin()
    {
        var previous = Current.Value;
        Current.Value = this;
        return new Scope(previous);
    }

    /// <summary>Called from the handshake's certificate callback; copies the bytes at once (the chain is disposed after).</summary>
    internal static void Record(X509Certificate? leaf, X509Chain? chain)
    {
        var capture = Current.Value;
        if (capture is null || leaf is null)
        {
            return;
        }

        var list = new List<byte[]> { leaf.GetRawCertData() };
        if (chain is not null)
        {
            for (var i = 1; i < chain.ChainElements.Count; i++)
            {
                list.Add(chain.ChainElements[i].Certificate.RawData);
            }
        }

        capture.Chain = list;
    }

    private sealed class Scope : IDisposable
    {
        private readonly TlsPeerCapture? _previous;

        public Scope(TlsPeerCapture? previous)
        {
            _previous = previous;
        }

        public void Dispose() => Current.Value = _previous;
    }
}
