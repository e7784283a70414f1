using System;
using System.Collections.Generic;
using System.Linq;
using MailFlowTools.Core.Diagnosis;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.MxPath;
using MailFlowTools.Core.PathMtu;
using MailFlowTools.Core.Smtp;
using MailFlowTools.Tests.Infrastructure;
using Xunit;

namespace MailFlowTools.Tests.Surface;

/// <summary>
/// A cmdlet's ValidateRange and its options' own check cannot drift apart: every range attribute on a cmdlet
/// parameter is listed here with the options' constants, the attribute must carry exactly those bounds, and the
/// options (through the FromParameters the cmdlet and its CLI verb share) must accept both bounds and refuse
/// one step beyond each.
/// </summary>
public sealed class ParameterRangeTests
{
    private sealed record Expected(string Cmdlet, string Parameter, string Attribute, double Min, double Max, Action<double> Build, double Step = 1);

    private static readonly Expected[] Table =
    {
        new("Get-SmtpStageTiming", "Port", "ValidateRange", SmtpStageTimingOptions.MinPort, SmtpStageTimingOptions.MaxPort, v => Smtp(port: (int)v)),
        new("Get-SmtpStageTiming", "MessageSize", "ValidateRange", 0, SmtpStageTimingOptions.MaxMessageSize, v => Smtp(messageSize: (int)v)),
        new("Get-SmtpStageTiming", "EnvelopeSize", "ValidateRange", 0, SmtpStageTimingOptions.MaxEnvelopeSize, v => Smtp(envelopeSize: (int)v)),
        new("Get-SmtpStageTiming", "SegmentSize", "ValidateRangeOrZero", SmtpStageTimingOptions.MinSegmentSize, SmtpStageTimingOptions.MaxSegmentSize, v => Smtp(segmentSize: (int)v)),
        new("Get-SmtpStageTiming", "TimeoutSeconds", "ValidateRange", 0, SmtpStageTimingOptions.MaxTimeoutSeconds, v => Smtp(timeoutSeconds: v), 0.5),
        new("Test-MxPath", "Port", "ValidateRange", MxPathOptions.MinPort, MxPathOptions.MaxPort, v => Mx(port: (int)v)),
        new("Test-MxPath", "ThrottleLimit", "ValidateRange", MxPathOptions.MinThrottleLimit, MxPathOptions.MaxThrottleLimit, v => Mx(throttle: (int)v)),
        new("Find-MtuBlackHole", "Port", "ValidateRange", MtuProbeOptions.MinPort, MtuProbeOptions.MaxPort, v => Mtu(port: (int)v)),
        new("Find-MtuBlackHole", "MinSize", "ValidateRangeOrZero", MtuProbeOptions.MinIPv4Size, MtuProbeOptions.MaxIpSize, v => Mtu(minSize: (int)v)),
        new("Find-MtuBlackHole", "MaxSize", "ValidateRangeOrZero", MtuProbeOptions.MinIPv4Size, MtuProbeOptions.MaxIpSize, v => Mtu(maxSize: (int)v)),
        new("Debug-MailFlow", "TimeoutSeconds", "ValidateRange", MailFlowDiagnosisOptions.MinTimeoutSeconds, MailFlowDiagnosisOptions.MaxTimeoutSeconds, v => MailFlowDiagnosisOptions.FromParameters(null, false, v), 0.5),
    };

    public static TheoryData<string> Rows() => new(Table.Select(e => e.Cmdlet + " -" + e.Parameter));

    [Fact]
    public void Every_range_attribute_on_a_cmdlet_matches_its_options_constants()
    {
        var actual = ModuleSurfaceInspector.ReadParameterRanges(TestPaths.CmdletAssembly, TestPaths.PowerShellReferenceAssembly)
            .Select(r => (r.Cmdlet, r.Parameter, r.Attribute, r.Min, r.Max))
            .OrderBy(r => r.Cmdlet + r.Parameter, StringComparer.Ordinal)
            .ToList();
        var expected = Table
            .Select(e => (e.Cmdlet, e.Parameter, e.Attribute, e.Min, e.Max))
            .OrderBy(r => r.Cmdlet + r.Parameter, StringComparer.Ordinal)
            .ToList();
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void The_options_take_the_same_range_as_the_attribute(string row)
    {
        var e = Table.Single(t => t.Cmdlet + " -" + t.Parameter == row);
        e.Build(e.Min);
        e.Build(e.Max);
        AssertRefused(() => e.Build(e.Max + e.Step));
        if (e.Attribute == "ValidateRangeOrZero")
        {
            e.Build(0);
            AssertRefused(() => e.Build(e.Min - e.Step));
        }
        else if (e.Min > 0 || e.Parameter != "TimeoutSeconds")
        {
            AssertRefused(() => e.Build(e.Min - e.Step));
        }
    }

    private static void AssertRefused(Action build)
    {
        var ex = Assert.Throws<MailFlowException>(build);
        Assert.True(ex.IsInvalidInvocation, ex.Message);
        Assert.Equal(ErrorIds.ValueOutOfRange, ex.ErrorId);
    }

    private static void Smtp(int port = 25, int messageSize = 0, int envelopeSize = 0, int segmentSize = 0, double timeoutSeconds = 30) =>
        SmtpStageTimingOptions.FromParameters("mx.example.test", port, messageSize: messageSize, envelopeSize: envelopeSize, segmentSize: segmentSize, timeoutSeconds: timeoutSeconds);

    private static void Mx(int port = 25, int throttle = 8) =>
        MxPathOptions.FromParameters(port, MxAddressFamily.Any, 10, 30, false, null, null, throttle);

    private static void Mtu(int port = 25, int minSize = 0, int maxSize = 0) =>
        MtuProbeOptions.FromParameters("mx.example.test", MtuProbeMethod.Auto, port, minSize, maxSize, Array.Empty<int>(), 2, MtuProbeAddressFamily.Any);
}
