using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;
using MailFlowTools.Core.Diagnosis;
using MailFlowTools.Core.Dns.Reachability;
using MailFlowTools.Core.Logs;
using MailFlowTools.Core.MxPath;
using MailFlowTools.Core.PathMtu;
using MailFlowTools.Core.Smtp;
using MailFlowTools.Core.Smtp.Status;

namespace MailFlowTools.Cli.Output;

/// <summary>
/// The compile-time JSON metadata for everything --json writes: the list of results, each verb's result type with
/// all it nests, and the scalar types that finding evidence holds. Both the IL and the native mailflow serialize
/// through it alone (reflection-based serialization is off in this project), so both write the same bytes.
/// Results are serialized by their runtime type (the list holds <see cref="object"/>), so a new result type must be
/// listed here; <see cref="EvidenceConverter"/> writes evidence values of any type.
/// </summary>
[JsonSourceGenerationOptions(
    UseStringEnumConverter = true,
    WriteIndented = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(IReadOnlyList<object>))]
[JsonSerializable(typeof(EdnsReachabilityResult))]
[JsonSerializable(typeof(MtuProbeResult))]
[JsonSerializable(typeof(MxPathResult))]
[JsonSerializable(typeof(MailFlowDiagnosis))]
[JsonSerializable(typeof(SmtpStatusResult))]
[JsonSerializable(typeof(SmtpStageResult))]
[JsonSerializable(typeof(MailLogSummary))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(byte))]
[JsonSerializable(typeof(short))]
[JsonSerializable(typeof(ushort))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(uint))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(ulong))]
[JsonSerializable(typeof(float))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(decimal))]
[JsonSerializable(typeof(TimeSpan))]
[JsonSerializable(typeof(DateTime))]
[JsonSerializable(typeof(DateTimeOffset))]
internal sealed partial class MailFlowJsonContext : JsonSerializerContext
{
}
