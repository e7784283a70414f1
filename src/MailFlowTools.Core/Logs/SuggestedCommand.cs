using System.Collections.Generic;
using MailFlowTools.Core.Results;

namespace MailFlowTools.Core.Logs;

/// <summary>
/// A next command with the host, address or domain from the log filled in. Its ComputerName, DomainName and
/// MessageSize bind by property name when it is piped to its cmdlet; in PowerShell its ScriptBlock runs the
/// whole command line.
/// </summary>
public sealed class SuggestedCommand
{
    /// <summary>The cmdlet (or CLI verb) to run.</summary>
    public string Cmdlet { get; init; } = string.Empty;

    /// <summary>The address (or host name) to test, for Get-SmtpStageTiming and Find-MtuBlackHole.</summary>
    public string? ComputerName { get; init; }

    /// <summary>The recipient domain, for Test-MxPath, Test-EdnsReachability and Debug-MailFlow.</summary>
    public string? DomainName { get; init; }

    /// <summary>Get-SmtpStageTiming's message size, when the phrase needs message data to show the fault.</summary>
    public int? MessageSize { get; init; }

    private IReadOnlyDictionary<string, string> _parameters = Readable.Map<string, string>(null);

    /// <summary>The other named parameters, as they are written on the command line (a readable map; rebuilt from any dictionary).</summary>
    public IReadOnlyDictionary<string, string> Parameters { get => _parameters; init => _parameters = Readable.Map(value); }

    /// <summary>The PowerShell command line, e.g. "Find-MtuBlackHole 203.0.113.5 -Method Sweep".</summary>
    public string CommandLine { get; init; } = string.Empty;

    /// <summary>The same for the CLI: "mailflow Find-MtuBlackHole 203.0.113.5 --method Sweep".</summary>
    public string CliCommandLine { get; init; } = string.Empty;

    /// <summary>What the command shows for this failure.</summary>
    public string Purpose { get; init; } = string.Empty;

    public override string ToString() => CommandLine;

    internal static SuggestedCommand Create(string cmdlet, string target, bool targetIsDomain, string purpose, params (string Name, string Value)[] parameters)
    {
        var ps = cmdlet + " " + target;
        var cli = "mailflow " + cmdlet + " " + target;
        var map = new Dictionary<string, string>();
        int? size = null;
        foreach (var (name, value) in parameters)
        {
            ps += " -" + name + (value.Length == 0 ? string.Empty : " " + value);
            cli += " --" + Kebab(name) + (value.Length == 0 ? string.Empty : " " + value);
            map[name] = value;
            if (name == "MessageSize" && int.TryParse(value, out var n))
            {
                size = n;
            }
        }

        return new SuggestedCommand
        {
            Cmdlet = cmdlet,
            ComputerName = targetIsDomain ? null : target,
            DomainName = targetIsDomain ? target : null,
            MessageSize = size,
            Parameters = Readable.Map(map),
            CommandLine = ps,
            CliCommandLine = cli,
            Purpose = purpose,
        };
    }

    private static string Kebab(string name)
    {
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                sb.Append('-');
            }

            sb.Append(char.ToLowerInvariant(name[i]));
        }

        return sb.ToString();
    }
}
