using System;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Tests.Smtp;

/// <summary>
/// The per-stage deadline: when it fires the connection is aborted, so the stage is a Timeout even if the operation
/// then completes (a TLS handshake busy in certificate validation cannot notice the abort until it has finished).
/// </summary>
public sealed class SmtpDeadlineTests
{
    [Fact]
    public async Task An_operation_that_finishes_after_its_deadline_aborted_the_connection_is_a_timeout()
    {
        var aborted = 0;
        var ex = await Assert.ThrowsAsync<SmtpConnectionException>(() => SmtpConnection.RunWithDeadline(
            async token =>
            {
                // Busy past the deadline without looking at the token, then "succeed".
                await Task.Delay(300, CancellationToken.None);
                return true;
            },
            () => Interlocked.Increment(ref aborted),
            TimeSpan.FromMilliseconds(50),
            "TLS handshake",
            true,
            CancellationToken.None));

        Assert.Equal(SmtpStageOutcome.Timeout, ex.Outcome);
        Assert.Equal(1, Volatile.Read(ref aborted));
        Assert.Contains("TLS handshake", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operation_within_its_deadline_returns_its_result_and_does_not_abort()
    {
        var aborted = 0;
        var result = await SmtpConnection.RunWithDeadline(
            async token =>
            {
                await Task.Delay(10, token);
                return 42;
            },
            () => Interlocked.Increment(ref aborted),
            TimeSpan.FromSeconds(30),
            "reply",
            false,
            CancellationToken.None);

        Assert.Equal(42, result);
        Assert.Equal(0, Volatile.Read(ref aborted));
    }

    [Fact]
    public async Task Cancellation_that_arrives_as_the_operation_finishes_is_a_cancellation()
    {
        using var cancel = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => SmtpConnection.RunWithDeadline(
            async token =>
            {
                cancel.Cancel();
                await Task.Delay(50, CancellationToken.None);
                return true;
            },
            () => { },
            TimeSpan.FromSeconds(30),
            "reply",
            false,
            cancel.Token));
    }
}
