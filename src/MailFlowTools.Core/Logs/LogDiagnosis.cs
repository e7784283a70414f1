using System.Collections.Generic;

namespace MailFlowTools.Core.Logs;

/// <summary>What one log entry means on the path: the phrase found, its signature and the commands to run.</summary>
public sealed class LogDiagnosis
{
    private LogDiagnosis(LogPhrase? phrase, PathSignature signature, string? target, string? domain)
    {
        Phrase = phrase;
        Signature = signature;
        Target = target;
        Domain = domain;
        Commands = PathSignatureCatalog.Commands(signature, target, domain);
    }

    public LogPhrase? Phrase { get; }

    public PathSignature Signature { get; }

    /// <summary>The address the line names, else its host name.</summary>
    public string? Target { get; }

    public string? Domain { get; }

    public IReadOnlyList<SuggestedCommand> Commands { get; }

    public static LogDiagnosis Of(MtaLogEntry entry, string? domain = null)
    {
        var phrase = LogPhraseTable.Match(entry.Reason, entry.RemoteReply);
        return new LogDiagnosis(phrase, SignatureOf(entry, phrase), entry.RelayAddress ?? entry.RelayHost, entry.RecipientDomain ?? domain);
    }

    /// <summary>The phrase's signature; else the class of the remote reply the line quotes.</summary>
    public static PathSignature SignatureOf(MtaLogEntry entry, LogPhrase? phrase)
    {
        if (phrase is not null)
        {
            return phrase.Signature;
        }

        var reply = entry.RemoteReply;
        if (reply is { Length: > 0 })
        {
            return reply[0] == '5' ? PathSignature.RemoteRejected : reply[0] == '4' ? PathSignature.RemoteDeferred : PathSignature.None;
        }

        return PathSignature.None;
    }
}
