using System;
using System.IO;

namespace MailFlowTools.Fuzz;

internal static class FixtureDirectory
{
    /// <summary>tests/Fixtures/<paramref name="kind"/> (dns, smtp) above the current directory or the program.</summary>
    public static string Find(string kind = "dns")
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "Fixtures", kind);
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return Path.Combine(Directory.GetCurrentDirectory(), "tests", "Fixtures", kind);
    }
}
