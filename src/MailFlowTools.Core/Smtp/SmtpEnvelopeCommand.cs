namespace MailFlowTools.Core.Smtp;

/// <summary>
/// One envelope command as the session sends it: the stage it times, the reply class it waits for, and for RCPT
/// the recipient. Built once by <see cref="SmtpEnvelope"/>, so nothing downstream re-reads the command line.
/// </summary>
public sealed class SmtpEnvelopeCommand
{
    private SmtpEnvelopeCommand(SmtpStage stage, string line, int expectedClass, string? recipient)
    {
        Stage = stage;
        Line = line;
        ExpectedClass = expectedClass;
        Recipient = recipient;
    }

    public SmtpStage Stage { get; }

    /// <summary>The command without its CRLF.</summary>
    public string Line { get; }

    /// <summary>2 for MAIL and RCPT (250), 3 for DATA (354).</summary>
    public int ExpectedClass { get; }

    public string? Recipient { get; }

    /// <summary>Bytes on the wire, CRLF included.</summary>
    public int WireLength => System.Text.Encoding.UTF8.GetByteCount(Line) + 2;

    public static SmtpEnvelopeCommand Mail(string line) => new(SmtpStage.MailFrom, line, 2, null);

    public static SmtpEnvelopeCommand Rcpt(string recipient) => new(SmtpStage.RcptTo, "RCPT TO:<" + recipient + ">", 2, recipient);

    public static SmtpEnvelopeCommand Data() => new(SmtpStage.Data, "DATA", 3, null);

    public override string ToString() => Line;
}
