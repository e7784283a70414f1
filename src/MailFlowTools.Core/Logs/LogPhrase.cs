using System;
using System.Collections.Generic;

namespace MailFlowTools.Core.Logs;

/// <summary>One reason phrase an MTA writes, where it comes from, and what it means on the path.</summary>
public sealed class LogPhrase
{
    public LogPhrase(MtaKind mta, PathSignature signature, string impliedStatus, string source, params string[] parts)
    {
        Mta = mta;
        Signature = signature;
        ImpliedStatus = impliedStatus;
        Source = source;
        Parts = parts;
        _folded = Array.ConvertAll(parts, AsciiFolded.Of);
    }

    /// <summary>The parts in lower case, each null unless it is ASCII.</summary>
    private readonly string?[] _folded;

    /// <summary>The MTA whose catalogue holds the phrase; Unknown for system error texts every MTA quotes.</summary>
    public MtaKind Mta { get; }

    public PathSignature Signature { get; }

    /// <summary>The enhanced status the MTA gives this failure (Postfix's dsn=), used when the line has none.</summary>
    public string ImpliedStatus { get; }

    /// <summary>Where the words come from in the MTA's source or documentation.</summary>
    public string Source { get; }

    /// <summary>Every part must occur in the reason (case-insensitive), in any order.</summary>
    public IReadOnlyList<string> Parts { get; }

    /// <summary>The phrase as written in docs and evidence.</summary>
    public string Text => string.Join(" … ", Parts);

    public bool Matches(string reason)
    {
        foreach (var part in Parts)
        {
            if (reason.IndexOf(part, StringComparison.OrdinalIgnoreCase) < 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <see cref="Matches"/> for a reason that <see cref="AsciiFolded.Of"/> folded: an ordinal search gives the same
    /// answer there as a case-insensitive one over the original.
    /// </summary>
    internal bool MatchesFolded(ReadOnlySpan<char> folded)
    {
        for (var i = 0; i < _folded.Length; i++)
        {
            var part = _folded[i];
            if (part is null ? folded.IndexOf(Parts[i].AsSpan(), StringComparison.OrdinalIgnoreCase) < 0 : folded.IndexOf(part.AsSpan()) < 0)
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => Text;
}
