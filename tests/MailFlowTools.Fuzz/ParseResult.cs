using System.Collections.Generic;
using System.Linq;
using MailFlowTools.Core.Smtp;

namespace MailFlowTools.Fuzz;

/// <summary>What <see cref="ReplyFuzzer"/> saw when feeding one input: the replies, the typed error, a broken property.</summary>
internal sealed class ParseResult
{
    public List<string> Replies { get; } = new();

    public SmtpProtocolError? Error { get; set; }

    /// <summary>The input ended inside a reply.</summary>
    public bool Partial { get; set; }

    /// <summary>A property the parser broke (a finding), or null.</summary>
    public string? Violation { get; set; }

    public bool SameAs(ParseResult other) =>
        Replies.SequenceEqual(other.Replies) && Error == other.Error && (Error is not null || Partial == other.Partial);
}
