using System;

namespace MailFlowTools.Core.Smtp.Status;

/// <summary>
/// Reads a status the way a mail admin chasing a path problem would: which failure it usually hides,
/// and which MailFlowTools cmdlet proves or rules out each cause.
/// </summary>
public static class PathInterpreter
{
    private const string MxPath = "Test-MxPath";
    private const string Edns = "Test-EdnsReachability";
    private const string Stages = "Get-SmtpStageTiming";
    private const string Mtu = "Find-MtuBlackHole";
    private const string Debug = "Debug-MailFlow";

    public static PathInterpretation Interpret(EnhancedStatusCode? status, int? replyCode)
    {
        if (status is { } s)
        {
            var byCode = ForEnhanced(s);
            if (byCode is not null)
            {
                return byCode;
            }
        }

        return ForReplyCode(replyCode);
    }

    private static PathInterpretation? ForEnhanced(EnhancedStatusCode s)
    {
        if (s.Class == 2)
        {
            return new PathInterpretation("The action succeeded; there is nothing to troubleshoot on the path.", Array.Empty<string>(), false);
        }

        switch (s.Subject, s.Detail)
        {
            case (4, 7):
                return new PathInterpretation(
                    "Delivery time expired: the message sat in the queue until it aged out. 4.4.7 hides the first real failure: "
                    + "4.4.1 (no answer from the host: TCP or banner never came), 4.4.2 (the connection broke mid-session: a stall, "
                    + "PMTU black hole or middlebox), or 4.4.3 (DNS failed: often large EDNS answers lost to dropped fragments). "
                    + "Read the queue's LastError for the first failure, and test each possibility.",
                    new[] { Debug, MxPath, Edns, Stages, Mtu },
                    true);
            case (4, 1):
                return new PathInterpretation(
                    "No answer from the host: the TCP connection or the 220 banner never came. Check whether the MX accepts TCP but never greets, "
                    + "and whether the sender fails over to the next MX.",
                    new[] { MxPath, Stages },
                    true);
            case (4, 2):
                return new PathInterpretation(
                    "Bad connection: the session started and then broke. Typical causes are a path that stops forwarding mid-DATA, "
                    + "a PMTU black hole that eats full-size segments, or a middlebox that loses particular segment sizes.",
                    new[] { Stages, Mtu, MxPath },
                    true);
            case (4, 3):
                return new PathInterpretation(
                    "Directory server failure: the sender's DNS lookup failed. Large DNSSEC-signed answers lost to dropped UDP fragments, "
                    + "with no TCP fallback, look exactly like this.",
                    new[] { Edns, MxPath },
                    true);
            case (4, 4):
                return new PathInterpretation(
                    "Unable to route: no usable MX or address was found (null MX, NXDOMAIN, or MX targets without addresses).",
                    new[] { MxPath, Edns },
                    true);
            case (4, 0):
                return new PathInterpretation(
                    "An unspecified network or routing failure: the reply text usually names the stage (connect, banner, DNS, data).",
                    new[] { MxPath, Stages, Edns, Mtu },
                    true);
            case (4, 5):
                return new PathInterpretation(
                    "Mail system congestion: the receiver is deferring; retry later or check its throttling. The path is usually fine.",
                    new[] { Stages },
                    false);
            case (4, 6):
                return new PathInterpretation("A routing loop: check MX records, smart hosts and send connectors for a cycle.", new[] { MxPath }, false);
            case (1, 10):
            case (7, 27):
                return new PathInterpretation("The domain publishes a null MX (RFC 7505): it accepts no mail by design.", new[] { MxPath }, false);
            case (1, 2):
                return new PathInterpretation("Bad destination system address: the domain or its MX may not exist in DNS.", new[] { MxPath, Edns }, true);
        }

        if (s.Subject == 4)
        {
            return new PathInterpretation(
                "A network or routing status with a vendor-specific detail code; test the MX path and the session stages.",
                new[] { MxPath, Stages, Edns },
                true);
        }

        return null;
    }

    private static PathInterpretation ForReplyCode(int? replyCode)
    {
        return replyCode switch
        {
            421 => new PathInterpretation(
                "The server closed the channel. After DATA with no other reply, '421 … timeout exceeded' means the data stopped arriving: "
                + "look for a stall mid-transfer or a PMTU black hole.",
                new[] { Stages, Mtu },
                true),
            null => new PathInterpretation("No status code was found.", Array.Empty<string>(), false),
            >= 200 and < 400 => new PathInterpretation("The action succeeded or is in progress.", Array.Empty<string>(), false),
            >= 500 => new PathInterpretation(
                "A permanent rejection by the receiving server: a policy or address problem, not a path problem.",
                Array.Empty<string>(),
                false),
            _ => new PathInterpretation(
                "A temporary failure reported by the receiving server; if it repeats, test the MX path.",
                new[] { MxPath },
                false),
        };
    }
}
