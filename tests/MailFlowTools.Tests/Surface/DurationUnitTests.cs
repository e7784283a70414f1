using System;
using System.Globalization;
using System.Linq;
using System.Reflection;
using MailFlowTools.Core.Diagnosis;
using MailFlowTools.Core.Dns;
using MailFlowTools.Core.Dns.Reachability;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.PathMtu;
using Xunit;

namespace MailFlowTools.Tests.Surface;

/// <summary>
/// Inside the engines every duration is a TimeSpan: seconds exist only at the parameter edge (the cmdlets' and
/// verbs' -…Seconds parameters, the FromParameters factories that take them, and the range constants). A number of
/// seconds or milliseconds on an options, request or timeouts type would carry the unit inward again, so this fails
/// on the first such property. Nothing is allowed: results (…Ms measurements) are not options and are not checked.
/// </summary>
public sealed class DurationUnitTests
{
    private static readonly Type[] NumberTypes = { typeof(double), typeof(float), typeof(int), typeof(long) };

    [Fact]
    public void Options_request_and_timeouts_types_carry_durations_as_TimeSpan()
    {
        var checkedTypes = typeof(MtuProbeOptions).Assembly.GetExportedTypes()
            .Where(t => t.Name.EndsWith("Options", StringComparison.Ordinal) || t.Name.EndsWith("Request", StringComparison.Ordinal) || t.Name.EndsWith("Timeouts", StringComparison.Ordinal))
            .ToList();

        // The rule must have something to hold: the option types of the six cmdlets' engines are among them.
        Assert.Contains(checkedTypes, t => t.Name == "MtuProbeOptions");
        Assert.Contains(checkedTypes, t => t.Name == "MailFlowDiagnosisOptions");
        Assert.Contains(checkedTypes, t => t.Name == "EdnsReachabilityRequest");
        Assert.Contains(checkedTypes, t => t.Name == "SmtpTimeouts");

        var offending = checkedTypes
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => (Type: t, Property: p)))
            .Where(x => IsNumber(x.Property.PropertyType) && (x.Property.Name.EndsWith("Seconds", StringComparison.Ordinal) || x.Property.Name.EndsWith("TimeoutMs", StringComparison.Ordinal)))
            .Select(x => x.Type.FullName + "." + x.Property.Name + " (" + x.Property.PropertyType.Name + ")")
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToList();

        Assert.True(offending.Count == 0, "Durations as numbers on options types (use TimeSpan; convert seconds in FromParameters):\n" + string.Join("\n", offending));
    }

    /// <summary>
    /// A bad -TimeoutSeconds reads the same whether the factory refuses the seconds or Validate refuses the TimeSpan:
    /// the parameter's name, its range and the value in seconds.
    /// </summary>
    [Theory]
    [InlineData("Find-MtuBlackHole", 0.0, "-TimeoutSeconds 0 is out of range: use greater than 0 and at most 300.")]
    [InlineData("Find-MtuBlackHole", 300.5, "-TimeoutSeconds 300.5 is out of range: use greater than 0 and at most 300.")]
    [InlineData("Debug-MailFlow", 0.5, "-TimeoutSeconds must be 1 to 120; got 0.5.")]
    [InlineData("Debug-MailFlow", 121.0, "-TimeoutSeconds must be 1 to 120; got 121.")]
    [InlineData("Test-EdnsReachability", 0.05, "-TimeoutSeconds must be between 0.1 and 60; got 0.05.")]
    [InlineData("Test-EdnsReachability", 60.25, "-TimeoutSeconds must be between 0.1 and 60; got 60.25.")]
    public void A_timeout_out_of_range_is_worded_the_same_at_the_edge_and_inside(string cmdlet, double seconds, string message)
    {
        // Test-EdnsReachability formats its message in the current culture, as before.
        using var invariant = new InvariantCultureScope();
        var timeout = TimeSpan.FromSeconds(seconds);
        Action fromParameters, validate;
        switch (cmdlet)
        {
            case "Find-MtuBlackHole":
                fromParameters = () => MtuProbeOptions.FromParameters("x", MtuProbeMethod.Auto, 25, 0, 0, null, seconds, MtuProbeAddressFamily.Any);
                validate = () => new MtuProbeOptions { ComputerName = "x", Timeout = timeout }.Validate();
                break;
            case "Debug-MailFlow":
                fromParameters = () => MailFlowDiagnosisOptions.FromParameters(null, false, seconds);
                validate = () => new MailFlowDiagnosisOptions { Timeout = timeout }.Validate();
                break;
            default:
                fromParameters = () => EdnsReachabilityRequest.FromParameters("a.test", DnsRecordType.MX, null, null, true, seconds, false, false);
                validate = () => new EdnsReachabilityRequest { Name = "a.test", Timeout = timeout }.ToOptions();
                break;
        }

        foreach (var build in new[] { fromParameters, validate })
        {
            var ex = Assert.Throws<MailFlowException>(build);
            Assert.Equal(ErrorIds.ValueOutOfRange, ex.ErrorId);
            Assert.True(ex.IsInvalidInvocation);
            Assert.Equal(message, ex.Message);
            Assert.Equal(seconds, Assert.IsType<double>(ex.Target));
        }
    }

    /// <summary>Values no TimeSpan can hold are refused at the edge with the value as given, not by an overflow.</summary>
    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    [InlineData(1e300, "1E+300")]
    public void Seconds_that_are_no_duration_are_refused_by_the_factories(double seconds, string shown)
    {
        using var invariant = new InvariantCultureScope();
        var refusals = new Action[]
        {
            () => MtuProbeOptions.FromParameters("x", MtuProbeMethod.Auto, 25, 0, 0, null, seconds, MtuProbeAddressFamily.Any),
            () => MailFlowDiagnosisOptions.FromParameters(null, false, seconds),
            () => EdnsReachabilityRequest.FromParameters("a.test", DnsRecordType.MX, null, null, true, seconds, false, false),
        };
        foreach (var build in refusals)
        {
            var ex = Assert.Throws<MailFlowException>(build);
            Assert.Equal(ErrorIds.ValueOutOfRange, ex.ErrorId);
            Assert.Contains("-TimeoutSeconds", ex.Message, StringComparison.Ordinal);
            Assert.Contains(shown, ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_factories_turn_seconds_into_the_same_TimeSpan()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(1500), MtuProbeOptions.FromParameters("x", MtuProbeMethod.Auto, 25, 0, 0, null, 1.5, MtuProbeAddressFamily.Any).Timeout);
        Assert.Equal(TimeSpan.FromMilliseconds(100), EdnsReachabilityRequest.FromParameters("a.test", DnsRecordType.MX, null, null, true, 0.1, false, false).Timeout);
        var diagnosis = MailFlowDiagnosisOptions.FromParameters(null, false, 2.5);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), diagnosis.Timeout);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), diagnosis.DnsTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), diagnosis.MtuTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(22500), diagnosis.EffectiveBudget);
    }

    private static bool IsNumber(Type type) => NumberTypes.Contains(Nullable.GetUnderlyingType(type) ?? type);

    private sealed class InvariantCultureScope : IDisposable
    {
        private readonly CultureInfo _culture = CultureInfo.CurrentCulture;

        public InvariantCultureScope() => CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

        public void Dispose() => CultureInfo.CurrentCulture = _culture;
    }
}
