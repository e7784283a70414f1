namespace MailFlowTools.Core.TlsPolicy;

/// <summary>The result of checking a TLSA RRset against a presented chain.</summary>
public sealed class TlsaMatch
{
    public TlsaMatch(TlsaMatchOutcome outcome, TlsaRecord? record, int usableRecords)
    {
        Outcome = outcome;
        Record = record;
        UsableRecords = usableRecords;
    }

    public TlsaMatchOutcome Outcome { get; }

    /// <summary>The record that matched (or whose trust anchor matched).</summary>
    public TlsaRecord? Record { get; }

    public int UsableRecords { get; }
}
