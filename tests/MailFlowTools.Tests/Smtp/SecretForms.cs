using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MailFlowTools.Tests.Smtp;

/// <summary>
/// Every form a test password can take in output: clear, upper-cased, base64 (AUTH LOGIN), the AUTH PLAIN token,
/// unpadded base64, '?' for non-ASCII bytes (how parse errors quote a line), each also JSON-escaped (default and
/// relaxed encoders), plus every 6-character piece of the password and 8-character piece of its base64, so a
/// secret cut short (by a line cap or a quote) is caught too.
/// </summary>
internal sealed class SecretForms
{
    private readonly List<(string Kind, string Text)> _forms = new();

    public SecretForms(string userName, string password)
    {
        var b64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(password));
        var plain = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0" + userName + "\0" + password));
        var question = new string(Encoding.UTF8.GetBytes(password).Select(b => b is >= 32 and < 127 ? (char)b : '?').ToArray());
        var whole = new List<(string, string)>
        {
            ("clear", password),
            ("upper", password.ToUpperInvariant()),
            ("base64", b64),
            ("base64-unpadded", b64.TrimEnd('=')),
            ("plain-token", plain),
            ("plain-token-unpadded", plain.TrimEnd('=')),
            ("ascii-projection", question),
        };
        foreach (var (kind, text) in whole)
        {
            Add(kind, text);
            Add(kind + "/json", JsonEncodedText.Encode(text).ToString());
            Add(kind + "/json-relaxed", JsonEncodedText.Encode(text, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString());
        }

        Pieces("clear-piece", password, 6);
        Pieces("ascii-projection-piece", question, 6);
        Pieces("base64-piece", b64, 8);
    }

    public int Count => _forms.Count;

    public void AssertAbsent(string? text, string where)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        foreach (var (kind, form) in _forms)
        {
            var at = text.IndexOf(form, StringComparison.OrdinalIgnoreCase);
            if (at >= 0)
            {
                var from = Math.Max(0, at - 60);
                Assert.Fail($"The secret ({kind}) appears in {where}: …{text.Substring(from, Math.Min(text.Length - from, 160))}…");
            }
        }
    }

    private void Add(string kind, string text)
    {
        if (text.Length > 0 && !_forms.Any(f => f.Text == text))
        {
            _forms.Add((kind, text));
        }
    }

    private void Pieces(string kind, string text, int length)
    {
        for (var i = 0; i + length <= text.Length; i++)
        {
            Add(kind, text.Substring(i, length));
        }
    }
}
