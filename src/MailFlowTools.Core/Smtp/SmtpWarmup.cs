using System;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Net;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Core.Smtp;

/// <summary>
/// Runs one tiny SMTP exchange over loopback before the first timed session, so JIT compilation of the socket,
/// stream and parser paths (tens of milliseconds) is not counted in the Connect and Banner stages.
/// </summary>
internal static class SmtpWarmup
{
    private static int _done;
    private static int _tlsDone;

    public static async Task RunOnceAsync(bool tls, CancellationToken ct)
    {
#if NET8_0_OR_GREATER
        if (!System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported)
        {
            // Compiled ahead of time (the native mailflow) there is nothing to JIT: a warm-up session would only
            // delay the real one. The trust store, which the first certificate check loads, loads meanwhile in the
            // background, while the session connects and greets.
            if (tls && Interlocked.Exchange(ref _tlsDone, 1) == 0)
            {
                _ = Task.Run(LoadTrustStore, CancellationToken.None);
            }

            return;
        }
#endif

        if (tls && Interlocked.Exchange(ref _tlsDone, 1) == 0)
        {
            await WarmTlsAsync(ct);
        }

        if (Interlocked.Exchange(ref _done, 1) != 0)
        {
            return;
        }

        TcpListener? listener = null;
        try
        {
            listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start(1);
#if NET8_0_OR_GREATER
            var accept = listener.AcceptSocketAsync(ct).AsTask();
#else
            var accept = listener.AcceptSocketAsync();
#endif
            var endPoint = (IPEndPoint)listener.LocalEndpoint;
            var timeout = TimeSpan.FromSeconds(2);
            using var client = await SmtpConnection.ConnectAsync(endPoint, SmtpConnectionSettings.Default, "warmup", NullEngineReporter.Instance, timeout, ct);
            using var server = await accept;
            server.Send(Encoding.ASCII.GetBytes("220-warm\r\n220 up\r\n"));
            await client.ReadReplyAsync(timeout, ct);
            await client.WriteLineAsync("QUIT", timeout, ct);
            _ = client.ReadTcpInfo();
            _ = TcpInfoReader.Read(server);
            client.Close();
        }
        catch (Exception ex) when (ex is SocketException or SmtpConnectionException or ObjectDisposedException or InvalidOperationException)
        {
            // Only a speed-up; a machine without loopback still runs the probe.
        }
        finally
        {
            listener?.Stop();
        }
    }

#if NET8_0_OR_GREATER
    private static void LoadTrustStore()
    {
        try
        {
            using var store = new System.Security.Cryptography.X509Certificates.X509Store(System.Security.Cryptography.X509Certificates.StoreName.Root, System.Security.Cryptography.X509Certificates.StoreLocation.LocalMachine);
            store.Open(System.Security.Cryptography.X509Certificates.OpenFlags.ReadOnly);
            foreach (var certificate in store.Certificates)
            {
                certificate.Dispose();
            }
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // Only a speed-up: the certificate check loads the store itself.
        }
    }
#endif

    /// <summary>
    /// One loopback TLS handshake with a throwaway ECDSA certificate: loads the TLS library and the certificate
    /// stores (a few hundred milliseconds on first use) so the StartTls stage measures the server, not this process.
    /// </summary>
    private static async Task WarmTlsAsync(CancellationToken ct)
    {
#if NET8_0_OR_GREATER
        TcpListener? listener = null;
        try
        {
            using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=warmup.invalid", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
            listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start(1);
            var accept = listener.AcceptSocketAsync(ct).AsTask();
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint, ct);
            using var server = await accept;
            var thumbprint = certificate.Thumbprint;
            bool OwnCertificate(object sender, System.Security.Cryptography.X509Certificates.X509Certificate? cert, System.Security.Cryptography.X509Certificates.X509Chain? chain, System.Net.Security.SslPolicyErrors errors) =>
                cert is not null && string.Equals(cert.GetCertHashString(), thumbprint, StringComparison.OrdinalIgnoreCase);
            using var clientStream = new System.Net.Security.SslStream(new NetworkStream(client), false, OwnCertificate);
            using var serverStream = new System.Net.Security.SslStream(new NetworkStream(server), false);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var serverSide = serverStream.AuthenticateAsServerAsync(new System.Net.Security.SslServerAuthenticationOptions { ServerCertificate = certificate }, timeout.Token);
            var clientSide = clientStream.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions { TargetHost = "warmup.invalid", RemoteCertificateValidationCallback = OwnCertificate }, timeout.Token);
            await Task.WhenAll(serverSide, clientSide);

            // The chain build that real validation does (system store load) runs in the callback of a real session.
            using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
            chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
            chain.Build(certificate);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Only a speed-up.
        }
        finally
        {
            listener?.Stop();
        }
#else
        await Task.CompletedTask;
#endif
    }
}
