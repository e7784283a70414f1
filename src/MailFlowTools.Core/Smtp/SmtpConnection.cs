using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Net;
using MailFlowTools.Core.Reporting;
using MailFlowTools.Core.TlsPolicy;

namespace MailFlowTools.Core.Smtp;

/// <summary>
/// A low-level SMTP client connection for probes: connect with chosen socket options, read bounded replies,
/// write raw bytes, upgrade with STARTTLS, snapshot TCP_INFO. Every call takes a timeout and a cancellation token;
/// either one disposes the socket so a pending read or write ends at once (netstandard2.0 sockets ignore tokens).
/// Failures surface as <see cref="SmtpConnectionException"/> (classified) or <see cref="OperationCanceledException"/>.
/// Not thread-safe, except that one read and one write may be outstanding together.
/// </summary>
public sealed class SmtpConnection : IDisposable
{
    private const int TranscriptLineLimit = 300;

    private readonly Socket _socket;
    private readonly IEngineReporter _reporter;
    private readonly SmtpReplyParser _parser;
    private readonly SecretRedactor _redactor;
    private readonly byte[] _buffer = new byte[4096];
    private Stream _stream;
    private int _start;
    private int _end;
    private int _disposed;
    private long _bytesWritten;
    private long _bytesRead;
    private long _lastReadTimestamp;
#if NET8_0_OR_GREATER
    private readonly TimestampedSocketStream? _timestamped;
#endif

    private SmtpConnection(Socket socket, SmtpConnectionSettings settings, string sessionId, IEngineReporter reporter)
    {
        _socket = socket;
        _reporter = reporter;
        _parser = new SmtpReplyParser(settings.MaxLineLength, settings.MaxReplyLength);
        _redactor = settings.Redactor ?? SecretRedactor.None;
#if NET8_0_OR_GREATER
        // Kernel receive timestamps where Linux offers them, so a busy machine's wake-up delay is not counted.
        _timestamped = TimestampedSocketStream.TryCreate(socket);
        _stream = _timestamped is null ? new NetworkStream(socket, ownsSocket: false) : _timestamped;
#else
        _stream = new NetworkStream(socket, ownsSocket: false);
#endif
        SessionId = sessionId;
        RemoteEndPoint = (IPEndPoint)socket.RemoteEndPoint!;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    public string SessionId { get; }

    public IPEndPoint RemoteEndPoint { get; }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The connected socket, for callers that read further options. Do not read or write it directly.</summary>
    public Socket Socket => _socket;

    /// <summary>Application bytes written (before TLS).</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>Bytes read from the stream (after TLS decryption).</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    public bool IsTls { get; private set; }

    /// <summary>Stopwatch timestamp taken just before the SYN was sent (the connect call).</summary>
    public long ConnectStartedTimestamp { get; private set; }

    /// <summary>Stopwatch timestamp taken as soon as the connect call returned.</summary>
    public long ConnectedTimestamp { get; private set; }

    /// <summary>Stopwatch timestamp taken just before the last write call.</summary>
    public long LastWriteTimestamp { get; private set; }

    /// <summary>Stopwatch timestamp of the read that delivered the last byte of the last reply (before parsing and transcript).</summary>
    public long LastReplyTimestamp { get; private set; }

    /// <summary>Stopwatch timestamp taken as soon as the TLS handshake finished.</summary>
    public long TlsCompletedTimestamp { get; private set; }

    public bool IsClosed => Volatile.Read(ref _disposed) != 0;

    /// <summary>TCP_INFO right after the handshake; later readings are compared against it.</summary>
    public TcpInfoSnapshot ConnectedTcpInfo { get; private set; } = TcpInfoSnapshot.Unavailable;

    /// <summary>The MSS the kernel uses on this connection, when the OS tells.</summary>
    public int? MaxSegmentSize => TcpSocketOptions.GetMaxSegment(_socket);

    public static async Task<SmtpConnection> ConnectAsync(IPEndPoint remote, SmtpConnectionSettings settings, string sessionId, IEngineReporter reporter, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (remote is null)
        {
            throw new ArgumentNullException(nameof(remote));
        }

        settings ??= SmtpConnectionSettings.Default;
        reporter ??= NullEngineReporter.Instance;
        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.NoDelay = settings.NoDelay;
#if NET8_0_OR_GREATER
            TimestampedSocketStream.TryEnable(socket);
#endif
            if (settings.MaxSegmentSize is int mss)
            {
                TcpSocketOptions.SetMaxSegment(socket, mss);
            }

            Event(reporter, sessionId, "connecting to " + Format(remote));
            long started = 0, connected = 0;
            await RunWithDeadline(
                async token =>
                {
                    started = Stopwatch.GetTimestamp();
#if NET8_0_OR_GREATER
                    await socket.ConnectAsync(remote, token);
#else
                    await socket.ConnectAsync(remote);
#endif
                    connected = Stopwatch.GetTimestamp();
                    return true;
                },
                socket.Dispose,
                timeout,
                "TCP connection",
                false,
                cancellationToken);

            var connection = new SmtpConnection(socket, settings, sessionId, reporter)
            {
                ConnectStartedTimestamp = started,
                ConnectedTimestamp = connected,
            };
            connection.ConnectedTcpInfo = TcpInfoReader.Read(socket);
            if (connection.ConnectedTcpInfo.RttMicroseconds is long rtt && rtt > 0)
            {
                // The first RTT sample is the SYN to SYN-ACK time, measured by the kernel: a truer end of the handshake
                // than the moment a busy machine got round to resuming this code.
                var kernelConnected = started + (long)(rtt * (Stopwatch.Frequency / 1_000_000.0));
                if (kernelConnected < connected)
                {
                    connection.ConnectedTimestamp = kernelConnected;
                }
            }

            Event(reporter, sessionId, "connected from " + Format(connection.LocalEndPoint));
            return connection;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public TcpInfoSnapshot ReadTcpInfo() => IsClosed ? TcpInfoSnapshot.Unavailable : TcpInfoReader.Read(_socket);

    /// <summary>Reads one complete reply. <paramref name="timeout"/> may be <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    public async Task<SmtpReply> ReadReplyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await RunWithDeadline(ReadReplyCoreAsync, Abort, timeout, "reply", IsTls, cancellationToken);
        }
        catch (SmtpConnectionException ex) when (!_redactor.IsEmpty && ex.InnerException is SmtpProtocolException spe)
        {
            // A parse error quotes up to 40 bytes of the server's line, which may echo part of a secret (cut, or with
            // its non-ASCII bytes shown as '?', where masking cannot find it): with a secret in play, quote nothing.
            var text = $"The server's reply is not valid SMTP ({spe.Error}); its text is not shown while a credential is in use.";
            throw new SmtpConnectionException(ex.Outcome, text, new SmtpProtocolException(spe.Error, text));
        }
        catch (SmtpConnectionException ex) when (_redactor.Contains(ex))
        {
            throw new SmtpConnectionException(ex.Outcome, _redactor.Scrub(ex.Message)!);
        }
    }

    /// <summary>Writes a command line (CRLF added). <paramref name="transcriptText"/> replaces the line in the transcript (redaction).</summary>
    public Task WriteLineAsync(string line, TimeSpan timeout, CancellationToken cancellationToken, string? transcriptText = null)
    {
        var bytes = Encoding.UTF8.GetBytes(line + "\r\n");
        return WriteAsync(bytes, 0, bytes.Length, timeout, cancellationToken, transcriptText ?? line);
    }

    /// <summary>
    /// Writes raw bytes in one write call. With NoDelay the kernel sends them at once (one segment when they fit).
    /// <paramref name="transcriptText"/>: null transcribes the bytes as lines; empty transcribes nothing.
    /// </summary>
    public async Task WriteAsync(byte[] data, int offset, int count, TimeSpan timeout, CancellationToken cancellationToken, string? transcriptText = null)
    {
        if (transcriptText is null)
        {
            TranscribeSent(data, offset, count);
        }
        else if (transcriptText.Length > 0)
        {
            foreach (var line in transcriptText.Split('\n'))
            {
                Transcript(TranscriptDirection.Sent, line.TrimEnd('\r'));
            }
        }

        await RunWithDeadline(
            async token =>
            {
                LastWriteTimestamp = Stopwatch.GetTimestamp();
                await _stream.WriteAsync(data, offset, count, token);
                await _stream.FlushAsync(token);
                return true;
            },
            Abort,
            timeout,
            "write",
            IsTls,
            cancellationToken);
        Interlocked.Add(ref _bytesWritten, count);
    }

    /// <summary>
    /// TLS handshake over the connection after the server's 220 to STARTTLS. With <paramref name="validateCertificate"/>
    /// false the handshake accepts any certificate and only reports what was wrong with it.
    /// </summary>
    public async Task<SmtpTlsInfo> StartTlsAsync(string targetHost, bool validateCertificate, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_start < _end)
        {
            // Plaintext after the 220 could be injected into the TLS session (CVE-2011-0411 class); drop it.
            _reporter.Warning($"The server sent {_end - _start} bytes after its 220 to STARTTLS; they were discarded.");
            _start = _end = 0;
        }

        X509Certificate2? certificate = null;
        var status = "NoCertificate";
        var valid = false;
        bool Validate(object sender, X509Certificate? cert, X509Chain? chain, SslPolicyErrors errors)
        {
            if (cert is not null)
            {
                certificate = new X509Certificate2(cert);
            }

            // With the indexed system trust the handshake's own chain had no roots to reach: judge it here.
            var built = false;
            using var indexed = certificate is null ? null : PlatformTrust.BuildServerChain(certificate, chain?.ChainPolicy.ExtraStore ?? new X509Certificate2Collection(), out built);
            if (indexed is not null)
            {
                errors = (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) | (built ? SslPolicyErrors.None : SslPolicyErrors.RemoteCertificateChainErrors);
                chain = indexed;
            }

            valid = errors == SslPolicyErrors.None;
            status = DescribeCertificateStatus(errors, chain);
            TlsPeerCapture.Record(cert, chain);
            return valid || !validateCertificate;
        }

        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false, Validate);
        Event(_reporter, SessionId, "TLS handshake with " + targetHost);
        await RunWithDeadline(
            async token =>
            {
#if NET8_0_OR_GREATER
                await ssl.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions
                    {
                        TargetHost = targetHost,
                        RemoteCertificateValidationCallback = Validate,
                        // The indexed trust judges the chain in the callback; the handshake's own chain, built without
                        // roots, must not go fetching issuers meanwhile.
                        CertificateChainPolicy = PlatformTrust.IsIndexed ? new X509ChainPolicy { DisableCertificateDownloads = true } : null,
                    },
                    token);
#else
                await ssl.AuthenticateAsClientAsync(targetHost);
#endif
                return true;
            },
            Abort,
            timeout,
            "TLS handshake",
            true,
            cancellationToken);

        TlsCompletedTimestamp = Stopwatch.GetTimestamp();
        _stream = ssl;
        IsTls = true;
#if NET8_0_OR_GREATER
        var cipher = ssl.NegotiatedCipherSuite.ToString();
#else
        var cipher = $"{ssl.CipherAlgorithm} {ssl.CipherStrength}-bit, {ssl.HashAlgorithm}, {ssl.KeyExchangeAlgorithm}";
#endif
        var info = new SmtpTlsInfo
        {
            Protocol = ssl.SslProtocol.ToString(),
            Cipher = cipher,
            CertificateSubject = certificate?.Subject,
            CertificateIssuer = certificate?.Issuer,
            CertificateNotAfter = certificate is null ? null : new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
            CertificateStatus = status,
            CertificateValid = valid,
        };
        Event(_reporter, SessionId, $"TLS {info.Protocol} {info.Cipher}; certificate {info.CertificateSubject} ({info.CertificateStatus})");
        return info;
    }

    /// <summary>Closes gracefully (FIN). Use after QUIT, or to drop an unfinished DATA so the server discards it.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        DisposeCore();
    }

    /// <summary>Tears the connection down at once; pending reads and writes end with an exception.</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        DisposeCore();
    }

    public void Dispose() => Abort();

    internal static async Task<T> RunWithDeadline<T>(Func<CancellationToken, Task<T>> operation, Action abort, TimeSpan timeout, string what, bool tls, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var timeoutSource = new CancellationTokenSource();
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            timeoutSource.CancelAfter(timeout);
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        var registration = linked.Token.Register(abort);
        try
        {
            var result = await operation(linked.Token);

            // The deadline may fire while an operation finishes work it can no longer stop (a TLS handshake's last
            // step): the abort has closed the connection by then, so the stage ran out of time, whatever it returned.
            registration.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            if (timeoutSource.IsCancellationRequested)
            {
                throw new SmtpConnectionException(SmtpStageOutcome.Timeout, $"No {what} within {timeout.TotalSeconds:0.###} s.");
            }

            return result;
        }
        catch (Exception ex) when (ex is not SmtpConnectionException || timeoutSource.IsCancellationRequested || cancellationToken.IsCancellationRequested)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("The operation was cancelled.", ex, cancellationToken);
            }

            if (timeoutSource.IsCancellationRequested)
            {
                throw new SmtpConnectionException(SmtpStageOutcome.Timeout, $"No {what} within {timeout.TotalSeconds:0.###} s.", ex);
            }

            throw Classify(ex, what, tls);
        }
        finally
        {
            registration.Dispose();
        }
    }

    internal static SmtpConnectionException Classify(Exception ex, string what, bool tls)
    {
        switch (ex)
        {
            case SmtpConnectionException sce:
                return sce;
            case SmtpProtocolException spe:
                return new SmtpConnectionException(SmtpStageOutcome.ProtocolError, spe.Message, spe);
            case AuthenticationException:
                return new SmtpConnectionException(SmtpStageOutcome.TlsFailed, "TLS handshake failed: " + ex.Message, ex);
        }

        var socketError = (ex as SocketException ?? ex.InnerException as SocketException)?.SocketErrorCode;
        switch (socketError)
        {
            case SocketError.ConnectionRefused:
                return new SmtpConnectionException(SmtpStageOutcome.Refused, $"The {what} was refused.", ex);
            case SocketError.ConnectionReset:
            case SocketError.ConnectionAborted:
                return new SmtpConnectionException(SmtpStageOutcome.Reset, $"The connection was reset during the {what}.", ex);
            case SocketError.HostUnreachable:
            case SocketError.NetworkUnreachable:
            case SocketError.HostDown:
            case SocketError.NetworkDown:
            case SocketError.AccessDenied:
                return new SmtpConnectionException(SmtpStageOutcome.Unreachable, $"The network reported the host unreachable ({socketError}) during the {what}.", ex);
            case SocketError.TimedOut:
                return new SmtpConnectionException(SmtpStageOutcome.Timeout, $"The operating system timed out the {what}.", ex);
        }

        if (tls && ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            return new SmtpConnectionException(SmtpStageOutcome.TlsFailed, "TLS failed: " + ex.Message, ex);
        }

        return new SmtpConnectionException(SmtpStageOutcome.Closed, $"The connection closed during the {what}: {ex.Message}", ex);
    }

    private async Task<SmtpReply> ReadReplyCoreAsync(CancellationToken token)
    {
        while (true)
        {
            if (_start < _end)
            {
                var reply = _parser.Feed(new ReadOnlySpan<byte>(_buffer, _start, _end - _start), out var consumed);
                _start += consumed;
                if (reply is not null)
                {
                    LastReplyTimestamp = _lastReadTimestamp;
                    reply = Scrub(reply);
                    foreach (var line in reply.ToString().Split('\n'))
                    {
                        Transcript(TranscriptDirection.Received, line.TrimEnd('\r'));
                    }

                    return reply;
                }
            }

            _start = _end = 0;
            var n = await _stream.ReadAsync(_buffer, 0, _buffer.Length, token);
            _lastReadTimestamp = Stopwatch.GetTimestamp();
#if NET8_0_OR_GREATER
            if (_timestamped is { LastReceiveTimestamp: > 0 } ts && ts.LastReceiveTimestamp <= _lastReadTimestamp)
            {
                _lastReadTimestamp = ts.LastReceiveTimestamp;
            }
#endif
            if (n == 0)
            {
                var partial = _parser.HasPartialReply;
                throw new SmtpConnectionException(SmtpStageOutcome.Closed, partial ? "The server closed the connection in the middle of a reply." : "The server closed the connection.");
            }

            _end = n;
            Interlocked.Add(ref _bytesRead, n);
        }
    }

    private void DisposeCore()
    {
        try
        {
            _stream.Dispose();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException or InvalidOperationException)
        {
        }

        _socket.Dispose();
    }

    private static string DescribeCertificateStatus(SslPolicyErrors errors, X509Chain? chain)
    {
        if (errors == SslPolicyErrors.None)
        {
            return "Valid";
        }

        var text = errors.ToString();
        if (chain is not null && chain.ChainStatus.Length > 0)
        {
            var flags = X509ChainStatusFlags.NoError;
            foreach (var s in chain.ChainStatus)
            {
                flags |= s.Status;
            }

            text += ": " + flags;
        }

        return text;
    }

    private void TranscribeSent(byte[] data, int offset, int count)
    {
        var text = Encoding.UTF8.GetString(data, offset, Math.Min(count, 2048));
        foreach (var line in text.Split(new[] { "\r\n" }, StringSplitOptions.RemoveEmptyEntries))
        {
            Transcript(TranscriptDirection.Sent, line);
        }

        if (count > 2048)
        {
            Transcript(TranscriptDirection.Sent, $"[… {count - 2048} more bytes]");
        }
    }

    /// <summary>The reply with any echoed secret masked, before anyone (transcript, engine, results) sees it.</summary>
    private SmtpReply Scrub(SmtpReply reply)
    {
        if (_redactor.IsEmpty || (!reply.Lines.Any(_redactor.Contains) && !_redactor.Contains(reply.EnhancedStatus)))
        {
            return reply;
        }

        var lines = reply.Lines.Select(l => _redactor.Scrub(l)!).ToArray();
        return new SmtpReply(reply.Code, lines, _redactor.Contains(reply.EnhancedStatus) ? null : reply.EnhancedStatus, reply.WireLength);
    }

    private void Transcript(TranscriptDirection direction, string text)
    {
        // Masked before the length cap, so a cut can never leave part of a secret behind.
        text = _redactor.Scrub(text)!;
        if (text.Length > TranscriptLineLimit)
        {
            text = text.Substring(0, TranscriptLineLimit) + $"[… {text.Length - TranscriptLineLimit} more]";
        }

        _reporter.Transcript(new TranscriptEntry(DateTimeOffset.Now, SessionId, direction, text));
    }

    private static void Event(IEngineReporter reporter, string session, string text) =>
        reporter.Transcript(new TranscriptEntry(DateTimeOffset.Now, session, TranscriptDirection.Event, text));

    internal static string Format(IPEndPoint endPoint) =>
        endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{endPoint.Address}]:{endPoint.Port}" : $"{endPoint.Address}:{endPoint.Port}";
}
