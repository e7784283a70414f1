namespace MailFlowTools.Core.Dns.Reachability;

/// <summary>Why a probe was sent.</summary>
// long, not int: ConvertTo-Json (Windows PowerShell 5.1 and PowerShell 7) writes 64-bit enums by name (docs/architecture.md).
public enum EdnsProbeKind : long
{
    /// <summary>Part of the buffer-size × transport matrix.</summary>
    Matrix,

    /// <summary>A bisection step between the largest buffer that worked and the smallest that did not.</summary>
    Bisection,

    /// <summary>Compliance: EDNS version 1 must get BADVERS.</summary>
    UnknownVersion,

    /// <summary>Compliance: an unknown option must be ignored, not echoed.</summary>
    UnknownOption,

    /// <summary>Compliance: an unknown EDNS flag must be ignored, not echoed.</summary>
    UnknownFlag,

    /// <summary>Compliance: a truncated answer to an EDNS query must still carry OPT.</summary>
    TruncatedOpt,
}
