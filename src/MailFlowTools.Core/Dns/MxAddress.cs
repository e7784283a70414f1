namespace MailFlowTools.Core.Dns;

/// <summary>One address of an MX target.</summary>
public sealed class MxAddress
{
    public string Address { get; init; } = string.Empty;

    public DnsAddressFamily Family { get; init; }

    public override string ToString() => Address;
}
