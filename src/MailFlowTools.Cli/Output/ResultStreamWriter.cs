using System;
using System.Buffers;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MailFlowTools.Cli.Streaming;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Cli.Output;

/// <summary>
/// Writes each result to standard output soon after it is handed over, and keeps none of them: text blocks,
/// elements of one JSON array, or JSON lines, always whole. A result that comes after a quiet spell goes out at
/// once; results that come close together are written together, at most <see cref="FlushInterval"/> later, so a
/// busy batch makes a few writes a second instead of one per result. After <see cref="Close"/> (the run ended or
/// was interrupted) what was handed over is written, the array is closed and nothing more is written. Thread-safe.
/// </summary>
public sealed class ResultStreamWriter
{
    /// <summary>The longest a result waits for company before it is written.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Pending bytes that are written at once, however recent the last write (and where writers wait on a slow reader).</summary>
    public const int FlushBytes = 64 * 1024;

    private static readonly byte[] LineBreak = Encoding.UTF8.GetBytes(Environment.NewLine);

    [ThreadStatic]
    private static ResultEncoder? t_encoder;

    private readonly object _gate = new();
    private readonly object _sendGate = new();
    private readonly Stream _output;
    private readonly OutputMode _mode;
    private readonly Func<SecretRedactor> _secrets;
    private readonly Action _outputGone;
    private readonly Timer _timer;
    private ArrayBufferWriter<byte> _pending = new(FlushBytes);
    private ArrayBufferWriter<byte> _sending = new(FlushBytes);
    private long _written;
    private long _lastSend = -1;
    private bool _timerArmed;
    private bool _closed;
    private bool _gone;
    private int _problemFound;

    /// <param name="output">Standard output, or any stream.</param>
    /// <param name="secrets">Masks registered secrets in everything written (read per result: a verb registers them after start).</param>
    /// <param name="outputGone">Called once if the output cannot be written (a closed pipe), so the run can stop.</param>
    public ResultStreamWriter(Stream output, OutputMode mode, Func<SecretRedactor> secrets, Action outputGone)
    {
        _output = output;
        _mode = mode;
        _secrets = secrets;
        _outputGone = outputGone;
        _timer = new Timer(_ => SendPending(fromTimer: true));
    }

    /// <summary>Results handed over so far (written, or about to be).</summary>
    public long Written { get { lock (_gate) { return _written; } } }

    /// <summary>Some result had a Warning or Error finding (exit code 1).</summary>
    public bool ProblemFound => Volatile.Read(ref _problemFound) != 0;

    /// <summary>Builds the JSON metadata of a verb's result type on the thread pool, while its first probe runs.</summary>
    public void Prepare(Type resultType)
    {
        if (_mode is OutputMode.Json or OutputMode.JsonLines)
        {
            _ = Task.Run(() => JsonOutput.Prepare(resultType));
        }
    }

    public void Write(object result)
    {
        if (Volatile.Read(ref _closed))
        {
            return;
        }

        if (result is IHasFindings withFindings && HasProblem(withFindings))
        {
            Volatile.Write(ref _problemFound, 1);
        }

        // Encoded outside the lock, on the worker's own encoder: only the copy below is serial.
        var encoder = t_encoder;
        if (encoder is null || encoder.Mode != _mode)
        {
            encoder = t_encoder = new ResultEncoder(_mode);
        }

        var bytes = encoder.Encode(result, _secrets());
        bool sendNow;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            if (_written > 0 || _mode == OutputMode.Json)
            {
                _pending.Write(Separator(_written == 0));
            }

            _pending.Write(bytes);
            _written++;
            var quiet = _lastSend < 0 || Environment.TickCount64 - _lastSend >= FlushInterval.TotalMilliseconds;
            sendNow = quiet || _pending.WrittenCount >= FlushBytes;
            if (!sendNow && !_timerArmed)
            {
                _timerArmed = true;
                _timer.Change(FlushInterval, Timeout.InfiniteTimeSpan);
            }
        }

        if (sendNow)
        {
            SendPending(fromTimer: false);
        }
    }

    /// <summary>Writes what is pending and ends the output (closes the JSON array; an empty run's --json is "[]"). Later writes are dropped.</summary>
    public void Close()
    {
        try
        {
            lock (_sendGate)
            {
                lock (_gate)
                {
                    if (_closed)
                    {
                        return;
                    }

                    if (_mode == OutputMode.Json)
                    {
                        _pending.Write(_written == 0 ? "[]"u8 : "\n]"u8);
                        _pending.Write("\n"u8);
                    }

                    Volatile.Write(ref _closed, true);
                }

                SendLocked();
            }
        }
        finally
        {
            _timer.Dispose();
        }
    }

    private static bool HasProblem(IHasFindings result)
    {
        foreach (var finding in result.Findings)
        {
            if (finding.IsProblem)
            {
                return true;
            }
        }

        return false;
    }

    private ReadOnlySpan<byte> Separator(bool first) => _mode switch
    {
        OutputMode.Json => first ? "["u8 : ","u8,
        OutputMode.JsonLines => ReadOnlySpan<byte>.Empty,
        _ => LineBreak,
    };

    private void SendPending(bool fromTimer)
    {
        lock (_sendGate)
        {
            if (fromTimer)
            {
                lock (_gate)
                {
                    _timerArmed = false;
                }
            }

            SendLocked();
        }
    }

    // Under _sendGate, so chunks leave in the order they were taken. Whole results only: a reader (jq, a log
    // shipper, Ctrl+C) never sees half of one.
    private void SendLocked()
    {
        lock (_gate)
        {
            if (_pending.WrittenCount == 0 || _gone)
            {
                return;
            }

            (_pending, _sending) = (_sending, _pending);
            _lastSend = Environment.TickCount64;
        }

        try
        {
            _output.Write(_sending.WrittenSpan);
            _output.Flush();
        }
        catch (IOException)
        {
            // The reader went away (`| head`): stop writing and let the run end.
            lock (_gate)
            {
                _gone = true;
                Volatile.Write(ref _closed, true);
            }

            _outputGone();
        }
        finally
        {
            _sending.ResetWrittenCount();
        }
    }
}
