using System;

namespace MailFlowTools.Core.Logs;

/// <summary>
/// ASCII text in lower case, for case-insensitive searches of ASCII words: over ASCII text an ordinal search of the
/// folded text finds exactly what an OrdinalIgnoreCase search of the original finds, and far faster.
/// </summary>
internal static class AsciiFolded
{
    /// <summary>The text with A-Z lowered; null when it holds anything but ASCII.</summary>
    public static string? Of(string text)
    {
        var chars = new char[text.Length];
        return TryFold(text.AsSpan(), chars) ? new string(chars) : null;
    }

    /// <summary>Copies <paramref name="source"/> with A-Z lowered; false when it holds anything but ASCII.</summary>
    public static bool TryFold(ReadOnlySpan<char> source, Span<char> destination)
    {
#if NET8_0_OR_GREATER
        return System.Text.Ascii.ToLower(source, destination, out _) == System.Buffers.OperationStatus.Done;
#else
        for (var i = 0; i < source.Length; i++)
        {
            var c = source[i];
            if (c > 0x7F)
            {
                return false;
            }

            destination[i] = c >= 'A' && c <= 'Z' ? (char)(c | 0x20) : c;
        }

        return true;
#endif
    }
}
