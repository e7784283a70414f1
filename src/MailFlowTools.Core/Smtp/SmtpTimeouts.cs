using System;
using MailFlowTools.Core.Errors;

namespace MailFlowTools.Core.Smtp;

/// <summary>Per-stage timeouts. <see cref="Rfc5321"/> holds the minimums of RFC 5321 §4.5.3.2.</summary>
public sealed class SmtpTimeouts
{
    /// <summary>RFC 5321 §4.5.3.2: initial 5 min, MAIL 5 min, RCPT 5 min, DATA initiation 2 min, data block 3 min, DATA termination 10 min.</summary>
    public static readonly SmtpTimeouts Rfc5321 = new()
    {
        Connect = TimeSpan.FromMinutes(5),
        Banner = TimeSpan.FromMinutes(5),
        Command = TimeSpan.FromMinutes(5),
        TlsHandshake = TimeSpan.FromMinutes(5),
        MailFrom = TimeSpan.FromMinutes(5),
        RcptTo = TimeSpan.FromMinutes(5),
        DataInitiation = TimeSpan.FromMinutes(2),
        DataBlock = TimeSpan.FromMinutes(3),
        DataTermination = TimeSpan.FromMinutes(10),
    };

    public TimeSpan Connect { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The 220 greeting ("initial 220 message").</summary>
    public TimeSpan Banner { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>EHLO, HELO, STARTTLS, AUTH, QUIT.</summary>
    public TimeSpan Command { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan TlsHandshake { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan MailFrom { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan RcptTo { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The 354 after DATA.</summary>
    public TimeSpan DataInitiation { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Message data: the longest time without progress (a write or a new acknowledgement).</summary>
    public TimeSpan DataBlock { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The reply after the final ".".</summary>
    public TimeSpan DataTermination { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The connect and greeting waits apart, every command (and data) wait the same: the MX walk's and the diagnosis' shape.</summary>
    public static SmtpTimeouts Of(TimeSpan connect, TimeSpan banner, TimeSpan command) => new()
    {
        Connect = connect,
        Banner = banner,
        Command = command,
        TlsHandshake = command,
        MailFrom = command,
        RcptTo = command,
        DataInitiation = command,
        DataBlock = command,
        DataTermination = command,
    };

    /// <summary>Every wait the same.</summary>
    public static SmtpTimeouts Uniform(TimeSpan timeout) => timeout <= TimeSpan.Zero ? throw new ArgumentOutOfRangeException(nameof(timeout)) : Of(timeout, timeout, timeout);

    /// <summary>Largest -TimeoutSeconds: an hour per stage is already far past any server's own timeout.</summary>
    public const double MaxSeconds = 3600;

    /// <summary>
    /// The cmdlet's -TimeoutSeconds: 0 selects <see cref="Rfc5321"/>, otherwise the same value for every stage.
    /// Throws an invalid-invocation ValueOutOfRange error for negative, NaN, infinite or over-large values.
    /// </summary>
    public static SmtpTimeouts FromSeconds(double seconds)
    {
        // Written so NaN fails too (every comparison with NaN is false).
        if (!(seconds >= 0 && seconds <= MaxSeconds))
        {
            throw MailFlowException.InvalidArgument(
                ErrorIds.ValueOutOfRange,
                FormattableString.Invariant($"-TimeoutSeconds must be 0 (the RFC 5321 timeouts) or more than 0 and at most {MaxSeconds}; got {seconds}."),
                "TimeoutSeconds=" + seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return seconds == 0 ? Rfc5321 : Uniform(TimeSpan.FromSeconds(seconds));
    }
}
