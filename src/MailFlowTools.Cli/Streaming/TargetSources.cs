using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Cli.Streaming;

/// <summary>Targets as a stream: from the command line, or line by line from standard input as it arrives.</summary>
public static class TargetSources
{
    public static async IAsyncEnumerable<T> From<T>(IEnumerable<T> targets)
    {
        foreach (var target in targets)
        {
            yield return target;
        }

        await Task.CompletedTask;
    }

    /// <summary>One name per line; blank lines and # comments are skipped, so a list file can be piped as it is.</summary>
    public static async IAsyncEnumerable<string> Lines(TextReader reader, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? line;
        while ((line = await reader.ReadLineAsync(cancellationToken)) is not null)
        {
            var text = line.Trim();
            if (text.Length > 0 && text[0] != '#')
            {
                yield return text;
            }
        }
    }
}
