using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using MailFlowTools.Cli.Output;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.PathMtu;
using MailFlowTools.Core.Smtp.Status;
using Xunit;

namespace MailFlowTools.Tests.Cli;

/// <summary>
/// The source-generated --json writes what the reflection-based serializer wrote before it (the format scripts
/// parse), evidence of every shape included, and names no type it has no metadata for.
/// </summary>
public sealed class JsonContextTests
{
    // The options the CLI used before the source-generated context: runtime reflection over each result's type.
    private static readonly JsonSerializerOptions Reflection = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };

    [Fact]
    public void Results_with_every_kind_of_evidence_serialize_as_the_reflection_serializer_did()
    {
        var evidence = new Dictionary<string, object>
        {
            ["Text"] = "quote \" and <tag> & ü",
            ["Count"] = 3,
            ["Big"] = 5_000_000_000L,
            ["Ratio"] = 0.125,
            ["NotANumber"] = double.NaN,
            ["Flag"] = true,
            ["Sizes"] = new[] { 1400, 1401 },
            ["Names"] = new List<string> { "a", "b" },
            ["Nested"] = new Dictionary<string, object> { ["1401"] = 2, ["1500"] = "none" },
            ["Severity"] = FindingSeverity.Warning,
            ["Elapsed"] = TimeSpan.FromMilliseconds(1500),
        };
        var results = new List<object>
        {
            new SmtpStatusResult
            {
                InputText = "550 5.1.1 unknown",
                ReplyCode = 550,
                EnhancedStatus = "5.1.1",
                Findings = new[] { Finding.Warning("SomeCode", "message", "do this", evidence), Finding.Info("Other", "no evidence") },
            },
            new MtuProbeResult(),
        };

        var expected = JsonSerializer.Serialize<object>(results, Reflection);
        var actual = new StringWriter();
        JsonOutput.Write(actual, results);

        Assert.Equal(expected + Environment.NewLine, actual.ToString());
        Assert.Contains("\"NotANumber\": \"NaN\"", expected, StringComparison.Ordinal);
        Assert.Contains("\"Severity\": \"Warning\"", expected, StringComparison.Ordinal);
    }

    [Fact]
    public void An_evidence_value_of_a_type_without_metadata_is_written_as_its_text()
    {
        var address = System.Net.IPAddress.Parse("192.0.2.1");
        var result = new SmtpStatusResult { Findings = new[] { Finding.Info("Code", "m", evidence: new Dictionary<string, object> { ["Address"] = address }) } };
        var json = new StringWriter();
        JsonOutput.Write(json, new List<object> { result });
        Assert.Contains("\"Address\": \"192.0.2.1\"", json.ToString(), StringComparison.Ordinal);
    }
}
