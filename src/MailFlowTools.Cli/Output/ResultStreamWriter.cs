using System;
using System.Buffers;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using MailFlowTools.Cli.Streaming;
using MailFlowTools.Core.Findings;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Cli.Output;

/// <summary>
/// Writes each result to standard output the moment it is handed over, and keeps none of them: text blocks,
/// elements of one JSON array, or JSON lines, each flushed whole. After <see cref="Close"/> (the run ended or was
/// interrupted) nothing more is written, so the array is closed and no line is cut in half. Thread-safe.
/// </summary>
public sealed class ResultStreamWriter
{
    private static readonly byte[] NewLine = { (byte)'\n' };

    private readonly object _gate = new();
    private readonly Stream _output;
    private readonly OutputMode _mode;
    private readonly Func<SecretRedactor> _secrets;
    private readonly Action _outputGone;
    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);
    private readonly Utf8JsonWriter _json;
    private long _written;
    private bool _closed;

    /// <param name="output">Standard output, or any stream.</param>
    /// <param name="secrets">Masks registered secrets in everything written (read per result: a verb registers them after start).</param>
    /// <param name="outputGone">Called once if the output cannot be written (a closed pipe), so the run can stop.</param>
    public ResultStreamWriter(Stream output, OutputMode mode, Func<SecretRedactor> secrets, Action outputGone)
    {
        _output = output;
        _mode = mode;
        _secrets = secrets;
        _outputGone = outputGone;
        _json = new Utf8JsonWriter(_buffer, mode == OutputMode.Json ? JsonOutput.ArrayWriterOptions : JsonOutput.LineWriterOptions);
    }

    /// <summary>Results written so far.</summary>
    public long Written { get { lock (_gate) { return _written; } } }

    /// <summary>Some result had a Warning or Error finding (exit code 1).</summary>
    public bool ProblemFound { get; private set; }

    public void Write(object result)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            if (result is IHasFindings withFindings && withFindings.Findings.Any(f => f.IsProblem))
            {
                ProblemFound = true;
            }

            switch (_mode)
            {
                case OutputMode.Json:
                    if (_written == 0)
                    {
                        _json.WriteStartArray();
                    }

                    JsonOutput.WriteResult(_json, result);
                    _json.Flush();
                    break;
                case OutputMode.JsonLines:
                    _json.Reset(_buffer);
                    JsonOutput.WriteResult(_json, result);
                    _json.Flush();
                    _buffer.Write(NewLine);
                    break;
                default:
                    var text = new StringWriter();
                    if (_written > 0)
                    {
                        text.WriteLine();
                    }

                    TextOutput.Write(text, new[] { result });
                    Encode(text.ToString());
                    break;
            }

            _written++;
            Send();
        }
    }

    /// <summary>Ends the output (closes the JSON array; an empty run's --json is "[]"). Later writes are dropped.</summary>
    public void Close()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            if (_mode == OutputMode.Json)
            {
                if (_written == 0)
                {
                    _json.WriteStartArray();
                }

                _json.WriteEndArray();
                _json.Flush();
                _buffer.Write(NewLine);
                Send();
            }

            _closed = true;
            _json.Dispose();
        }
    }

    private void Encode(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        _buffer.Write(bytes);
    }

    // One write and one flush per result: a reader (jq, a log shipper, Ctrl+C) never sees half of one.
    private void Send()
    {
        try
        {
            var secrets = _secrets();
            if (secrets.IsEmpty)
            {
                _output.Write(_buffer.WrittenSpan);
            }
            else
            {
                var masked = secrets.Scrub(Encoding.UTF8.GetString(_buffer.WrittenSpan)) ?? string.Empty;
                _output.Write(Encoding.UTF8.GetBytes(masked));
            }

            _output.Flush();
        }
        catch (IOException)
        {
            // The reader went away (`| head`): stop writing and let the run end.
            _closed = true;
            _outputGone();
        }
        finally
        {
            _buffer.ResetWrittenCount();
        }
    }
}
