using System;
using System.Collections.Generic;

namespace MailFlowTools.Core.Smtp;

/// <summary>After the mail port failed: which other ports of the same address connected and which failed (port=outcome).</summary>
public sealed class PortBlockCheck
{
    public IReadOnlyList<int> ReachablePorts { get; init; } = Array.Empty<int>();

    public IReadOnlyList<string> FailedPorts { get; init; } = Array.Empty<string>();
}
