using System;
using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Fuzz;

/// <summary>
/// dotnet run --project tests/MailFlowTools.Fuzz -- run [iterations] [seed] [fixtures-dir]
/// dotnet run --project tests/MailFlowTools.Fuzz -- capture SERVER[:port] [out-dir]   (in the lab: ip netns exec mfl-client …)
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var verb = args.Length > 0 ? args[0] : "run";
        switch (verb)
        {
            case "run":
                var iterations = args.Length > 1 ? long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
                var seed = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 20240601;
                var dir = args.Length > 3 ? args[3] : FixtureDirectory.Find();
                return ReaderFuzzer.Run(dir, iterations, seed, Console.Out);
            case "capture":
                if (args.Length < 2)
                {
                    Console.Error.WriteLine("capture SERVER[:port] [out-dir]");
                    return 2;
                }

                return await AnswerCapture.RunAsync(args[1], args.Length > 2 ? args[2] : FixtureDirectory.Find(), Console.Out, CancellationToken.None);
            default:
                Console.Error.WriteLine("usage: run [iterations] [seed] [fixtures-dir] | capture SERVER[:port] [out-dir]");
                return 2;
        }
    }
}
