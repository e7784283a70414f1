using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace MailFlowTools.Core.Logs;

/// <summary>
/// Reads lines with a length cap, so one endless line cannot exhaust memory: the rest of an over-long line is read
/// and thrown away, and <see cref="TruncatedLines"/> counts it. Handles LF and CRLF.
/// </summary>
public sealed class BoundedLineReader
{
    /// <summary>Characters read at a time: a whole log goes through here, and every read of a file is a trip to the thread pool.</summary>
    public const int BufferLength = 256 * 1024;

    private readonly TextReader _reader;
    private readonly int _maxLength;
    private readonly char[] _buffer = new char[BufferLength];
    private readonly StringBuilder _carry = new();
    private int _position;
    private int _length;
    private bool _eof;

    public BoundedLineReader(TextReader reader, int maxLength)
    {
        _reader = reader;
        _maxLength = maxLength;
    }

    public long TruncatedLines { get; private set; }

    /// <summary>The next line without its end, or null at the end of the input.</summary>
    public ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        // The common case, a whole line already in the buffer, costs no task and no state machine.
        if (TryReadBuffered(out var line))
        {
            return new ValueTask<string?>(line.Span.ToString());
        }

        return new ValueTask<string?>(ReadSlowAsync(cancellationToken));
    }

    /// <summary>
    /// The next line when it is already whole in the buffer, without its end and without copying it: valid until
    /// the next read. False when <see cref="ReadLineAsync"/> must read on (the buffer ends mid-line, or the line is
    /// over the cap).
    /// </summary>
    public bool TryReadBuffered(out ReadOnlyMemory<char> line)
    {
        if (_position < _length)
        {
            var newline = System.Array.IndexOf(_buffer, '\n', _position, _length - _position);
            if (newline >= 0 && newline - _position <= _maxLength)
            {
                var count = newline - _position;
                if (count > 0 && _buffer[newline - 1] == '\r')
                {
                    count--;
                }

                line = new ReadOnlyMemory<char>(_buffer, _position, count);
                _position = newline + 1;
                return true;
            }
        }

        line = default;
        return false;
    }

    private async Task<string?> ReadSlowAsync(CancellationToken cancellationToken)
    {
        _carry.Clear();
        var truncated = false;
        while (true)
        {
            if (_position >= _length)
            {
                if (_eof)
                {
                    return _carry.Length > 0 || truncated ? Finish(truncated) : null;
                }

                cancellationToken.ThrowIfCancellationRequested();
                _length = await _reader.ReadAsync(_buffer, 0, _buffer.Length).ConfigureAwait(false);
                _position = 0;
                if (_length == 0)
                {
                    _eof = true;
                    continue;
                }
            }

            var newline = System.Array.IndexOf(_buffer, '\n', _position, _length - _position);
            var end = newline < 0 ? _length : newline;
            if (_carry.Length == 0 && newline >= 0 && end - _position <= _maxLength)
            {
                // The common case: the whole line is in the buffer.
                var count = end - _position;
                if (count > 0 && _buffer[end - 1] == '\r')
                {
                    count--;
                }

                var line = new string(_buffer, _position, count);
                _position = newline + 1;
                return line;
            }

            var room = _maxLength - _carry.Length;
            var take = System.Math.Min(room, end - _position);
            if (take > 0)
            {
                _carry.Append(_buffer, _position, take);
            }

            if (end - _position > take)
            {
                truncated = true;
            }

            _position = end;
            if (newline >= 0)
            {
                _position = newline + 1;
                return Finish(truncated);
            }
        }
    }

    private string Finish(bool truncated)
    {
        if (truncated)
        {
            TruncatedLines++;
        }

        if (_carry.Length > 0 && _carry[_carry.Length - 1] == '\r')
        {
            _carry.Length--;
        }

        return _carry.ToString();
    }
}
