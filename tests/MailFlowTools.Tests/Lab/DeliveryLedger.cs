using System;
using System.IO;

namespace MailFlowTools.Tests.Lab;

/// <summary>
/// The messages tests deliver to the lab's Postfix on purpose (--deliver, and the swaks and probe self-tests that
/// prove Postfix delivers), one line per message: queue ID, recipient, test. tests/run.sh sets
/// MAILFLOW_DELIVERY_LEDGER and, after the suite, requires the messages Postfix delivered and queued meanwhile
/// (lab.sh deliveries) to be exactly these, message by message: anything else was delivered by accident, and an
/// intended message that is missing cannot hide an accidental one.
/// </summary>
public static class DeliveryLedger
{
    public const string EnvironmentVariable = "MAILFLOW_DELIVERY_LEDGER";

    private static readonly object Gate = new();

    /// <summary>Call once the delivery is confirmed in Postfix's log (see <see cref="LabFixture.ConfirmDelivered"/>).</summary>
    public static void Record(string test, string queueId, string recipient)
    {
        // Outside tests/run.sh no ledger is kept; the per-test checks still run.
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is not { Length: > 0 } path)
        {
            return;
        }

        lock (Gate)
        {
            File.AppendAllText(path, queueId + "\t" + recipient + "\t" + test + "\n");
        }
    }
}
