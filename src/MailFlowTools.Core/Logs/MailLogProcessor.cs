using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Core.Errors;
using MailFlowTools.Core.Smtp.Status;

namespace MailFlowTools.Core.Logs;

/// <summary>
/// Resolve-SmtpStatus over many inputs: explicit texts, pipeline lines (Get-Content, -ReadCount chunks), files and
/// standard input. Log and queue lines are read one at a time (one result per delivery line, or folded into a
/// summary); lines that are not delivery lines are skipped and counted. An NDR (it has header or DSN fields) or a
/// text that only makes sense whole is resolved as one input, as before. Shared by the cmdlet and the CLI verb.
/// </summary>
public sealed class MailLogProcessor
{
    private const int ProbeLines = 64;

    private static readonly Regex HeaderLine = new(
        @"^(Reporting-MTA|Final-Recipient|Original-Recipient|Action|Status|Diagnostic-Code|Remote-MTA|Arrival-Date|Content-Type|MIME-Version|Received|Return-Path|From|To|Subject|Date|Message-ID|X-[A-Za-z0-9-]+):[ \t]",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase,
        TimeSpan.FromSeconds(1));

    private readonly MailLogOptions _options;
    private readonly Action<SmtpStatusResult> _emit;
    private readonly Action<MailFlowException> _emitError;
    private readonly MtaLogReader _reader;
    private readonly List<MtaLogEntry> _entries = new(4);
    private readonly MailLogSummarizer? _summary;
    private readonly Func<string, IReadOnlyList<string>>? _splitWhole;
    private bool _sawLogLines;

    /// <param name="splitWhole">
    /// Splits a text read whole (an NDR) into one text per recipient, e.g. a MIME multipart/report; Core does not
    /// parse MIME itself. Log lines never go through it.
    /// </param>
    public MailLogProcessor(MailLogOptions options, Action<SmtpStatusResult> emit, Action<MailFlowException> emitError, Func<string, IReadOnlyList<string>>? splitWhole = null)
    {
        _options = options;
        _splitWhole = splitWhole;
        _emit = emit;
        _emitError = emitError;
        _reader = new MtaLogReader(options.Reference, countSentOnly: options.Summary);
        _summary = options.Summary ? new MailLogSummarizer() : null;
    }

    public long LinesRead { get; private set; }

    public long SkippedLines { get; private set; }

    public long OutsideWindow { get; private set; }

    public long TruncatedLines { get; private set; }

    /// <summary>
    /// One input item. A multi-line text is read line by line when it is a log; else it is one status or NDR.
    /// <paramref name="fromStream"/> is true for pipeline and file lines: then a line that says nothing, in a
    /// stream that has shown log lines, is skipped silently rather than reported.
    /// </summary>
    public void AddText(string? text, bool fromStream)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            if (!fromStream)
            {
                Resolve(text ?? string.Empty, fromStream);
            }

            return;
        }

        if (text!.IndexOf('\n') < 0)
        {
            AddLine(text, fromStream);
            return;
        }

        var lines = text.Split('\n');
        if (Decide(lines, lines.Length) == InputShape.Whole)
        {
            ResolveWhole(text, fromStream);
            return;
        }

        foreach (var line in lines)
        {
            AddLine(line.TrimEnd('\r'), fromStream: true);
        }
    }

    /// <summary>Reads a file or standard input to its end, in bounded memory.</summary>
    public async Task ReadAsync(TextReader input, CancellationToken cancellationToken)
    {
        var reader = new BoundedLineReader(input, MailLogOptions.MaxLineLength);
        var head = new List<string>(ProbeLines);
        string? line;
        while (head.Count < ProbeLines && (line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)) is not null)
        {
            head.Add(line);
        }

        var ended = head.Count < ProbeLines;
        if (Decide(head, head.Count, ended) == InputShape.Whole)
        {
            // An NDR or a wrapped LastError: one text, capped like any status input.
            var whole = new StringBuilder(string.Join("\n", head));
            while (whole.Length < SmtpStatusResolver.MaxInputLength && (line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)) is not null)
            {
                whole.Append('\n').Append(line);
            }

            ResolveWhole(whole.ToString(), fromStream: false);
            return;
        }

        foreach (var first in head)
        {
            AddLine(first, fromStream: true);
        }

        while (true)
        {
            if (reader.TryReadBuffered(out var buffered))
            {
                AddBuffered(buffered);
                continue;
            }

            if ((line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)) is null)
            {
                break;
            }

            AddLine(line, fromStream: true);
        }

        TruncatedLines += reader.TruncatedLines;
    }

    /// <summary>The summary, when one was asked for; null otherwise.</summary>
    public MailLogSummary? Complete(string source) =>
        _summary?.Complete(source, LinesRead, SkippedLines, OutsideWindow, TruncatedLines, _options.Since, _options.Until);

    /// <summary>
    /// A stream line still in the reader's buffer. Lines that say nothing about a delivery, and for a summary the
    /// successful deliveries, are counted where they lie; only the rest are copied and read in full by AddLine.
    /// </summary>
    private void AddBuffered(ReadOnlyMemory<char> buffered)
    {
        var line = buffered.Span;
        var kind = _reader.ReadBuffered(line, out var timestamp, out var idStart, out var idLength);
        if (kind == LogLineKind.Other)
        {
            LinesRead++;
            _sawLogLines = true;
            SkippedLines++;
        }
        else if (kind == LogLineKind.Delivery && _summary is not null)
        {
            LinesRead++;
            _sawLogLines = true;
            if (!_options.InWindow(timestamp))
            {
                OutsideWindow++;
            }
            else
            {
                _summary.AddSent(timestamp, line.Slice(idStart, idLength));
            }
        }
        else
        {
            AddLine(line.ToString(), fromStream: true);
        }
    }

    private void AddLine(string line, bool fromStream)
    {
        LinesRead++;
        if (line.Length > MailLogOptions.MaxLineLength)
        {
            line = line.Substring(0, MailLogOptions.MaxLineLength);
            TruncatedLines++;
        }

        _entries.Clear();
        var kind = _reader.Read(line, _entries);
        if (kind == LogLineKind.Delivery)
        {
            _sawLogLines = true;
            foreach (var entry in _entries)
            {
                if (!_options.InWindow(entry.Timestamp))
                {
                    OutsideWindow++;
                }
                else if (_summary is not null)
                {
                    _summary.Add(entry);
                }
                else
                {
                    _emit(SmtpStatusResolver.ResolveEntry(entry, line));
                }
            }

            return;
        }

        if (kind == LogLineKind.Other)
        {
            _sawLogLines = true;
            SkippedLines++;
            return;
        }

        if (string.IsNullOrWhiteSpace(line) || (_summary is not null && fromStream) || (fromStream && _sawLogLines))
        {
            SkippedLines++;
            return;
        }

        Resolve(line, fromStream);
    }

    private void ResolveWhole(string text, bool fromStream)
    {
        if (_splitWhole is null)
        {
            Resolve(text, fromStream);
            return;
        }

        foreach (var part in _splitWhole(text))
        {
            Resolve(part, fromStream);
        }
    }

    private void Resolve(string text, bool fromStream)
    {
        try
        {
            var result = SmtpStatusResolver.Resolve(text, _options.Reference);
            if (_summary is null)
            {
                _emit(result);
            }
            else if (result.LogEntry is { } entry)
            {
                _summary.Add(entry);
            }
            else
            {
                SkippedLines++;
            }
        }
        catch (MailFlowException ex) when (!ex.IsInvalidInvocation)
        {
            if (fromStream && _sawLogLines)
            {
                SkippedLines++;
                return;
            }

            _emitError(ex);
        }
    }

    private enum InputShape
    {
        Lines,
        Whole,
    }

    /// <summary>
    /// Header or DSN fields make an NDR (whole). Log or queue lines make a log (lines). Otherwise it is lines only
    /// when every line is a status of its own ("4.4.7", one LastError per line); a copied NDR body stays whole.
    /// </summary>
    private InputShape Decide(IReadOnlyList<string> lines, int count, bool complete = true)
    {
        var probe = new MtaLogReader(_options.Reference);
        var scratch = new List<MtaLogEntry>(2);
        var texts = 0;
        for (var i = 0; i < count && i < ProbeLines; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            if (HeaderLine.IsMatch(line))
            {
                return InputShape.Whole;
            }

            scratch.Clear();
            if (probe.Read(line, scratch) != LogLineKind.Text)
            {
                return InputShape.Lines;
            }

            texts++;
        }

        if (texts == 0)
        {
            return InputShape.Lines;
        }

        for (var i = 0; i < count && i < ProbeLines; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Trim().Length > 0 && !HasStatus(line))
            {
                return InputShape.Whole;
            }
        }

        return complete || texts > 1 ? InputShape.Lines : InputShape.Whole;
    }

    private bool HasStatus(string line)
    {
        try
        {
            _ = SmtpStatusResolver.Resolve(line, _options.Reference);
            return true;
        }
        catch (MailFlowException)
        {
            return false;
        }
    }
}
