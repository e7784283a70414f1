using System.Net;

namespace MailFlowTools.Core.MxPath;

/// <summary>One address to try, in walk order.</summary>
internal sealed class MxHopPlan
{
    public MxHopPlan(int order, MxPathTarget target, IPAddress address, MxAddressFamily family)
    {
        Order = order;
        Target = target;
        Address = address;
        Family = family;
    }

    /// <summary>1-based.</summary>
    public int Order { get; }

    public MxPathTarget Target { get; }

    public IPAddress Address { get; }

    public MxAddressFamily Family { get; }
}
