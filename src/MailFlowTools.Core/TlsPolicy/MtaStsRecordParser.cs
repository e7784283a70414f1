using System;
using System.Collections.Generic;
using System.Linq;

namespace MailFlowTools.Core.TlsPolicy;

/// <summary>
/// RFC 8461 §3.1: reads the TXT records at <c>_mta-sts.&lt;domain&gt;</c>. Exactly one record must start with
/// <c>v=STSv1</c> and carry an <c>id</c> of 1 to 32 letters and digits; otherwise the domain has no usable policy.
/// </summary>
public static class MtaStsRecordParser
{
    public static MtaStsRecordCheck Parse(IReadOnlyList<string> txtRecords)
    {
        var sts = txtRecords.Where(t => t.TrimStart().StartsWith("v=STSv1", StringComparison.Ordinal)).ToList();
        if (sts.Count == 0)
        {
            return new MtaStsRecordCheck(MtaStsRecordStatus.NotPublished, null, null, null);
        }

        if (sts.Count > 1)
        {
            return new MtaStsRecordCheck(MtaStsRecordStatus.Conflicting, null, string.Join(" | ", sts), sts.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + " TXT records start with v=STSv1; RFC 8461 §3.1 then treats the domain as having no policy");
        }

        var text = sts[0];
        string? id = null;
        var fields = text.Split(';').Select(f => f.Trim()).Where(f => f.Length > 0).ToList();
        if (fields.Count == 0 || fields[0] != "v=STSv1")
        {
            return new MtaStsRecordCheck(MtaStsRecordStatus.Invalid, null, text, "the first field must be exactly v=STSv1");
        }

        foreach (var field in fields.Skip(1))
        {
            var eq = field.IndexOf('=');
            if (eq <= 0)
            {
                return new MtaStsRecordCheck(MtaStsRecordStatus.Invalid, null, text, "field '" + field + "' is not name=value");
            }

            if (field.Substring(0, eq).Trim() == "id")
            {
                id = field.Substring(eq + 1).Trim();
            }
        }

        if (id is null)
        {
            return new MtaStsRecordCheck(MtaStsRecordStatus.Invalid, null, text, "the record has no id field");
        }

        if (id.Length is 0 or > 32 || !id.All(IsAlphaNumeric))
        {
            return new MtaStsRecordCheck(MtaStsRecordStatus.Invalid, null, text, "the id must be 1 to 32 letters and digits, not '" + id + "'");
        }

        return new MtaStsRecordCheck(MtaStsRecordStatus.Valid, id, text, null);
    }

    private static bool IsAlphaNumeric(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9');
}
