using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Linq;

namespace MailFlowTools.Core.Results;

/// <summary>
/// A read-only list of result items whose <see cref="ToString"/> names the items, so that a CSV cell or any
/// string conversion of a result shows the items instead of a .NET type name. Arrays and lists convert to it
/// implicitly, so engines build results as before; <see cref="Length"/> keeps array-style reads working.
/// </summary>
public sealed class ReadableList<T> : ReadOnlyCollection<T>
{
    public const string Separator = "; ";

    public ReadableList(IList<T> items)
        : base(items)
    {
    }

    public int Length => Count;

    public static implicit operator ReadableList<T>(T[]? items) => Readable.List(items);

    public static implicit operator ReadableList<T>(List<T>? items) => Readable.List(items);

    // Code written for the arrays these lists replaced keeps compiling.
    public static implicit operator T[](ReadableList<T> list) => list.ToArray();

    public T[] ToArray() => Enumerable.ToArray(this);

    public override string ToString() =>
        string.Join(Separator, this.Select(item => Convert.ToString(item, CultureInfo.InvariantCulture) ?? string.Empty));
}
