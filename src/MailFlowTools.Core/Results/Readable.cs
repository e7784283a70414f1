using System;
using System.Collections.Generic;
using System.Linq;

namespace MailFlowTools.Core.Results;

/// <summary>Builds the readable collections that results carry.</summary>
public static class Readable
{
    // A copy, so that a list the engine goes on filling cannot change a result already written.
    public static ReadableList<T> List<T>(IEnumerable<T>? items) => items switch
    {
        null => new ReadableList<T>(Array.Empty<T>()),
        ReadableList<T> readable => readable,
        _ => new ReadableList<T>(items.ToArray()),
    };

    public static ReadableMap<TKey, TValue> Map<TKey, TValue>(IEnumerable<KeyValuePair<TKey, TValue>>? entries)
        where TKey : notnull => entries switch
        {
            null => new ReadableMap<TKey, TValue>(new Dictionary<TKey, TValue>()),
            ReadableMap<TKey, TValue> readable => readable,
            _ => new ReadableMap<TKey, TValue>(entries.ToDictionary(e => e.Key, e => e.Value)),
        };
}
