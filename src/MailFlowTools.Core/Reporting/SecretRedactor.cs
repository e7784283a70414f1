using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace MailFlowTools.Core.Reporting;

/// <summary>
/// Knows the forms a secret takes on the wire (the password in clear, its base64, the AUTH PLAIN token) and masks
/// them wherever text leaves an engine: transcripts, replies from a hostile server that echoes them, exception
/// messages, results. Matching ignores case, so an upper-cased echo is masked too. Holds no way to read a secret back.
/// </summary>
public sealed class SecretRedactor
{
    public const string Mask = "****";

    public static readonly SecretRedactor None = new(Array.Empty<string>());

    // Longest first, so a form that contains another is masked whole.
    private readonly string[] _forms;

    public SecretRedactor(IEnumerable<string?> secrets)
    {
        _forms = (secrets ?? Array.Empty<string>())
            .Where(s => !string.IsNullOrEmpty(s))
            .Select(s => s!)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderByDescending(s => s.Length)
            .ToArray();
    }

    public bool IsEmpty => _forms.Length == 0;

    /// <summary>The secret itself, its UTF-8 base64 (padded and unpadded), plus any further wire forms given.</summary>
    public static SecretRedactor ForPassword(string password, params string[] wireForms)
    {
        var forms = new List<string> { password };
        foreach (var form in new[] { Base64(password) }.Concat(wireForms ?? Array.Empty<string>()))
        {
            forms.Add(form);
            forms.Add(form.TrimEnd('='));
        }

        return new SecretRedactor(forms);
    }

    public static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text ?? string.Empty));

    public bool Contains(string? text)
    {
        if (text is null || text.Length == 0)
        {
            return false;
        }

        foreach (var form in _forms)
        {
            if (text.IndexOf(form, StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when the message of the exception or of any inner exception holds a secret.</summary>
    public bool Contains(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (Contains(e.Message))
            {
                return true;
            }

            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(Contains))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The text with every form of every secret replaced by <see cref="Mask"/>; null stays null.</summary>
    public string? Scrub(string? text)
    {
        if (text is null || text.Length == 0 || _forms.Length == 0)
        {
            return text;
        }

        foreach (var form in _forms)
        {
            var at = text!.IndexOf(form, StringComparison.OrdinalIgnoreCase);
            if (at < 0)
            {
                continue;
            }

            var sb = new StringBuilder(text.Length);
            var from = 0;
            while (at >= 0)
            {
                sb.Append(text, from, at - from).Append(Mask);
                from = at + form.Length;
                at = text.IndexOf(form, from, StringComparison.OrdinalIgnoreCase);
            }

            text = sb.Append(text, from, text.Length - from).ToString();
        }

        return text;
    }

    public override string ToString() => $"SecretRedactor ({_forms.Length} forms)";
}
