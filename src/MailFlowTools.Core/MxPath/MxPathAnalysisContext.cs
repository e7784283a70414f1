using System.Collections.Generic;
using MailFlowTools.Core.Findings;

namespace MailFlowTools.Core.MxPath;

/// <summary>What the analyzer's rules look at for one domain.</summary>
internal sealed class MxPathAnalysisContext
{
    public MxPathAnalysisContext(string domain, MxPathOptions options, MxPathResolution resolution, MxPathHop[] hops, MxPathHop? selected, bool reachable, IReadOnlyList<PortControlCheck> controlChecks, IReadOnlyList<IReadOnlyList<Finding>> hopFindings)
    {
        HopFindings = hopFindings;
        Domain = domain;
        Options = options;
        Resolution = resolution;
        Hops = hops;
        Selected = selected;
        Reachable = reachable;
        ControlChecks = controlChecks;
    }

    public string Domain { get; }

    public MxPathOptions Options { get; }

    public MxPathResolution Resolution { get; }

    public MxPathHop[] Hops { get; }

    public MxPathHop? Selected { get; }

    public bool Reachable { get; }

    public IReadOnlyList<PortControlCheck> ControlChecks { get; }

    /// <summary>Per hop (same index as <see cref="Hops"/>), the findings its SMTP session raised.</summary>
    public IReadOnlyList<IReadOnlyList<Finding>> HopFindings { get; }
}
