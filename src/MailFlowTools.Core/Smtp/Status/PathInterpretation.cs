using System.Collections.Generic;

namespace MailFlowTools.Core.Smtp.Status;

/// <summary>What a status means for the network path, and which MailFlowTools cmdlets test each possibility.</summary>
public sealed class PathInterpretation
{
    public PathInterpretation(string text, IReadOnlyList<string> suggestedCmdlets, bool pointsAtNetworkPath)
    {
        Text = text;
        SuggestedCmdlets = suggestedCmdlets;
        PointsAtNetworkPath = pointsAtNetworkPath;
    }

    public string Text { get; }

    /// <summary>Cmdlet names, most useful first.</summary>
    public IReadOnlyList<string> SuggestedCmdlets { get; }

    /// <summary>True when the status is typical of a network-path failure rather than policy or content.</summary>
    public bool PointsAtNetworkPath { get; }
}
