using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Linq;

namespace MailFlowTools.Core.Results;

/// <summary>
/// A read-only dictionary whose <see cref="ToString"/> lists its entries as <c>key=value</c>, so that a CSV cell
/// shows the values instead of a .NET type name.
/// </summary>
public sealed class ReadableMap<TKey, TValue> : ReadOnlyDictionary<TKey, TValue>
    where TKey : notnull
{
    public ReadableMap(IDictionary<TKey, TValue> entries)
        : base(entries)
    {
    }

    public override string ToString() =>
        string.Join(ReadableList<string>.Separator, this.Select(e => Convert.ToString(e.Key, CultureInfo.InvariantCulture) + "=" + Convert.ToString(e.Value, CultureInfo.InvariantCulture)));
}
