using System.Net;

namespace MailFlowTools.Core.Dns.Reachability;

/// <summary>One server address to probe, with the host name it came from when there is one.</summary>
public sealed class EdnsServerTarget
{
    public EdnsServerTarget(IPEndPoint endPoint, string? name = null)
    {
        EndPoint = endPoint;
        Name = name;
    }

    public IPEndPoint EndPoint { get; }

    public string? Name { get; }

    public override string ToString() => SystemDnsServers.Describe(EndPoint) + (Name is null ? string.Empty : " (" + Name + ")");
}
