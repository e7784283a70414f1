namespace MailFlowTools.Core.MxPath;

/// <summary>A bare connect to another port of an MX address whose port 25 timed out.</summary>
internal sealed class PortControlCheck
{
    public PortControlCheck(string address, int port, PortCheckOutcome outcome, double elapsedMs)
    {
        Address = address;
        Port = port;
        Outcome = outcome;
        ElapsedMs = elapsedMs;
    }

    public string Address { get; }

    public int Port { get; }

    public PortCheckOutcome Outcome { get; }

    public double ElapsedMs { get; }

    /// <summary>Connected or refused: either way the host answered, so it is reachable.</summary>
    public bool HostAnswered => Outcome is PortCheckOutcome.Connected or PortCheckOutcome.Refused;
}
