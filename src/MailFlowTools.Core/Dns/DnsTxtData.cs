using System.Collections.Generic;

namespace MailFlowTools.Core.Dns;

/// <summary>TXT: one or more character strings, decoded as UTF-8.</summary>
public sealed class DnsTxtData : DnsRecordData
{
    public DnsTxtData(IReadOnlyList<string> strings)
    {
        Strings = strings;
    }

    public IReadOnlyList<string> Strings { get; }

    public string Text => string.Concat(Strings);

    public override string ToString() => Text;
}
