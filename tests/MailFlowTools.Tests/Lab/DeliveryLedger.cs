using System;
using System.Globalization;
using System.IO;

namespace MailFlowTools.Tests.Lab;

/// <summary>
/// The messages tests deliver to the lab's Postfix on purpose (--deliver, and the swaks self-tests that prove
/// Postfix delivers). tests/run.sh sets MAILFLOW_DELIVERY_LEDGER and, after the suite, requires Postfix's count
/// of delivered and queued messages to equal the ledger's sum exactly: anything else was delivered by accident.
/// </summary>
public static class DeliveryLedger
{
    public const string EnvironmentVariable = "MAILFLOW_DELIVERY_LEDGER";

    private static readonly object Gate = new();

    /// <summary>Call once the delivery is confirmed in Postfix's log.</summary>
    public static void Record(string test, int messages)
    {
        var path = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        lock (Gate)
        {
            File.AppendAllText(path, string.Create(CultureInfo.InvariantCulture, $"{messages}\t{test}\n"));
        }
    }
}
