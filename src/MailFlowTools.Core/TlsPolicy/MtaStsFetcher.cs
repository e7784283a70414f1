using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Core.TlsPolicy;

/// <summary>
/// Fetches <c>https://mta-sts.&lt;domain&gt;/.well-known/mta-sts.txt</c> as RFC 8461 §3.3 asks: the certificate
/// validated for the policy host (platform roots, plus the caller's explicit extra roots), no redirects followed,
/// the body capped at 64 KB and the whole fetch bounded by a timeout. Every failure is a result.
/// </summary>
public static class MtaStsFetcher
{
    public const int MaxBodyBytes = 64 * 1024;

    public static Task<MtaStsFetch> FetchAsync(string domain, IReadOnlyList<byte[]> trustedRoots, TimeSpan timeout, CancellationToken cancellationToken) =>
        FetchAsync(domain, trustedRoots, timeout, null, cancellationToken);

    /// <param name="connectTo">Tests only: connect here instead of resolving the policy host (net8.0 build).</param>
    internal static async Task<MtaStsFetch> FetchAsync(string domain, IReadOnlyList<byte[]> trustedRoots, TimeSpan timeout, IPEndPoint? connectTo, CancellationToken cancellationToken)
    {
        var host = "mta-sts." + domain;
        var url = "https://" + host + "/.well-known/mta-sts.txt";
        CertificateCheck? check = null;
        bool Validate(X509Certificate? cert, X509Chain? chain)
        {
            var ders = new List<byte[]>();
            if (cert is not null)
            {
                ders.Add(cert.GetRawCertData());
            }

            if (chain is not null)
            {
                ders.AddRange(chain.ChainElements.Cast<X509ChainElement>().Skip(1).Select(e => e.Certificate.RawData));
            }

            check = WebPkiValidator.Check(ders, host, trustedRoots, DateTimeOffset.UtcNow);
            return check.IsValid;
        }

#if NET8_0_OR_GREATER
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            MaxResponseHeadersLength = 16,
            SslOptions = new System.Net.Security.SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, chain, _) => Validate(cert, chain),
                // With the indexed system trust the check above builds the chain; the handshake's own has no roots
                // and must not fetch issuers meanwhile.
                CertificateChainPolicy = PlatformTrust.IsIndexed ? new X509ChainPolicy { DisableCertificateDownloads = true } : null,
            },
        };
        if (connectTo is not null)
        {
            handler.ConnectCallback = async (_, token) =>
            {
                var socket = new System.Net.Sockets.Socket(connectTo.AddressFamily, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                try
                {
                    await socket.ConnectAsync(connectTo, token).ConfigureAwait(false);
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }
#else
        _ = connectTo;
        var handler = new HttpClientHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ServerCertificateCustomValidationCallback = (_, cert, chain, _) => Validate(cert, chain),
        };
#endif
        using var client = new HttpClient(handler, disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.UserAgent.ParseAdd("MailFlowTools-MtaSts/1.0");
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is >= 300 and < 400)
            {
                return Fail(url, status, MtaStsStatus.FetchFailed, TlsResultType.StsPolicyFetchError, F("HTTP {0} redirect to {1}, which senders do not follow (RFC 8461 §3.3)", status, response.Headers.Location));
            }

            if (status != 200)
            {
                return Fail(url, status, MtaStsStatus.FetchFailed, TlsResultType.StsPolicyFetchError, F("HTTP {0} {1}", status, response.ReasonPhrase));
            }

            var type = response.Content.Headers.ContentType?.MediaType;
            if (!string.Equals(type, "text/plain", StringComparison.OrdinalIgnoreCase))
            {
                return Fail(url, status, MtaStsStatus.PolicyInvalid, TlsResultType.StsPolicyInvalid, "the media type is '" + (type ?? "none") + "', not text/plain (RFC 8461 §3.2)");
            }

            if (response.Content.Headers.ContentLength is > MaxBodyBytes)
            {
                return Fail(url, status, MtaStsStatus.FetchFailed, TlsResultType.StsPolicyFetchError, F("the policy is {0} bytes, over the {1}-byte limit senders apply", response.Content.Headers.ContentLength, MaxBodyBytes));
            }

#if NET8_0_OR_GREATER
            using var stream = await response.Content.ReadAsStreamAsync(deadline.Token).ConfigureAwait(false);
#else
            using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
#endif
            using var registration = deadline.Token.Register(() => stream.Dispose());
            var body = new MemoryStream();
            var buffer = new byte[8192];
            while (true)
            {
                var read = await stream.ReadAsync(buffer, 0, buffer.Length, deadline.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                if (body.Length + read > MaxBodyBytes)
                {
                    return Fail(url, status, MtaStsStatus.FetchFailed, TlsResultType.StsPolicyFetchError, F("the policy is larger than the {0}-byte limit senders apply", MaxBodyBytes));
                }

                body.Write(buffer, 0, read);
            }

            return new MtaStsFetch(url, status, MtaStsStatus.Valid, null, null, Encoding.UTF8.GetString(body.ToArray()));
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return Fail(url, null, MtaStsStatus.FetchFailed, TlsResultType.StsPolicyFetchError, F("no complete answer within {0:0.#} s", timeout.TotalSeconds));
        }
        catch (HttpRequestException ex) when (check is { IsValid: false } bad)
        {
            _ = ex;
            var reason = bad.Expired ? "expired" : !bad.NameMatches ? "not valid for " + host + " (" + string.Join(", ", bad.Names) + ")" : bad.Detail;
            return Fail(url, null, MtaStsStatus.PolicyCertificateInvalid, TlsResultType.StsWebPkiInvalid, "the certificate of " + host + " is " + reason);
        }
        catch (HttpRequestException ex)
        {
            return Fail(url, null, MtaStsStatus.FetchFailed, TlsResultType.StsPolicyFetchError, "the HTTPS request to " + host + " failed: " + Innermost(ex));
        }
    }

    private static string Innermost(Exception ex)
    {
        var e = ex;
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e.Message;
    }

    private static MtaStsFetch Fail(string url, int? status, MtaStsStatus kind, TlsResultType type, string problem) => new(url, status, kind, type, problem, null);

    private static string F(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
}
