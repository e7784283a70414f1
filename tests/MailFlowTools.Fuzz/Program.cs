using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Fuzz;

/// <summary>
/// dotnet run --project tests/MailFlowTools.Fuzz -c Release -- dns [iterations] [seed] [fixtures-dir]    (also: run)
/// dotnet run --project tests/MailFlowTools.Fuzz -c Release -- smtp [iterations] [seed] [fixtures-dir]
/// dotnet run --project tests/MailFlowTools.Fuzz -- capture SERVER[:port] [out-dir]        (DNS answers; in the lab: ip netns exec mfl-client …)
/// dotnet run --project tests/MailFlowTools.Fuzz -- capture-smtp SERVER[:port] [out-dir]   (SMTP replies, never delivers)
/// tests/bench/fuzz.sh runs both fuzzers with a million inputs each.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var verb = args.Length > 0 ? args[0] : "dns";
        switch (verb)
        {
            case "run":
            case "dns":
                return ReaderFuzzer.Run(args.Length > 3 ? args[3] : FixtureDirectory.Find("dns"), Iterations(args), Seed(args), Console.Out);
            case "smtp":
                return ReplyFuzzer.Run(args.Length > 3 ? args[3] : FixtureDirectory.Find("smtp"), Iterations(args), Seed(args), Console.Out);
            case "capture":
            case "capture-smtp":
                if (args.Length < 2)
                {
                    Console.Error.WriteLine(verb + " SERVER[:port] [out-dir]");
                    return 2;
                }

                return verb == "capture"
                    ? await AnswerCapture.RunAsync(args[1], args.Length > 2 ? args[2] : FixtureDirectory.Find("dns"), Console.Out, CancellationToken.None)
                    : await ReplyCapture.RunAsync(args[1], args.Length > 2 ? args[2] : FixtureDirectory.Find("smtp"), Console.Out, CancellationToken.None);
            default:
                Console.Error.WriteLine("usage: dns|smtp [iterations] [seed] [fixtures-dir] | capture|capture-smtp SERVER[:port] [out-dir]");
                return 2;
        }
    }

    private static long Iterations(string[] args) => args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;

    private static int Seed(string[] args) => args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20240601;
}
