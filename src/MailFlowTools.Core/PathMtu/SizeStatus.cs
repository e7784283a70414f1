namespace MailFlowTools.Core.PathMtu;

/// <summary>What all probes of one size add up to.</summary>
internal enum SizeStatus
{
    /// <summary>No usable probe yet (untested, or only local send errors).</summary>
    Unknown,

    /// <summary>At least one probe crossed the path.</summary>
    Passed,

    /// <summary>No probe crossed and the path said "too big".</summary>
    TooBig,

    /// <summary>No probe crossed and nothing came back (or only unreachable errors).</summary>
    Lost,

    /// <summary>The local stack refused the size: above the outgoing interface MTU.</summary>
    LocalTooBig,
}
