using System.Collections.Generic;
using MailFlowTools.Core.Errors;

namespace MailFlowTools.Cli.Streaming;

/// <summary>
/// The CLI-wide switches that shape output and batches (not cmdlet parameters, so no verb declares them):
/// --json, --json-lines, --ordered, --resume FILE.
/// </summary>
public sealed class StreamSwitches
{
    public OutputMode Mode { get; private set; } = OutputMode.Text;

    public bool Ordered { get; private set; }

    public string? ResumePath { get; private set; }

    /// <summary>Takes the switches out of <paramref name="args"/>; throws InvalidUsage for a bad combination.</summary>
    public static StreamSwitches Extract(List<string> args)
    {
        var switches = new StreamSwitches();
        var json = args.Remove("--json");
        var jsonLines = args.Remove("--json-lines");
        if (json && jsonLines)
        {
            throw Usage("Give --json or --json-lines, not both.");
        }

        switches.Mode = json ? OutputMode.Json : jsonLines ? OutputMode.JsonLines : OutputMode.Text;
        switches.Ordered = args.Remove("--ordered");
        for (var i = 0; i < args.Count; i++)
        {
            string? path = null;
            if (args[i] == "--resume")
            {
                if (i + 1 >= args.Count)
                {
                    throw Usage("--resume needs a file: the JSON Lines output (--json-lines) of an earlier run.");
                }

                path = args[i + 1];
                args.RemoveRange(i, 2);
            }
            else if (args[i].StartsWith("--resume=", System.StringComparison.Ordinal))
            {
                path = args[i].Substring("--resume=".Length);
                args.RemoveAt(i);
            }

            if (path is not null)
            {
                if (switches.ResumePath is not null)
                {
                    throw Usage("--resume was given more than once.");
                }

                switches.ResumePath = path;
                i--;
            }
        }

        return switches;
    }

    private static MailFlowException Usage(string message) => MailFlowException.InvalidArgument(ErrorIds.InvalidUsage, message);
}
