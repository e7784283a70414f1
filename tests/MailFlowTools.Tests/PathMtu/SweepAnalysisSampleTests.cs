using MailFlowTools.Core.PathMtu;

namespace MailFlowTools.Tests.PathMtu;

/// <summary>Which attempt of a size the envelope sweep reports, and that sizes it could not run are neither passing nor failing.</summary>
public class SweepAnalysisSampleTests
{
    [Fact]
    public void AFailingSizeReportsItsLastFailure()
    {
        var entry = Assert.Single(SweepAnalysis.From(new[]
        {
            new SweepAttemptResult { PayloadSize = 513, Attempt = 1, Commands = 11, RepliesReceived = 2, Detail = "first" },
            new SweepAttemptResult { PayloadSize = 513, Attempt = 2, Completed = true, Commands = 11, RepliesReceived = 11, ReplyMs = 4, Detail = "passed" },
            new SweepAttemptResult { PayloadSize = 513, Attempt = 3, Commands = 11, RepliesReceived = 5, Detail = "last" },
        }).Entries);

        Assert.Equal(("last", 5, 4.0, true, 2), (entry.Detail, entry.RepliesReceived, entry.ReplyMs, entry.Intermittent, entry.Failures));
    }

    [Fact]
    public void APassingSizeReportsItsFirstSuccess()
    {
        var entry = Assert.Single(SweepAnalysis.From(new[]
        {
            new SweepAttemptResult { PayloadSize = 600, Attempt = 1, Completed = true, Commands = 11, RepliesReceived = 11, Detail = "first" },
            new SweepAttemptResult { PayloadSize = 600, Attempt = 2, Completed = true, Commands = 11, RepliesReceived = 10, Detail = "second" },
        }).Entries);

        Assert.Equal(("first", 11), (entry.Detail, entry.RepliesReceived));
    }

    [Fact]
    public void ASizeThatNeverRanReportsItsLastAttemptAndIsNeitherPassingNorFailing()
    {
        var analysis = SweepAnalysis.From(new[]
        {
            new SweepAttemptResult { PayloadSize = 700, Attempt = 1, CouldNotRun = true, Commands = 11, Detail = "refused" },
            new SweepAttemptResult { PayloadSize = 700, Attempt = 2, CouldNotRun = true, Commands = 11, Detail = "timed out" },
        });

        Assert.Equal("timed out", Assert.Single(analysis.Entries).Detail);
        Assert.Equal(new[] { 700 }, analysis.NotRun);
        Assert.Empty(analysis.Passing);
        Assert.Empty(analysis.Failing);
    }
}
