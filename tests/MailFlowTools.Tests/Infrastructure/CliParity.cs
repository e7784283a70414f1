using System;
using System.Collections.Generic;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit;

namespace MailFlowTools.Tests.Infrastructure;

/// <summary>
/// Runs one mailflow command twice, on the IL build (dotnet mailflow.dll) and on the native binary that
/// MAILFLOW_CLI names, and compares what they print.
/// </summary>
public static class CliParity
{
    private static readonly Regex Number = new(@"-?\d+(\.\d+)?([eE][-+]?\d+)?", RegexOptions.Compiled);
    private static readonly Regex SessionId = new("(\"SessionId\": \"[^\"]*\")|(SessionId +: +\\S+)", RegexOptions.Compiled);

    // The text form pads columns to the widest value: a wider measurement moves the padding and the rules.
    private static readonly Regex Padding = new(" {2,}|-{2,}", RegexOptions.Compiled);

    /// <summary>The native binary, or a skip that says how to build it.</summary>
    public static string RequireNative()
    {
        var native = TestPaths.NativeCli;
        Assert.SkipWhen(native is null, "MAILFLOW_CLI is not set: build the native mailflow (build.ps1 -Native, or tests/run.sh) to compare it with the IL build.");
        return native!;
    }

    /// <param name="beforeEach">Puts shared state back before each build runs (e.g. the kernel's cached path MTU), so the second run does not see what the first one taught the kernel.</param>
    public static (ProcessResult Il, ProcessResult Native) Run(IReadOnlyList<string> arguments, TimeSpan limit, string? networkNamespace = null, string? standardInput = null, Action? beforeEach = null)
    {
        var native = RequireNative();
        beforeEach?.Invoke();
        var il = Start(new[] { TestPaths.DotnetHost, TestPaths.CliAssembly }, arguments, limit, networkNamespace, standardInput);
        beforeEach?.Invoke();
        var aot = Start(new[] { native }, arguments, limit, networkNamespace, standardInput);
        Assert.False(il.TimedOut || aot.TimedOut, "timed out: " + string.Join(" ", arguments));
        return (il, aot);
    }

    /// <summary>Byte for byte: standard output, standard error and the exit code.</summary>
    public static void AssertIdentical(ProcessResult il, ProcessResult native, string what)
    {
        Assert.True(il.ExitCode == native.ExitCode, $"{what}: exit {il.ExitCode} (IL) but {native.ExitCode} (native)\n{native.StandardError}");
        Assert.Equal(il.StandardOutput, native.StandardOutput);
        Assert.Equal(il.StandardError, native.StandardError);
    }

    /// <summary>
    /// For live probes, whose timings and session IDs differ from run to run: every number and session ID masked, and in the
    /// text form the column padding,
    /// every other byte (names, order, strings, enum names, finding codes and wording) the same.
    /// </summary>
    /// <param name="timingDependent">JSON properties left out of the comparison, at any depth: lists whose length
    /// depends on when answers arrived (a PMTU round that ends once the answer is known records only what came).</param>
    public static void AssertSameButMeasurements(ProcessResult il, ProcessResult native, string what, params string[] timingDependent)
    {
        Assert.True(il.ExitCode == native.ExitCode, $"{what}: exit {il.ExitCode} (IL) but {native.ExitCode} (native)\n{il.StandardOutput}\n{native.StandardOutput}");
        Assert.Equal(Mask(Without(il.StandardOutput, timingDependent)), Mask(Without(native.StandardOutput, timingDependent)));
    }

    private static string Without(string json, string[] names)
    {
        if (names.Length == 0)
        {
            return json;
        }

        var node = JsonNode.Parse(json)!;
        Strip(node, names);
        return node.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    private static void Strip(JsonNode? node, string[] names)
    {
        if (node is JsonObject obj)
        {
            foreach (var name in names)
            {
                obj.Remove(name);
            }

            foreach (var pair in obj)
            {
                Strip(pair.Value, names);
            }
        }
        else if (node is JsonArray array)
        {
            foreach (var item in array)
            {
                Strip(item, names);
            }
        }
    }

    public static string Mask(string text) => Padding.Replace(Number.Replace(SessionId.Replace(text, "SessionId S"), "N"), m => m.Value.Substring(0, 1));

    private static ProcessResult Start(string[] cli, IReadOnlyList<string> arguments, TimeSpan limit, string? networkNamespace, string? standardInput)
    {
        var command = new List<string>();
        if (networkNamespace is not null)
        {
            command.AddRange(new[] { "netns", "exec", networkNamespace });
        }

        command.AddRange(cli);
        command.AddRange(arguments);
        var file = networkNamespace is null ? command[0] : "ip";
        if (networkNamespace is null)
        {
            command.RemoveAt(0);
        }

        return ProcessRunner.Run(file, command, limit, standardInput ?? string.Empty);
    }
}
