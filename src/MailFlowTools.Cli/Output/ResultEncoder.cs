using System;
using System.Buffers;
using System.IO;
using System.Text;
using System.Text.Json;
using MailFlowTools.Cli.Streaming;
using MailFlowTools.Core.Reporting;

namespace MailFlowTools.Cli.Output;

/// <summary>
/// Turns one result into the bytes <see cref="ResultStreamWriter"/> writes for it, without the separator that
/// depends on its place in the output. One per thread, so workers encode their results at the same time instead
/// of one after another under the writer's lock.
/// </summary>
internal sealed class ResultEncoder
{
    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);
    private readonly Utf8JsonWriter _json;

    public ResultEncoder(OutputMode mode)
    {
        Mode = mode;
        _json = new Utf8JsonWriter(_buffer, mode == OutputMode.Json ? JsonOutput.ArrayWriterOptions : JsonOutput.LineWriterOptions);
    }

    public OutputMode Mode { get; }

    /// <summary>
    /// The result's bytes, valid until the next call on this encoder. --json: an array element as the array writer
    /// indents it ("\n  {…}", no comma); --json-lines: one line with its newline; text: the block, no blank line before.
    /// </summary>
    public ReadOnlySpan<byte> Encode(object result, SecretRedactor secrets)
    {
        _buffer.ResetWrittenCount();
        var skip = 0;
        switch (Mode)
        {
            case OutputMode.Json:
                // Written as the first element of an array, the element gets the array's indentation; the "[" is dropped.
                _json.Reset(_buffer);
                _json.WriteStartArray();
                JsonOutput.WriteResult(_json, result);
                _json.Flush();
                skip = 1;
                break;
            case OutputMode.JsonLines:
                _json.Reset(_buffer);
                JsonOutput.WriteResult(_json, result);
                _json.Flush();
                _buffer.Write("\n"u8);
                break;
            default:
                var text = new StringWriter();
                TextOutput.Write(text, new[] { result });
                _buffer.Write(Encoding.UTF8.GetBytes(text.ToString()));
                break;
        }

        var bytes = _buffer.WrittenSpan.Slice(skip);
        if (secrets.IsEmpty)
        {
            return bytes;
        }

        var masked = Encoding.UTF8.GetBytes(secrets.Scrub(Encoding.UTF8.GetString(bytes)) ?? string.Empty);
        return masked;
    }
}
