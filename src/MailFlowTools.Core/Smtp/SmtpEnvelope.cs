using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MailFlowTools.Core.Errors;

namespace MailFlowTools.Core.Smtp;

/// <summary>
/// The envelope commands (MAIL FROM, RCPT TO…, optionally DATA) as one block of bytes, optionally padded to an
/// exact size so a single pipelined write has a chosen payload length.
/// <para>
/// Padding method (all of it valid RFC 5321): (1) the sender's local part is extended with "-" and zeros, up to
/// its 64-octet limit (§4.5.3.1.1), which gives one-byte steps; (2) beyond that, RCPT TO is repeated for the first
/// recipient (duplicate recipients are accepted and delivered once), one whole RCPT line per step, with the local
/// part taking the remainder. When the RCPT line is longer than the local part's spare room, the local part may
/// exceed 64 octets by less than one RCPT line. NOOP is not used: RFC 2920 allows it only at the end of a group.
/// </para>
/// </summary>
public sealed class SmtpEnvelope
{
    public const int MaxLocalPartLength = 64;

    private SmtpEnvelope(string mailFrom, string[] recipients, bool includesData)
    {
        var steps = new List<SmtpEnvelopeCommand> { SmtpEnvelopeCommand.Mail(mailFrom) };
        steps.AddRange(recipients.Select(SmtpEnvelopeCommand.Rcpt));
        if (includesData)
        {
            steps.Add(SmtpEnvelopeCommand.Data());
        }

        Steps = steps;
        MailCommand = mailFrom;
        RecipientCommands = recipients.Select(r => "RCPT TO:<" + r + ">").ToArray();
        IncludesData = includesData;
        var sb = new StringBuilder();
        foreach (var command in Commands)
        {
            sb.Append(command).Append("\r\n");
        }

        Bytes = Encoding.UTF8.GetBytes(sb.ToString());
    }

    public string MailCommand { get; }

    public string[] RecipientCommands { get; }

    public bool IncludesData { get; }

    /// <summary>Every command line without its CRLF, in wire order.</summary>
    public IEnumerable<string> Commands => Steps.Select(c => c.Line);

    /// <summary>The same commands, typed: stage, expected reply class and recipient each.</summary>
    public IReadOnlyList<SmtpEnvelopeCommand> Steps { get; }

    /// <summary>The whole envelope as it goes on the wire.</summary>
    public byte[] Bytes { get; }

    public int Length => Bytes.Length;

    /// <summary>
    /// Builds the envelope. <paramref name="sender"/> null or empty is the null reverse-path. With
    /// <paramref name="exactSize"/> the result is exactly that many bytes, or an invalid-argument error names the minimum.
    /// </summary>
    public static SmtpEnvelope Build(string? sender, IReadOnlyList<string> recipients, bool includeData, int? exactSize = null)
    {
        if (recipients is null || recipients.Count == 0)
        {
            throw MailFlowException.InvalidArgument(ErrorIds.InvalidParameterCombination, "The envelope needs at least one recipient.");
        }

        var rcpts = recipients.ToList();
        var plain = new SmtpEnvelope(MailLine(sender, 0), rcpts.ToArray(), includeData);
        if (exactSize is null || exactSize.Value == plain.Length)
        {
            return plain;
        }

        if (exactSize.Value < plain.Length)
        {
            throw MailFlowException.InvalidArgument(ErrorIds.ValueOutOfRange, $"An envelope of {exactSize.Value} bytes is too small: with these addresses it needs at least {plain.Length} bytes.", exactSize.Value);
        }

        if (string.IsNullOrEmpty(sender))
        {
            throw MailFlowException.InvalidArgument(ErrorIds.InvalidParameterCombination, "Padding the envelope needs a sender address (the padding goes into its local part); the null sender <> cannot be padded.");
        }

        var at = sender!.LastIndexOf('@');
        var local = at < 0 ? sender : sender.Substring(0, at);
        if (local.StartsWith("\"", StringComparison.Ordinal))
        {
            throw MailFlowException.InvalidArgument(ErrorIds.InvalidParameterCombination, "Padding the envelope needs a sender whose local part is not a quoted string.", sender);
        }

        var diff = exactSize.Value - plain.Length;
        var spare = Math.Max(0, MaxLocalPartLength - local.Length);
        var rcptLine = SmtpEnvelopeCommand.Rcpt(rcpts[0]).WireLength;
        var duplicates = diff <= spare ? 0 : (diff - spare + rcptLine - 1) / rcptLine;
        var pad = diff - duplicates * rcptLine;
        if (pad < 0)
        {
            duplicates--;
            pad += rcptLine;
        }

        for (var i = 0; i < duplicates; i++)
        {
            rcpts.Add(rcpts[0]);
        }

        var padded = new SmtpEnvelope(MailLine(sender, pad), rcpts.ToArray(), includeData);
        if (padded.Length != exactSize.Value)
        {
            throw new InvalidOperationException($"Envelope padding produced {padded.Length} bytes instead of {exactSize.Value}.");
        }

        return padded;
    }

    /// <summary>
    /// postmaster at the host's domain: for mx1.example.com, postmaster@example.com (the first label is dropped when
    /// three or more remain); for a two-label name, postmaster@name. For an IP address, the bare "postmaster", which
    /// RFC 5321 §4.5.1 requires every server to accept without a domain.
    /// </summary>
    public static string DefaultRecipient(string computerName)
    {
        var name = (computerName ?? string.Empty).Trim().TrimEnd('.');
        if (name.Length == 0 || IPAddress.TryParse(name.Trim('[', ']'), out _))
        {
            return "postmaster";
        }

        var labels = name.Split('.');
        return "postmaster@" + (labels.Length >= 3 ? string.Join(".", labels.Skip(1)) : name);
    }

    /// <summary>An RFC 5321 §4.1.3 address literal: [192.0.2.1] or [IPv6:2001:db8::1].</summary>
    public static string AddressLiteral(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6
            ? "[IPv6:" + new IPAddress(address.GetAddressBytes()) + "]"
            : "[" + address.ToString() + "]";
    }

    private static string MailLine(string? sender, int pad)
    {
        if (string.IsNullOrEmpty(sender))
        {
            return "MAIL FROM:<>";
        }

        if (pad == 0)
        {
            return "MAIL FROM:<" + sender + ">";
        }

        var at = sender!.LastIndexOf('@');
        var local = at < 0 ? sender : sender.Substring(0, at);
        var domain = at < 0 ? string.Empty : sender.Substring(at);
        return "MAIL FROM:<" + local + "-" + new string('0', pad - 1) + domain + ">";
    }

    public override string ToString() => string.Join(" | ", Commands) + string.Format(CultureInfo.InvariantCulture, " ({0} bytes)", Length);
}
