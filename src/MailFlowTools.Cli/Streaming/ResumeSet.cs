using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using MailFlowTools.Core.Errors;

namespace MailFlowTools.Cli.Streaming;

/// <summary>
/// --resume FILE: the names an earlier run's JSON Lines output already holds, read from one top-level property
/// of each line (the verb says which: DomainName, Name, ComputerName). Lines that do not parse (the last line of
/// a killed run) are ignored, so their names are tested again. Each name is kept as a 64-bit hash in one sorted
/// array, 8 bytes a name, not the strings themselves.
/// </summary>
public sealed class ResumeSet
{
    private readonly ulong[] _hashes;

    private ResumeSet(ulong[] hashes, long unreadable)
    {
        _hashes = hashes;
        Unreadable = unreadable;
    }

    public int Count => _hashes.Length;

    /// <summary>Lines that were not a JSON object with the property (cut off, or other output).</summary>
    public long Unreadable { get; }

    /// <summary>Throws an invalid-invocation error when the file cannot be read.</summary>
    public static ResumeSet Load(string path, string property)
    {
        var hashes = new List<ulong>();
        long unreadable = 0;
        try
        {
            using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024);
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                if (line.Trim().Length == 0)
                {
                    continue;
                }

                if (TryReadName(line, property, out var name))
                {
                    hashes.Add(Hash(Normalize(name)));
                }
                else
                {
                    unreadable++;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw MailFlowException.InvalidArgument(ErrorIds.InvalidUsage, $"--resume: cannot read '{path}': {ex.Message}", path);
        }

        var array = hashes.ToArray();
        Array.Sort(array);
        return new ResumeSet(array, unreadable);
    }

    public bool Contains(string name) => Array.BinarySearch(_hashes, Hash(Normalize(name))) >= 0;

    /// <summary>The form names are compared in: trimmed, no trailing dot, lower case.</summary>
    public static string Normalize(string name) => name.Trim().TrimEnd('.').ToLowerInvariant();

    private static bool TryReadName(string line, string property, out string name)
    {
        name = string.Empty;
        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(line));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var match = reader.ValueTextEquals(property);
                if (!reader.Read())
                {
                    return false;
                }

                if (match && reader.TokenType == JsonTokenType.String)
                {
                    name = reader.GetString() ?? string.Empty;

                    // A name counts only from a complete line (a cut-off one throws here): it is tested again.
                    while (reader.Read())
                    {
                    }

                    return name.Length > 0;
                }

                reader.Skip();
            }

            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // FNV-1a over the UTF-16 code units: stable across runs (string.GetHashCode is randomised per process).
    private static ulong Hash(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }

        return hash;
    }
}
