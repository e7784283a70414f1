using System.Collections.Generic;

namespace MailFlowTools.Core.Findings;

/// <summary>
/// The one definition of <see cref="FindingCodes.ServerUnreachable"/>, which the DNS, SMTP and path-MTU engines all
/// raise: the same sentence shape and the same evidence keys (Server, Port, Outcome, Detail) whoever raises it.
/// </summary>
public static class ReachabilityFindings
{
    /// <param name="server">Who did not answer ("198.51.100.7 (ns1.lab.test)", "mx1 (192.0.2.25) port 25").</param>
    /// <param name="detail">What happened, for the sentence ("none of 12 queries over UDP or TCP got an answer").</param>
    /// <param name="recommendation">What to check, for this kind of server.</param>
    /// <param name="port">The port tried, 0 when more than one (DNS over UDP and TCP).</param>
    /// <param name="outcome">The outcome or outcomes seen, as a short machine-readable string.</param>
    public static Finding ServerUnreachable(string server, string detail, string recommendation, int port, string outcome) => Finding.Error(
        FindingCodes.ServerUnreachable,
        server + " is unreachable: " + detail + ".",
        recommendation,
        new Dictionary<string, object>
        {
            ["Server"] = server,
            ["Port"] = port,
            ["Outcome"] = outcome,
            ["Detail"] = detail,
        });
}
