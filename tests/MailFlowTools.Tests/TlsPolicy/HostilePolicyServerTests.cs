using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.TlsPolicy;

namespace MailFlowTools.Tests.TlsPolicy;

/// <summary>
/// The policy fetch against hostile HTTPS peers on loopback (a real TLS server with a test CA): a flood without a
/// length, a drip, silence after the handshake, a redirect, a huge header, the wrong media type. Each is a typed
/// result within the timeout + 10 %, with allocations capped; none throws.
/// </summary>
[Collection(HostilePolicyServerCollection.Name)]
public sealed class HostilePolicyServerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);
    private const long AllocationCap = 16L * 1024 * 1024;

    private static readonly Lazy<(X509Certificate2 Server, byte[] Ca)> Certs = new(() =>
    {
        using var ca = TestCertificates.Ca("hostile policy CA");
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=mta-sts.hostile.test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("mta-sts.hostile.test");
        request.CertificateExtensions.Add(san.Build());
        using var leaf = request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10), new byte[] { 1, 2, 3, 4 });
        using var withKey = leaf.CopyWithPrivateKey(rsa);
        var server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        return (server, ca.RawData);
    });

    [Theory]
    [InlineData("flood", "FetchFailed", "byte limit")]
    [InlineData("drip", "FetchFailed", "no complete answer within 1 s")]
    [InlineData("silent", "FetchFailed", "no complete answer within 1 s")]
    [InlineData("redirect", "FetchFailed", "redirect")]
    [InlineData("hugeheader", "FetchFailed", "failed")]
    [InlineData("html", "PolicyInvalid", "text/plain")]
    [InlineData("ok", "Valid", null)]
    public async Task A_hostile_policy_server_gives_a_typed_result_in_bounds(string behaviour, string status, string? problem)
    {
        // The first fetch in the process loads HttpClient, TLS and the chain engine: not part of the bound.
        await WarmUp.Value;
        var (r, elapsed, used) = await FetchFromAsync(behaviour);

        Assert.Equal(status, r.Status.ToString());
        if (problem is null)
        {
            Assert.Contains("mode: enforce", r.Body);
        }
        else
        {
            Assert.Contains(problem, r.Problem);
            Assert.Null(r.Body);
        }

        Assert.True(elapsed <= Timeout * 1.1, $"{behaviour}: {elapsed.TotalMilliseconds:0} ms");
        Assert.True(used <= AllocationCap, $"{behaviour}: {used} bytes allocated");
    }

    private static readonly Lazy<Task> WarmUp = new(() => FetchFromAsync("ok"));

    private static async Task<(MtaStsFetch Result, TimeSpan Elapsed, long Allocated)> FetchFromAsync(string behaviour)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var stop = new CancellationTokenSource();
        var server = ServeAsync(listener, behaviour, stop.Token);
        var endPoint = (IPEndPoint)listener.LocalEndpoint;

        var allocated = GC.GetTotalAllocatedBytes(true);
        var clock = Stopwatch.StartNew();
        var r = await MtaStsFetcher.FetchAsync("hostile.test", new[] { Certs.Value.Ca }, Timeout, endPoint, CancellationToken.None);
        clock.Stop();
        var used = GC.GetTotalAllocatedBytes(true) - allocated;
        stop.Cancel();
        await Task.WhenAny(server, Task.Delay(2000));
        return (r, clock.Elapsed, used);
    }

    [Fact]
    public async Task A_policy_host_certificate_from_another_CA_is_sts_webpki_invalid()
    {
        _ = Certs.Value;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var stop = new CancellationTokenSource();
        var server = ServeAsync(listener, "ok", stop.Token);
        using var other = TestCertificates.Ca("not the policy host's CA");

        var r = await MtaStsFetcher.FetchAsync("hostile.test", new[] { other.RawData }, Timeout, (IPEndPoint)listener.LocalEndpoint, CancellationToken.None);
        stop.Cancel();
        await Task.WhenAny(server, Task.Delay(2000));

        Assert.True(r.Status == MtaStsStatus.PolicyCertificateInvalid, r.Status + ": " + r.Problem);
        Assert.Equal(TlsResultType.StsWebPkiInvalid, r.ResultType);
    }

    private static async Task ServeAsync(TcpListener listener, string behaviour, CancellationToken token)
    {
        try
        {
            using var client = await listener.AcceptTcpClientAsync(token);
            await using var ssl = new SslStream(client.GetStream());
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = Certs.Value.Server }, token);
            var request = new byte[4096];
            var read = 0;
            while (read < request.Length && !Encoding.ASCII.GetString(request, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var n = await ssl.ReadAsync(request.AsMemory(read), token);
                if (n == 0)
                {
                    return;
                }

                read += n;
            }

            const string Policy = "version: STSv1\r\nmode: enforce\r\nmx: mx.hostile.test\r\nmax_age: 86400\r\n";
            switch (behaviour)
            {
                case "flood":
                    await Write(ssl, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n", token);
                    var chunk = Encoding.ASCII.GetBytes(new string('x', 8192));
                    while (true)
                    {
                        await ssl.WriteAsync(chunk, token);
                    }

                case "drip":
                    await Write(ssl, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n", token);
                    while (true)
                    {
                        await Write(ssl, "x", token);
                        await Task.Delay(100, token);
                    }

                case "silent":
                    await Task.Delay(System.Threading.Timeout.Infinite, token);
                    break;
                case "redirect":
                    await Write(ssl, "HTTP/1.1 301 Moved\r\nLocation: https://elsewhere.test/\r\nContent-Length: 0\r\n\r\n", token);
                    break;
                case "hugeheader":
                    await Write(ssl, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Junk: " + new string('j', 200_000) + "\r\n\r\n", token);
                    break;
                case "html":
                    await Write(ssl, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 13\r\n\r\n<html></html>", token);
                    break;
                default:
                    await Write(ssl, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + Policy.Length + "\r\n\r\n" + Policy, token);
                    break;
            }

            await Task.Delay(200, token);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException or ObjectDisposedException or System.Security.Authentication.AuthenticationException)
        {
            // The client hung up or gave up: that is the point of these peers.
        }
    }

    private static Task Write(SslStream ssl, string text, CancellationToken token) => ssl.WriteAsync(Encoding.ASCII.GetBytes(text), token).AsTask();
}
