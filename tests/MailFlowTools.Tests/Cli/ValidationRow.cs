namespace MailFlowTools.Tests.Cli;

/// <summary>
/// One row of the input-validation table: a CLI invocation, its exit code, the stable error ID on stderr, the
/// words the one-line message must contain (the parameter and the accepted range or form), and for a bad item
/// among good ones, how many results still come out (--json). "{dns}" in an argument is the fixture's DNS server.
/// </summary>
public sealed record ValidationRow(
    string Name,
    string[] Args,
    int ExitCode,
    string? ErrorId,
    string[] Mentions,
    int? Results = null,
    bool Unprivileged = false,
    string? FindingCode = null,
    string? JsonValue = null)
{
    public override string ToString() => Name;
}
