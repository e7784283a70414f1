namespace MailFlowTools.Core.PathMtu;

/// <summary>Tally of every probe of one size.</summary>
internal sealed class SizeRecord
{
    public int Attempts { get; set; }

    public int Passed { get; set; }

    public int Lost { get; set; }

    public int TooBig { get; set; }

    public int LocalTooBig { get; set; }

    public int Unreachable { get; set; }

    public int Errors { get; set; }

    /// <summary>Probes that produced evidence about the path (errors before sending do not count).</summary>
    public int Failures => Lost + TooBig + Unreachable;

    public SizeStatus Status =>
        Passed > 0 ? SizeStatus.Passed
        : TooBig > 0 ? SizeStatus.TooBig
        : Lost + Unreachable > 0 ? SizeStatus.Lost
        : LocalTooBig > 0 ? SizeStatus.LocalTooBig
        : SizeStatus.Unknown;
}
